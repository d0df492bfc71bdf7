/**
 * Defaults, in one place: a validated `RawScenario` becomes a fully filled `Scenario` that
 * nothing downstream second-guesses. Every default is documented here (and in the README's
 * scenario section). Numbers may still be distributions (`Num`); a Monte Carlo run draws them.
 */
import { BENCH_DEFAULTS } from '../bench/defaults.ts';
import { checkGridOptions } from '../devices/carbon.ts';
import type { Device } from '../devices/catalog.ts';
import { stripControl } from '../util/text.ts';
import type { Num } from './distribution.ts';
import type { Provenance } from '../provenance.ts';
import { blendedUsdPerM, TOKEN_UNIT, type TokenClassUsd, type TokenMix } from '../market/tokens.ts';
import type { VolumeTier } from '../market/price-structure.ts';
import type {
  BenchSpec,
  CostSpec,
  DemandSpec,
  PlacementSpec,
  RawObservation,
  RawProvider,
  RawScenario,
  ReferencePrice,
  ScenarioDevice,
  StrategySpec,
} from './schema.ts';
import type { ModelShape } from '../serve/shapes.ts';
import { normalizeModelShape, normalizeServing, type ServingEntry } from './serving.ts';

/** Strategy parameters with every default filled (see src/market/strategies.ts for what each does). */
export type Strategy =
  | { type: 'costPlus'; markup: Num }
  | { type: 'matchLowest'; minMarkup: Num }
  | { type: 'undercutLeader'; step: Num; minMarkup: Num }
  | { type: 'titForTat'; cooperativePrice: Num | 'collusive'; tolerance: Num }
  | { type: 'edgeworth'; step: Num; minMarkup: Num; relentPrice: Num | 'collusive' }
  | { type: 'bestResponse'; damping: Num }
  | { type: 'predatory'; markup: Num; reserveCash: Num }
  | { type: 'qlearning'; m: number; xi: Num; alpha: Num; beta: Num; delta: Num; convergencePeriods: number; maxPeriods: number };

/** Demand with defaults: logit (Calvano et al. 2020 form) or linear (Shubik–Levitan). */
export type Demand =
  | {
      type: 'logit';
      mu: Num;
      outsideQuality: Num;
      marketSize: Num;
      priceElasticity: Num;
      referencePriceUsd: Num;
      /** Present only when given (src/market/dynamics.ts): outside-option drift, base-size growth, switching inertia. */
      outsideQualityPerPeriod?: Num;
      growthPerPeriod?: Num;
      inertia?: Num;
      nestedLogit?: NestedLogit;
    }
  | { type: 'linear'; slope: Num; substitution: Num };

/**
 * Nested logit (src/market/demand.ts nestedLogitShares): σ and each provider's nest index, in
 * provider order; `nests[g]` names nest g (a provider no nest lists is alone in a nest named after it).
 */
export interface NestedLogit {
  sigma: number;
  nestOf: number[];
  nests: string[];
}

/** An observed price and share of all consumers (0–1) of provider `providerIndex` in `period`. */
export type Observation = RawObservation & { providerIndex: number };

/** Where a provider's marginal cost comes from. */
export type ProviderCost =
  | { kind: 'given'; marginalCostUsd: Num }
  /** Per-class costs in `Provider.tokenCostsUsdPerM`, blended at the market's token mix; `provenance` says where they came from. */
  | { kind: 'tokens'; provenance: Provenance }
  /** The best plan of a placement entry (USD per million tokens served) × tokensPerUnit / 1e6. */
  | { kind: 'planned'; placement: string; tokensPerUnit: Num }
  /** USD per 1M input, cached input and output tokens of a `serving:` entry's plan (the serving model), blended at the scenario's token mix. */
  | { kind: 'serving'; serving: string }
  | {
      kind: 'measured';
      /** Bench id whose record gives FLOPs per sample (and utilisation unless given). */
      bench?: string;
      device: string;
      dtype: 'fp32' | 'tf32' | 'fp16' | 'bf16' | 'fp8' | 'int8';
      /** undefined: take the record's measured utilisation. */
      utilisation?: Num;
      /** undefined: the record's FLOPs per sample × samplesPerUnit. */
      flopsPerUnit?: Num;
      samplesPerUnit: Num;
      flops: 'dense' | 'effective';
    };

/** Provider quality: a number (logit a_i, or the linear demand intercept) or a mapping of a measured accuracy. */
export type Quality = Num | { fromAccuracy: string; mapping: { type: 'linear'; slope: Num; intercept: Num } | { type: 'logOdds'; scale: Num; intercept: Num } };

/** A provider with every default filled. Money in USD, quantities in the scenario's units. */
export interface Provider {
  name: string;
  quality: Quality;
  cost: ProviderCost;
  /**
   * Marginal cost per token class (USD per 1M tokens) in a token market: the provider's
   * marginal cost per unit is then blendedUsdPerM(tokenCostsUsdPerM, tokenMix) (src/market/tokens.ts).
   */
  tokenCostsUsdPerM?: TokenClassUsd;
  /** Initial list prices per token class (USD per 1M tokens); the strategy's blended price moves them at these ratios. */
  listPricesUsdPerM?: TokenClassUsd;
  /** Free blended tokens per customer per period (token markets; 0 when absent). */
  freeTokensPerCustomer?: number;
  /** Graduated volume tiers per customer per period, sorted by fromTokens (token markets). */
  volumeTiers?: VolumeTier[];
  /** Fractional decline of marginal cost per period (learning curve); 0 = none. */
  learningDeclinePerPeriod: Num;
  capacityUnitsPerPeriod: Num;
  fixedCostUsdPerPeriod: Num;
  cashUsd: Num;
  strategy: Strategy;
  entersAt: number;
  /** The strategy is consulted every `reviewEvery` periods after entry (list prices change rarely); the price holds in between. */
  reviewEvery: number;
  /** undefined: the one-shot Bertrand–Nash price at period-0 costs. */
  initialPriceUsd?: Num;
  /** Model releases, sorted by period (dates mapped through the calendar): quality and cost change together (src/market/dynamics.ts). */
  releases?: Array<{
    atPeriod: number;
    quality?: Num;
    costFactor?: Num;
    /** Position in the scenario's list (for `costsim calibrate --write`). */ index: number;
  }>;
  /** Funding rounds (dates mapped through the calendar); amounts in USD, dilution the share of equity sold. */
  funding?: Array<{ atPeriod?: number; runwayBelowPeriods?: number; amountUsd: Num; dilution: Num }>;
  /** Marginal cost is multiplied by `factor` from `atPeriod` on (cumulative). */
  costShocks: Array<{ atPeriod: number; factor: Num }>;
}

/** A real dated price, plotted beside simulated paths. */
export type Reference = ReferencePrice & { period: number };

/** A scenario with every default filled. */
export interface Scenario {
  /** The file the scenario was read from, as given (errors name it, with the path and line). */
  file: string;
  name: string;
  description: string;
  question: string;
  seed: number;
  periods: number;
  unit: string;
  calendar?: { start: string; periodDays: number };
  /**
   * Present when the scenario has a market (demand + providers). `tokenMix` (from the scenario's
   * top-level `tokenMix`) makes it a token market whose unit is 1M blended tokens (TOKEN_UNIT).
   */
  market?: { demand: Demand; providers: Provider[]; tokenMix?: TokenMix; tokensPerCustomer?: number };
  monteCarlo: { runs: number; percentiles: number[] };
  references: Reference[];
  /** Observed prices and shares for `costsim calibrate` (empty when none). */
  observations: Observation[];
  /** Present when `costsim calibrate --write` produced this scenario. */
  calibrated?: NonNullable<RawScenario['calibrated']>;
  bench: Array<BenchSpec & { steps?: number; batch: number; accum: number; seed: number }>;
  /** The `energy:` section with both fields filled (region default world, PUE default 1); absent when the scenario has none. */
  energy?: { region: string; pue: number };
  devices: Device[];
  placement: Array<PlacementSpec & { objective: 'time' | 'cost' }>;
  /** User model shapes (`models:`), for serving entries. */
  models: ModelShape[];
  /** Serving entries with the serve layer's defaults filled. */
  serving: ServingEntry[];
}

/** Defaults documented in one table (also quoted by the README). */
export const DEFAULTS = {
  seed: 1,
  periods: 100,
  unit: 'unit',
  runs: 1,
  percentiles: [10, 50, 90],
  outsideQuality: 0,
  marketSize: 1,
  priceElasticity: 0,
  referencePriceUsd: 1,
  linearSlope: 1,
  linearSubstitution: 1,
  capacityUnitsPerPeriod: Infinity,
  cashUsd: Infinity,
  fixedCostUsdPerPeriod: 0,
  entersAt: 0,
  reviewEvery: 1,
  qualityMapping: { type: 'linear', slope: 1, intercept: 0 },
  // The harness's own defaults (src/bench/defaults.ts), so `costsim run` and `costsim bench`/`prune` run the same study.
  benchBatch: BENCH_DEFAULTS.batchSize,
  benchAccum: BENCH_DEFAULTS.accumulationSteps,
  benchSeed: BENCH_DEFAULTS.seed,
} as const;

/** A strategy with every default filled (the one place strategy defaults live). */
export function normalizeStrategy(s: StrategySpec): Strategy {
  switch (s.type) {
    case 'costPlus':
      return { type: s.type, markup: s.markup ?? 0.3 };
    case 'matchLowest':
      return { type: s.type, minMarkup: s.minMarkup ?? 0 };
    case 'undercutLeader':
      return { type: s.type, step: s.step ?? 0.05, minMarkup: s.minMarkup ?? 0 };
    case 'titForTat':
      return { type: s.type, cooperativePrice: s.cooperativePrice ?? 'collusive', tolerance: s.tolerance ?? 0.01 };
    case 'edgeworth':
      return { type: s.type, step: s.step ?? 0.05, minMarkup: s.minMarkup ?? 0, relentPrice: s.relentPrice ?? 'collusive' };
    case 'bestResponse':
      return { type: s.type, damping: s.damping ?? 1 };
    case 'predatory':
      return { type: s.type, markup: s.markup ?? -0.2, reserveCash: s.reserveCash ?? 0 };
    case 'qlearning':
      // Calvano et al. (2020) baseline: m = 15, xi = 0.1, alpha = 0.15, beta = 4e-6, delta = 0.95.
      return {
        type: s.type,
        m: s.m ?? 15,
        xi: s.xi ?? 0.1,
        alpha: s.alpha ?? 0.15,
        beta: s.beta ?? 4e-6,
        delta: s.delta ?? 0.95,
        convergencePeriods: s.convergencePeriods ?? 100_000,
        maxPeriods: s.maxPeriods ?? 10_000_000,
      };
  }
}

function cost(p: RawProvider): ProviderCost {
  if (p.marginalCost !== undefined) return { kind: 'given', marginalCostUsd: p.marginalCost };
  const c = p.cost as CostSpec;
  if (c.tokens !== undefined)
    return { kind: 'tokens', provenance: { kind: 'assumed', source: 'cost.tokens (USD per 1M input, cached input, output tokens) given in the scenario' } };
  if (c.serving !== undefined) return { kind: 'serving', serving: c.serving };
  if (c.placement !== undefined) return { kind: 'planned', placement: c.placement, tokensPerUnit: c.tokensPerUnit ?? 1e6 };
  return {
    kind: 'measured',
    ...(c.bench !== undefined ? { bench: c.bench } : {}),
    device: c.device as string,
    dtype: c.dtype ?? 'fp32',
    ...(c.utilisation !== undefined ? { utilisation: c.utilisation } : {}),
    ...(c.flopsPerUnit !== undefined ? { flopsPerUnit: c.flopsPerUnit } : {}),
    samplesPerUnit: c.samplesPerUnit ?? 1,
    // Zeros in a dense kernel still cost time: only structurally smaller models are cheaper by default.
    flops: c.flops ?? 'dense',
  };
}

function quality(q: RawProvider['quality']): Quality {
  if (typeof q === 'object' && 'fromAccuracy' in q) {
    const m = q.mapping ?? DEFAULTS.qualityMapping;
    return {
      fromAccuracy: q.fromAccuracy,
      mapping:
        m.type === 'linear'
          ? { type: 'linear', slope: m.slope ?? 1, intercept: m.intercept ?? 0 }
          : { type: 'logOdds', scale: m.scale ?? 1, intercept: m.intercept ?? 0 },
    };
  }
  return q;
}

const classes = (c: { input: number; cachedInput?: number; output: number }): TokenClassUsd => ({
  input: c.input,
  cachedInput: c.cachedInput ?? c.input,
  output: c.output,
});

/** Period of a dated entry: `atPeriod`, or its date through the calendar (check.ts requires one, and a calendar for a date). */
type PeriodOf = (e: { atPeriod?: number; date?: string }) => number | undefined;

function provider(p: RawProvider, mix: TokenMix | undefined, periodOf: PeriodOf): Provider {
  const list = p.prices ? classes(p.prices) : undefined;
  return {
    name: stripControl(p.name),
    quality: quality(p.quality),
    cost: cost(p),
    ...(p.cost?.tokens !== undefined ? { tokenCostsUsdPerM: classes(p.cost.tokens) } : {}),
    ...(list ? { listPricesUsdPerM: list } : {}),
    ...(p.freeTokensPerCustomer !== undefined ? { freeTokensPerCustomer: p.freeTokensPerCustomer } : {}),
    ...(p.volumeTiers ? { volumeTiers: [...p.volumeTiers].sort((a, b) => a.fromTokens - b.fromTokens).map((t) => ({ ...t })) } : {}),
    learningDeclinePerPeriod: p.learningCurve?.declinePerPeriod ?? p.cost?.learningCurve?.declinePerPeriod ?? 0,
    capacityUnitsPerPeriod: p.capacity ?? DEFAULTS.capacityUnitsPerPeriod,
    fixedCostUsdPerPeriod: p.fixedCostPerPeriod ?? DEFAULTS.fixedCostUsdPerPeriod,
    cashUsd: p.cash ?? DEFAULTS.cashUsd,
    strategy: normalizeStrategy(p.strategy),
    entersAt: p.entersAt ?? DEFAULTS.entersAt,
    reviewEvery: p.reviewEvery ?? DEFAULTS.reviewEvery,
    // `prices` are the initial list prices: the blended one is the initial price (check.ts refuses both).
    ...(p.initialPrice !== undefined ? { initialPriceUsd: p.initialPrice } : list && mix ? { initialPriceUsd: blendedUsdPerM(list, mix) } : {}),
    costShocks: [...(p.costShocks ?? [])].sort((a, b) => a.atPeriod - b.atPeriod),
    ...(p.releases
      ? {
          releases: p.releases
            .map((r, index) => ({
              atPeriod: periodOf(r) as number,
              index,
              ...(r.quality !== undefined ? { quality: r.quality } : {}),
              ...(r.costFactor !== undefined ? { costFactor: r.costFactor } : {}),
            }))
            .sort((a, b) => a.atPeriod - b.atPeriod),
        }
      : {}),
    ...(p.funding
      ? {
          funding: p.funding.map((f) => {
            const at = periodOf(f);
            return {
              ...(at !== undefined ? { atPeriod: at } : {}),
              ...(f.runwayBelowPeriods !== undefined ? { runwayBelowPeriods: f.runwayBelowPeriods } : {}),
              amountUsd: f.amount,
              dilution: f.dilution,
            };
          }),
        }
      : {}),
  };
}

/** A scenario device is a catalogue `Device` (this fails to compile if the two shapes drift apart). */
const asDevice = (d: ScenarioDevice): Device => ({ ...d, name: stripControl(d.name) });

/** Whole days between two ISO dates (YYYY-MM or YYYY-MM-DD; a month means its first day). */
function daysBetween(from: string, to: string): number {
  const t = (d: string) => Date.parse(d.length === 7 ? `${d}-01T00:00:00Z` : `${d}T00:00:00Z`);
  return Math.round((t(to) - t(from)) / 86_400_000);
}

/** Nests by provider index; providers in no nest get one each. Names are checked in check.ts. */
function nestedLogit(spec: NonNullable<Extract<DemandSpec, { type: 'logit' }>['nestedLogit']>, providers: RawProvider[]): NestedLogit {
  const names = providers.map((p) => stripControl(p.name));
  const nests = Object.keys(spec.nests);
  const nestOf = names.map((n) => nests.findIndex((g) => (spec.nests[g] ?? []).some((m) => stripControl(m) === n)));
  nestOf.forEach((g, i) => {
    if (g < 0) {
      nestOf[i] = nests.length;
      nests.push(names[i] as string);
    }
  });
  return { sigma: spec.sigma, nestOf, nests };
}

/** The scenario's grid region and PUE, filled by the flags' own check (already passed in check.ts). */
function energyOf(raw: RawScenario): { region: string; pue: number } | undefined {
  const e = raw.energy;
  return e ? checkGridOptions({ ...(e.gridRegion !== undefined ? { region: e.gridRegion } : {}), ...(e.pue !== undefined ? { pue: e.pue } : {}) }) : undefined;
}

/** Fill every default of a validated scenario. `fileName` names it when `name` is absent. */
export function normalizeScenario(raw: RawScenario, fileName: string): Scenario {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, '');
  const cal = raw.calendar;
  const demand = raw.demand;
  const periodOf: PeriodOf = (e) => e.atPeriod ?? (e.date !== undefined && cal ? Math.floor(daysBetween(cal.start, e.date) / cal.periodDays) : undefined);
  return {
    file: fileName,
    // Names and prose are shown in terminals, charts and CSV: control characters never get through.
    name: stripControl(raw.name ?? base) || 'scenario',
    description: stripControl(raw.description ?? '', true),
    question: stripControl(raw.question ?? '', true),
    seed: raw.seed ?? DEFAULTS.seed,
    periods: raw.periods ?? DEFAULTS.periods,
    // A token market's unit is 1M blended tokens, whatever `unit` says (check.ts refuses another unit beside tokenMix).
    unit: raw.tokenMix ? TOKEN_UNIT : stripControl(raw.unit ?? DEFAULTS.unit) || DEFAULTS.unit,
    ...(cal ? { calendar: cal } : {}),
    ...(demand && raw.providers
      ? {
          market: {
            demand:
              demand.type === 'logit'
                ? {
                    type: 'logit',
                    mu: demand.mu,
                    outsideQuality: demand.outsideQuality ?? DEFAULTS.outsideQuality,
                    marketSize: demand.marketSize ?? DEFAULTS.marketSize,
                    priceElasticity: demand.priceElasticity ?? DEFAULTS.priceElasticity,
                    referencePriceUsd: demand.referencePrice ?? DEFAULTS.referencePriceUsd,
                    ...(demand.nestedLogit ? { nestedLogit: nestedLogit(demand.nestedLogit, raw.providers) } : {}),
                    ...(demand.outsideQualityPerPeriod !== undefined ? { outsideQualityPerPeriod: demand.outsideQualityPerPeriod } : {}),
                    ...(demand.growthPerPeriod !== undefined ? { growthPerPeriod: demand.growthPerPeriod } : {}),
                    ...(demand.inertia !== undefined ? { inertia: demand.inertia } : {}),
                  }
                : { type: 'linear', slope: demand.slope ?? DEFAULTS.linearSlope, substitution: demand.substitution ?? DEFAULTS.linearSubstitution },
            providers: raw.providers.map((p) => provider(p, raw.tokenMix, periodOf)),
            ...(raw.tokenMix ? { tokenMix: { ...raw.tokenMix } } : {}),
            ...(raw.tokensPerCustomer !== undefined ? { tokensPerCustomer: raw.tokensPerCustomer } : {}),
          },
        }
      : {}),
    monteCarlo: { runs: raw.monteCarlo?.runs ?? DEFAULTS.runs, percentiles: [...(raw.monteCarlo?.percentiles ?? DEFAULTS.percentiles)].sort((a, b) => a - b) },
    references: (raw.references ?? []).map((r) => ({
      ...r,
      provider: stripControl(r.provider),
      source: stripControl(r.source),
      ...(r.product !== undefined ? { product: stripControl(r.product) } : {}),
      ...(r.note !== undefined ? { note: stripControl(r.note, true) } : {}),
      period: r.period ?? Math.floor(daysBetween((cal as { start: string }).start, r.date) / (cal as { periodDays: number }).periodDays),
    })),
    observations: (raw.observations ?? []).map((o) => ({
      ...o,
      provider: stripControl(o.provider),
      source: stripControl(o.source),
      providerIndex: (raw.providers ?? []).findIndex((p) => stripControl(p.name) === stripControl(o.provider)),
    })),
    ...(raw.calibrated ? { calibrated: raw.calibrated } : {}),
    bench: (raw.bench ?? []).map((b) => ({
      ...b,
      batch: b.batch ?? DEFAULTS.benchBatch,
      accum: b.accum ?? DEFAULTS.benchAccum,
      seed: b.seed ?? DEFAULTS.benchSeed,
    })),
    ...(energyOf(raw) ? { energy: energyOf(raw) } : {}),
    devices: (raw.devices ?? []).map(asDevice),
    placement: (raw.placement ?? []).map((p) => ({ ...p, objective: p.objective ?? 'time' })),
    models: (raw.models ?? []).map(normalizeModelShape),
    serving: (raw.serving ?? []).map(normalizeServing),
  };
}
