/**
 * `costsim calibrate`'s result for a scenario: demand calibrated on its `observations`
 * (./calibrate.ts), and, where the scenario has reference prices dated after the last
 * observation, how well the calibrated market predicts them out of sample (its Bertrand–Nash
 * prices at each reference date, nothing fitted to those dates) beside the full-fit version
 * (the scenario as written, whose initial prices, review dates and markups were typed in
 * knowing every date). Pure: records and plan costs come in from the pipeline.
 * Observed and reference prices are list prices; where a provider has a free quota or volume
 * tiers, customers choose on the effective price φ × list (src/market/price-structure.ts, the
 * billed share the simulated market uses), so the inversion runs on effective prices, a known
 * `margin` is a share of that effective price, implied costs are per unit used, and a predicted
 * Nash price is turned back into a list price (÷ φ) before it is set beside a reference.
 */
import { InputError } from '../errors.ts';
import type { Provenance } from '../provenance.ts';
import { pointEstimate, type Sampled } from '../scenario/distribution.ts';
import type { Demand, Provider, Reference, Scenario } from '../scenario/normalize.ts';
import { createRng } from '../util/rng.ts';
import { calibrateDemand, type CalibratedProvider, type Calibration, type MuSource, type SigmaSource } from './calibrate.ts';
import { resolveProviderCosts, type BenchRecords, type PlanCosts, type ResolvedProviderCost } from './costs.ts';
import { simulateRun, stageEquilibria } from './simulate.ts';
import { demandAt, qualityAt, releaseCostFactorAt, type Release } from './dynamics.ts';
import { marketPriceStructure } from './price-structure.ts';

/** One calibrated provider as printed. */
export interface CalibratedProviderReport {
  name: string;
  quality: number;
  /** USD/unit at the provider's last observed period (first-order conditions of the calibrated demand). */
  impliedMarginalCostUsd: number;
  observedPeriods: number[];
  /** The scenario's own marginal cost at that period (central value), for comparison. */
  scenarioMarginalCostUsd: number;
  impliedByPeriod: CalibratedProvider['impliedByPeriod'];
}

/** A reference price beside a model's price for the same provider and period (USD/unit). */
export interface PredictionRow {
  provider: string;
  date: string;
  period: number;
  referencePriceUsd: number;
  /** null when the model has no price there (provider not in the market, Nash refused). */
  modelPriceUsd: number | null;
  errorUsd: number | null;
}

/** A set of predictions and their mean absolute error (USD/unit) over the rows with a model price. */
export interface PredictionCheck {
  label: string;
  rows: PredictionRow[];
  meanAbsErrorUsd: number | null;
}

/** A value `costsim calibrate --write` puts into the scenario (document path, number). */
export interface FittedScenarioValue {
  path: Array<string | number>;
  value: number;
}

/** What `costsim calibrate --json` prints. */
export interface CalibrationReport {
  mu: number;
  muSource: MuSource;
  outsideQuality: number;
  /** Nested-logit σ (null: plain logit). */
  sigma: number | null;
  /** 'fitted' jointly with μ, or 'scenario' when the observations do not identify it (null: plain logit). */
  sigmaSource: SigmaSource | null;
  providers: CalibratedProviderReport[];
  /** Providers with no observation: kept at the scenario's quality and cost. */
  uncalibrated: string[];
  fitRmsLogShare: number;
  identifyingAssumption: string;
  /** What the calibration could not take into account (e.g. switching inertia). */
  warnings: string[];
  observations: { count: number; assumed: number; periods: number[] };
  /** Provenance of every fitted value. */
  provenance: Provenance;
  /** What `--write` puts into the scenario: μ and σ when fitted, each observed provider's quality in every epoch it was observed in (its own before any release, each quality-setting release's after it), and a given constant marginal cost replaced by the implied one. */
  fitted: FittedScenarioValue[];
  /** Present when some reference price is dated after the last observed period. */
  outOfSample?: PredictionCheck;
  fullFit?: PredictionCheck;
  /** The naive benchmark: every provider keeps its last observed price (null for one never observed). */
  noChange?: PredictionCheck;
}

const ASSUMPTION: Record<MuSource, string> = {
  fitted:
    "μ fitted by least squares on within-provider price changes: each provider's quality is assumed constant across the observed periods, and capacity not binding",
  costs: 'μ from the pricing first-order conditions at the known marginal costs (a single observed period, fixed market size); capacity not binding',
  scenario: 'μ taken from the scenario (observations span one period); qualities and costs are relative to it; capacity not binding',
};

const SIGMA_ASSUMPTION: Record<SigmaSource, string> = {
  fitted:
    'nested-logit σ fitted jointly with μ on the within-provider changes of the within-nest shares (the Berry 1994 nested-logit inversion is linear in 1/μ and σ)',
  scenario:
    "nested-logit σ taken from the scenario: the observations do not identify it (one period, or no within-nest share moves apart from each provider's own price)",
};

function logitDemand(scenario: Scenario, file: string): Sampled<Extract<Demand, { type: 'logit' }>> {
  const market = scenario.market;
  if (!market) throw new InputError({ file, path: 'demand' }, 'this scenario has no market: add demand and providers sections');
  const d = pointEstimate(market.demand);
  if (d.type !== 'logit') throw new InputError({ file, path: 'demand.type' }, 'calibration inverts logit demand (Berry 1994): set demand.type to logit');
  return d;
}

/** Marginal cost of provider `p` at period `t` from a base cost at period `from` (learning curve and shocks after `from`). */
function costAt(p: Sampled<Provider>, baseUsd: number, from: number, t: number, shocksFromStart: boolean): number {
  let c = baseUsd * Math.pow(1 - p.learningDeclinePerPeriod, t - from);
  for (const s of p.costShocks) if (s.atPeriod <= t && (shocksFromStart || s.atPeriod > from)) c *= s.factor;
  const releases = (p.releases ?? []) as Release[];
  return c * (shocksFromStart ? releaseCostFactorAt(releases, t) : releaseCostFactorAt(releases, t) / releaseCostFactorAt(releases, from));
}

function check(label: string, rows: PredictionRow[]): PredictionCheck {
  const errors = rows.flatMap((r) => (r.errorUsd === null ? [] : [Math.abs(r.errorUsd)]));
  return { label, rows, meanAbsErrorUsd: errors.length > 0 ? errors.reduce((a, b) => a + b, 0) / errors.length : null };
}

function row(r: Reference, model: number | null | undefined): PredictionRow {
  const m = model === undefined || model === null || Number.isNaN(model) ? null : model;
  return { provider: r.provider, date: r.date, period: r.period, referencePriceUsd: r.price, modelPriceUsd: m, errorUsd: m === null ? null : m - r.price };
}

/** Calibrate the scenario's demand on its observations and check it against later reference prices. */
export function calibrationReport(scenario: Scenario, records: BenchRecords, plans: PlanCosts = new Map(), file = scenario.file): CalibrationReport {
  const demand = logitDemand(scenario, file);
  const market = pointEstimate(scenario.market!);
  const costs = resolveProviderCosts(market, records, scenario.devices, file, plans);
  const { billed } = marketPriceStructure(market.providers, market.tokenMix, market.tokensPerCustomer);
  const cal = calibrateDemand({
    observations: scenario.observations.map((o) => {
      const effectiveUsd = o.priceUsd * billed[o.providerIndex]!;
      return {
        period: o.period,
        provider: o.providerIndex,
        priceUsd: effectiveUsd,
        share: o.share,
        knownCostUsd: o.marginalCostUsd ?? (o.margin !== undefined ? effectiveUsd * (1 - o.margin) : NaN),
      };
    }),
    providers: market.providers.length,
    mu: demand.mu,
    outsideQuality: demand.outsideQuality,
    priceElasticity: demand.priceElasticity,
    referencePriceUsd: demand.referencePriceUsd,
    ...(demand.nestedLogit ? { nested: { sigma: demand.nestedLogit.sigma, nestOf: demand.nestedLogit.nestOf } } : {}),
    outsideQualityAt: (t) => (demandAt(demand, t) as typeof demand).outsideQuality,
    epochOf: (j, t) => (market.providers[j]!.releases ?? []).filter((r) => r.atPeriod <= t && r.quality !== undefined).length,
    file,
  });
  const providers: CalibratedProviderReport[] = [];
  cal.providers.forEach((c, i) => {
    if (!c) return;
    const p = market.providers[i]!;
    providers.push({
      name: p.name,
      quality: c.quality,
      impliedMarginalCostUsd: c.impliedMarginalCostUsd,
      observedPeriods: c.impliedByPeriod.map((e) => e.period),
      scenarioMarginalCostUsd: costAt(p, costs[i]!.marginalCostUsd, 0, c.lastPeriod, true),
      impliedByPeriod: c.impliedByPeriod,
    });
  });
  const last = Math.max(...cal.periods);
  const later = scenario.references.filter((r) => r.period > last && r.period < scenario.periods);
  const report: CalibrationReport = {
    mu: cal.mu,
    muSource: cal.muSource,
    outsideQuality: cal.outsideQuality,
    sigma: cal.sigma,
    sigmaSource: cal.sigmaSource,
    providers,
    uncalibrated: market.providers.filter((_, i) => !cal.providers[i]).map((p) => p.name),
    fitRmsLogShare: cal.fitRmsLogShare,
    identifyingAssumption: cal.sigmaSource ? `${ASSUMPTION[cal.muSource]}; ${SIGMA_ASSUMPTION[cal.sigmaSource]}` : ASSUMPTION[cal.muSource],
    warnings: [
      ...((demand.inertia ?? 0) > 0
        ? [
            `demand.inertia is ${demand.inertia}: simulated shares lag their logit targets, but the inversion treats the observed shares as those targets (switching costs are not calibrated)`,
          ]
        : []),
      ...providers
        .filter((p) => p.impliedMarginalCostUsd < 0)
        .map(
          (p) =>
            `${p.name}'s implied marginal cost is negative (${p.impliedMarginalCostUsd.toPrecision(4)} USD per ${scenario.unit}): at μ = ${cal.mu.toPrecision(4)} its observed price is below a profit-maximising markup (--write never writes a negative cost)`,
        ),
    ],
    observations: { count: scenario.observations.length, assumed: scenario.observations.filter((o) => o.assumed).length, periods: cal.periods },
    provenance: {
      kind: 'calibrated',
      source: `Berry (1994) ${demand.nestedLogit ? 'nested-logit' : 'logit'} inversion of ${scenario.observations.length} observation(s) in period(s) ${cal.periods.join(', ')}${scenario.observations.some((o) => o.assumed) ? ` (${scenario.observations.filter((o) => o.assumed).length} of them assumed, see their sources)` : ''}; μ ${cal.muSource === 'fitted' ? 'fitted' : cal.muSource === 'costs' ? 'from known costs' : 'from the scenario'}${cal.sigmaSource ? `; σ ${cal.sigmaSource === 'fitted' ? 'fitted' : 'from the scenario (not identified)'}` : ''}; costs from the pricing first-order conditions${billed.some((f) => f !== 1) ? `; on effective prices (list × billed share after free quota and volume tiers: ${market.providers.map((p, i) => `${p.name} ${billed[i]!.toPrecision(4)}`).join(', ')})` : ''}`,
    },
    fitted: fittedValues(market, cal),
  };
  if (later.length === 0) return report;
  report.outOfSample = check(
    `out of sample: the market calibrated on observations up to period ${last}, its Bertrand–Nash prices at each later reference date (no strategy parameter, review date or price after period ${last} used)`,
    predictNash(market, costs, cal, later, billed),
  );
  report.noChange = check(
    `no change: each provider keeps its price observed at period ${last} (the benchmark an out-of-sample model should beat)`,
    later.map((r) => {
      const i = market.providers.findIndex((p) => p.name === r.provider);
      const o = scenario.observations.filter((x) => x.providerIndex === i).sort((a, b) => b.period - a.period)[0];
      return row(r, o?.priceUsd ?? null);
    }),
  );
  report.fullFit = check(
    'full fit: the scenario as written (initial prices, review dates and markups typed in knowing every date), one run at central values',
    simulateAsWritten(scenario, market, costs, later),
  );
  return report;
}

/** The calibrated market's Nash list prices at each reference's period, among the providers in the market then. */
function predictNash(
  market: Sampled<NonNullable<Scenario['market']>>,
  costs: ResolvedProviderCost[],
  cal: Calibration,
  refs: Reference[],
  billed: Float64Array,
): PredictionRow[] {
  const demand0 = { ...(market.demand as Extract<typeof market.demand, { type: 'logit' }>), mu: cal.mu };
  const n = market.providers.length;
  const capacity = market.providers.map((p) => p.capacityUnitsPerPeriod);
  return refs.map((r) => {
    const demand = demandAt(demand0, r.period);
    // Calibrated quality in force at the last observation, then any release after it; the others as the scenario has them.
    const quality = market.providers.map((p, i) => {
      const c = cal.providers[i];
      const releases = (p.releases ?? []) as Release[];
      return c
        ? qualityAt(
            c.quality,
            releases.filter((x) => x.atPeriod > c.lastPeriod),
            r.period,
          )
        : qualityAt(costs[i]!.quality, releases, r.period);
    });
    const mc = market.providers.map((p, i) => {
      const c = cal.providers[i];
      return c ? costAt(p, c.impliedMarginalCostUsd, c.lastPeriod, r.period, false) : costAt(p, costs[i]!.marginalCostUsd, 0, r.period, true);
    });
    const active = market.providers.map((p) => (p.entersAt <= r.period ? 1 : 0));
    const i = market.providers.findIndex((p) => p.name === r.provider);
    if (!active[i] || n === 0) return row(r, null);
    const eq = stageEquilibria(demand, quality, mc, capacity, active);
    // Solved in effective prices (what customers pay); the reference is a list price.
    return row(r, eq.nashPriceUsd ? eq.nashPriceUsd[i]! / billed[i]! : null);
  });
}

/** The scenario as written, one run at central values: its price at each reference's period. */
function simulateAsWritten(
  scenario: Scenario,
  market: Sampled<NonNullable<Scenario['market']>>,
  costs: ResolvedProviderCost[],
  refs: Reference[],
): PredictionRow[] {
  const rng = createRng(scenario.seed);
  const tokens = {
    ...(market.tokenMix ? { tokenMix: market.tokenMix } : {}),
    ...(market.tokensPerCustomer !== undefined ? { tokensPerCustomer: market.tokensPerCustomer } : {}),
  };
  const run = simulateRun(
    { run: 0, seed: scenario.seed, periods: scenario.periods, demand: market.demand, providers: market.providers, costs, ...tokens },
    rng.fork('sim'),
  );
  return refs.map((r) => row(r, run.rows.find((x) => x.provider === r.provider && x.period === r.period)?.priceUsd));
}

/** The values `--write` replaces. A given marginal cost is replaced only when it is constant over time (no learning curve, no shocks). */
function fittedValues(market: Sampled<NonNullable<Scenario['market']>>, cal: Calibration): FittedScenarioValue[] {
  const out: FittedScenarioValue[] = cal.muSource === 'scenario' ? [] : [{ path: ['demand', 'mu'], value: cal.mu }];
  if (cal.sigmaSource === 'fitted') out.push({ path: ['demand', 'nestedLogit', 'sigma'], value: cal.sigma! });
  cal.providers.forEach((c, i) => {
    if (!c) return;
    const p = market.providers[i]!;
    // Epoch 0 is the provider's own quality; a quality observed after its e-th quality-setting release (period order) is that release's.
    const qualityReleases = (p.releases ?? []).filter((x) => x.quality !== undefined);
    for (const { epoch, quality } of c.qualityByEpoch) {
      const release = epoch > 0 ? qualityReleases[epoch - 1] : undefined;
      if (epoch === 0) out.push({ path: ['providers', i, 'quality'], value: quality });
      else if (release) out.push({ path: ['providers', i, 'releases', release.index, 'quality'], value: quality });
    }
    // A negative implied cost (the observed price is below the markup μ implies) is not a cost a scenario can hold: kept, and warned about.
    const constant = p.costShocks.length === 0 && p.learningDeclinePerPeriod === 0 && !(p.releases ?? []).some((x) => x.costFactor !== undefined);
    if (p.cost.kind === 'given' && constant && c.impliedMarginalCostUsd >= 0)
      out.push({ path: ['providers', i, 'marginalCost'], value: c.impliedMarginalCostUsd });
  });
  return out;
}
