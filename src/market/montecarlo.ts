/**
 * Monte Carlo over seeds and parameter distributions. Run r's seed is derived from the
 * scenario seed and r alone, and each run draws its parameters from its own RNG, so results
 * are byte-identical whichever worker computes which run. `simulateRuns` is what a worker
 * process calls; `assembleSimulation` merges runs (in run order) into the published result.
 */
import { InputError } from '../errors.ts';
import { createRng } from '../util/rng.ts';
import { pointEstimate, sampleAll } from '../scenario/distribution.ts';
import type { Reference, Scenario } from '../scenario/normalize.ts';
import { resolveProviderCosts, type BenchRecords, type PlanCosts, type ResolvedProviderCost } from './costs.ts';
import { linearCournot, type EquilibriumPoint } from './equilibrium.ts';
import { simulateRun } from './simulate.ts';
import { solveStage } from './stage.ts';
import { summarizeRuns } from './summary.ts';
import { impulseRows, type ImpulseRow } from './impulse.ts';
import type { TokenMix } from './tokens.ts';
import { marketPriceStructure } from './price-structure.ts';
import { assertFiniteRows, guardSolve } from './finite.ts';
import type { MarketPeriodRow, MarketSummary, ProviderPeriodRow, RunResult } from './types.ts';

/** The seed of run `run` (0-based) of a scenario seeded with `scenarioSeed`. */
export function runSeed(scenarioSeed: number, run: number): number {
  return createRng(scenarioSeed).fork(`run:${run}`).seed;
}

function marketOf(scenario: Scenario): NonNullable<Scenario['market']> {
  if (!scenario.market) throw new InputError({ file: scenario.file, path: 'demand' }, 'this scenario has no market: add demand and providers sections');
  return scenario.market;
}

/** The token-market fields of a (sampled) market that a run needs, when present. */
function tokenMarket(m: { tokenMix?: TokenMix; tokensPerCustomer?: number }): { tokenMix?: TokenMix; tokensPerCustomer?: number } {
  return { ...(m.tokenMix ? { tokenMix: m.tokenMix } : {}), ...(m.tokensPerCustomer !== undefined ? { tokensPerCustomer: m.tokensPerCustomer } : {}) };
}

/** Simulate the given runs of `scenario` (any subset, any order); results come back in the order asked. */
export function simulateRuns(
  scenario: Scenario,
  records: BenchRecords,
  runs: readonly number[],
  periods = scenario.periods,
  plans: PlanCosts = new Map(),
): RunResult[] {
  const market = marketOf(scenario);
  return runs.map((run) => {
    const seed = runSeed(scenario.seed, run);
    const rng = createRng(seed);
    const sampled = sampleAll(market, rng.fork('params'));
    const costs = resolveProviderCosts(sampled, records, scenario.devices, scenario.file, plans, rng.fork('timing'));
    const inputs = { demand: sampled.demand, costs };
    const result = guardSolve(`run ${run}`, inputs, () =>
      simulateRun({ run, seed, periods, demand: sampled.demand, providers: sampled.providers, costs, ...tokenMarket(sampled) }, rng.fork('sim')),
    );
    assertFiniteRows(`run ${run}`, result.rows, inputs, (r) => `${r.provider}, period ${r.period}`);
    assertFiniteRows(`run ${run}`, result.marketRows, inputs, (r) => `period ${r.period}`);
    return result;
  });
}

/** One provider's price, share and profit (USD per period) at an equilibrium. */
export interface EquilibriumEntry {
  provider: string;
  /** List price (USD/unit; USD per 1M blended tokens in a token market), as in the rows' priceUsd. */
  price: number;
  /** What customers pay per unit after free quota and volume tiers (list × billed share); only where it differs from price. */
  effectivePrice?: number;
  /** Share of all consumers (logit; the outside good takes the rest) or of units sold (linear). */
  consumerShare: number;
  profit: number;
}

/**
 * Stage-game equilibria of every provider at period-0 costs with every distribution at its
 * central value, in the market as simulated (price-elastic size, capacity limits).
 */
export interface EquilibriumReport {
  /** Empty when refused (see nashRefused). */
  nash: EquilibriumEntry[];
  /** Why no Bertrand–Nash prices are given, when none was found. */
  nashRefused?: string;
  collusive: EquilibriumEntry[];
  /** Cournot quantities and price, for linear demand only. */
  cournot?: Array<EquilibriumEntry & { quantity: number }>;
  costs: ResolvedProviderCost[];
}

/** Nash and joint-profit prices (and Cournot under linear demand) of the scenario's market. */
export function equilibriumReport(scenario: Scenario, records: BenchRecords, plans: PlanCosts = new Map()): EquilibriumReport {
  const market = pointEstimate(marketOf(scenario));
  const costs = resolveProviderCosts(market, records, scenario.devices, scenario.file, plans);
  const inputs = { demand: market.demand, costs };
  const stage = guardSolve('the stage-game equilibrium', inputs, () =>
    solveStage({
      demand: market.demand,
      quality: costs.map((c) => c.quality),
      marginalCostUsd: costs.map((c) => c.marginalCostUsd),
      capacityUnits: market.providers.map((p) => p.capacityUnitsPerPeriod),
    }),
  );
  const nash = stage.nash ?? [];
  const collusive = stage.collusive;
  // The stage is solved in effective prices (what customers pay); the list price is effective ÷ billed share.
  const { billed } = marketPriceStructure(market.providers, market.tokenMix, market.tokensPerCustomer);
  const entries = (points: EquilibriumPoint[]) =>
    points.map((e, i) => ({
      provider: (costs[i] as ResolvedProviderCost).provider,
      price: e.price / billed[i]!,
      ...(billed[i] !== 1 ? { effectivePrice: e.price } : {}),
      consumerShare: e.consumerShare,
      profit: e.profit,
    }));
  const d = market.demand;
  const report: EquilibriumReport = {
    nash: entries(nash),
    ...(stage.nashRefused ? { nashRefused: stage.nashRefused } : {}),
    collusive: entries(collusive),
    ...(d.type === 'linear'
      ? {
          cournot: ((points) => entries(points).map((e, i) => ({ ...e, quantity: (points[i] as EquilibriumPoint).quantity })))(
            linearCournot({
              quality: costs.map((c) => c.quality),
              marginalCostUsd: costs.map((c) => c.marginalCostUsd),
              slope: d.slope,
              substitution: d.substitution,
            }),
          ),
        }
      : {}),
    costs,
  };
  for (const [kind, list] of [
    ['Bertrand–Nash', report.nash],
    ['joint-profit', report.collusive],
    ['Cournot', report.cournot ?? []],
  ] as const)
    assertFiniteRows(`the ${kind} equilibrium`, list, inputs, (e) => e.provider);
  assertFiniteRows(
    'the provider costs',
    costs.map((c) => ({ provider: c.provider, marginalCostUsd: c.marginalCostUsd, quality: c.quality })),
    inputs,
    (c) => c.provider,
  );
  return report;
}

/** A whole simulation as published: tables, summaries, equilibria and the scenario's reference prices. */
export interface SimulationResult {
  scenario: { name: string; seed: number; runs: number; periods: number; unit: string; question: string; calendar?: { start: string; periodDays: number } };
  equilibrium: EquilibriumReport;
  rows: ProviderPeriodRow[];
  marketRows: MarketPeriodRow[];
  summary: MarketSummary;
  references: Reference[];
  learning: Array<{ run: number } & NonNullable<RunResult['learning']>>;
  /** Every funding round raised, run by run (amount, dilution, equity the earlier holders retain). */
  fundingRounds: RunResult['fundingRounds'];
  /** The learners' impulse responses (Calvano et al. 2020) as tidy rows: one per run × period around the deviation × provider. */
  impulseRows: ImpulseRow[];
  /** Each real dated price beside the simulated price band of that provider at that period. */
  referenceComparison: ReferenceComparison[];
}

/** A reference price next to the simulated band (USD/unit); simulated fields are null past the horizon or after exit. */
export interface ReferenceComparison {
  provider: string;
  date: string;
  period: number;
  referencePriceUsd: number;
  simulatedMedianUsd: number | null;
  simulatedLowUsd: number | null;
  simulatedHighUsd: number | null;
  /**
   * The real change: this reference price relative to the provider's earliest reference price
   * (e.g. −0.8 = an 80% cut); null for that earliest one and for a provider with one reference.
   * The simulated change: the simulated median at this period relative to the simulated median
   * at the earliest reference's period, so both are measured from the same date.
   */
  referenceChange: number | null;
  simulatedChange: number | null;
}

function compareReferences(references: readonly Reference[], bands: MarketSummary['bands']): ReferenceComparison[] {
  const price = (provider: string, period: number) => bands.find((b) => b.metric === 'priceUsd' && b.provider === provider && b.period === period);
  const first = new Map<string, Reference>();
  for (const r of references) {
    const f = first.get(r.provider);
    if (!f || r.period < f.period) first.set(r.provider, r);
  }
  return references.map((r) => {
    const at = price(r.provider, r.period);
    const base = first.get(r.provider) as Reference;
    const isBase = base === r || base.period === r.period;
    const start = price(r.provider, base.period);
    return {
      provider: r.provider,
      date: r.date,
      period: r.period,
      referencePriceUsd: r.price,
      simulatedMedianUsd: at?.median ?? null,
      simulatedLowUsd: at?.low ?? null,
      simulatedHighUsd: at?.high ?? null,
      referenceChange: isBase || !(base.price > 0) ? null : r.price / base.price - 1,
      simulatedChange: isBase || !start || !at ? null : at.median / start.median - 1,
    };
  });
}

/** Merge runs (sorted by run index) into the published result. */
export function assembleSimulation(
  scenario: Scenario,
  records: BenchRecords,
  runs: readonly RunResult[],
  periods = scenario.periods,
  plans: PlanCosts = new Map(),
): SimulationResult {
  const market = marketOf(scenario);
  const ordered = [...runs].sort((a, b) => a.run - b.run);
  const learning = ordered.flatMap((r) => (r.learning ? [{ run: r.run, ...r.learning }] : []));
  const summary = summarizeRuns(
    ordered,
    market.providers.map((p) => p.name),
    periods,
    scenario.monteCarlo.percentiles,
  );
  return {
    scenario: {
      name: scenario.name,
      seed: scenario.seed,
      runs: ordered.length,
      periods,
      unit: scenario.unit,
      question: scenario.question,
      ...(scenario.calendar ? { calendar: scenario.calendar } : {}),
    },
    equilibrium: equilibriumReport(scenario, records, plans),
    rows: ordered.flatMap((r) => r.rows),
    marketRows: ordered.flatMap((r) => r.marketRows),
    summary,
    references: scenario.references,
    learning,
    impulseRows: impulseRows(
      learning,
      market.providers.map((p) => p.name),
    ),
    fundingRounds: ordered.flatMap((r) => r.fundingRounds ?? []),
    referenceComparison: compareReferences(scenario.references, summary.bands),
  };
}
