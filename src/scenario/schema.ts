/**
 * The scenario format: the one YAML document users write for every part of costsim
 * (bench → placement → market → report). Raw shapes as written, validated by zod with unknown
 * keys rejected; `normalize.ts` fills the defaults. Money is USD; a "unit" is whatever the
 * scenario's `unit` says (e.g. one million tokens); a period is `calendar.periodDays` days
 * when a calendar is given.
 */
import { z } from 'zod';
import { num } from './distribution.ts';
import { MARKET_LIMITS } from './limits.ts';
import { strictShape, TEXT_LIMITS } from './strict.ts';
import { modelShapeSchema, servingSchema } from './serving-schema.ts';

export { strictShape, TEXT_LIMITS } from './strict.ts';

const name = z.string().min(1).max(TEXT_LIMITS.name);
const prose = z.string().max(TEXT_LIMITS.prose);
const note = z.string().max(TEXT_LIMITS.note);
const id = z
  .string()
  .max(TEXT_LIMITS.name)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an id uses letters, digits and _ . : - only');
/** True when `text` (YYYY-MM or YYYY-MM-DD) names a real calendar month or day (no 2024-13-45, no 2023-02-29). */
function isRealDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number | undefined];
  if (m < 1 || m > 12) return false;
  if (d === undefined) return true;
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d); // not Date.UTC, which maps years 0–99 to 1900–1999
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}(-\d{2})?$/, 'a date reads YYYY-MM or YYYY-MM-DD')
  .refine(isRealDate, { message: 'not a real date: the month must be 01–12 and the day must exist in that month' });
const fraction = { min: 0, max: 1 };

/**
 * Magnitude bounds of money and quantities. Prices, qualities and costs are USD per unit; beyond
 * 1e9 per unit (or a market of 1e15 units) products such as revenue × periods leave the range where
 * doubles keep their precision and sums overflow, so the market would publish NaN or ∞.
 */
export const MAGNITUDE_LIMITS = {
  usdPerUnit: 1e9,
  usd: 1e18,
  units: 1e15,
  /** Logit μ floor (USD per unit): below it (a − p)/μ leaves double range for any price difference above ~1e-6 USD. */
  muMin: 1e-9,
} as const;
const L = MAGNITUDE_LIMITS;
const perUnit = { min: 0, limit: L.usdPerUnit };
const signedPerUnit = { limit: L.usdPerUnit };

// ---- strategies: `{ type: <name>, ...parameters }`, each documented in src/market/strategies/.
const strategySchemas = [
  strictShape({ type: z.literal('costPlus'), markup: num({ min: 0, limit: 1e6 }).optional() }),
  strictShape({ type: z.literal('matchLowest'), minMarkup: num({ min: -1 }).optional() }),
  strictShape({ type: z.literal('undercutLeader'), step: num({ min: 0, max: 1 }).optional(), minMarkup: num({ min: -1 }).optional() }),
  strictShape({ type: z.literal('titForTat'), cooperativePrice: num({ ...perUnit, exclusiveMin: true }).optional(), tolerance: num(fraction).optional() }),
  strictShape({
    type: z.literal('edgeworth'),
    step: num({ min: 0, max: 1 }).optional(),
    minMarkup: num({ min: -1 }).optional(),
    relentPrice: num({ ...perUnit, exclusiveMin: true }).optional(),
  }),
  strictShape({ type: z.literal('bestResponse'), damping: num({ min: 0, exclusiveMin: true, max: 1 }).optional() }),
  strictShape({ type: z.literal('predatory'), markup: num({ min: -1, max: 0 }).optional(), reserveCash: num({ min: 0, limit: L.usd }).optional() }),
  strictShape({
    type: z.literal('qlearning'),
    m: z.number().int().min(2).max(100).optional(),
    xi: num({ min: 0, limit: 100 }).optional(),
    alpha: num({ min: 0, exclusiveMin: true, max: 1 }).optional(),
    beta: num({ min: 0, max: 1 }).optional(),
    delta: num({ min: 0, max: 1 }).optional(),
    convergencePeriods: z.number().int().min(1).max(100_000_000).optional(),
    maxPeriods: z.number().int().min(1).max(100_000_000).optional(),
  }),
] as const;
/** Names of the strategies, for messages. */
export const STRATEGY_TYPES = strategySchemas.map((s) => s.shape.type.value);
const strategySchema = z.discriminatedUnion('type', strategySchemas, {
  error: (iss) => (iss.code === 'invalid_union' ? `unknown or missing strategy type (allowed: ${STRATEGY_TYPES.join(', ')})` : undefined),
});

// ---- demand
const logitDemand = strictShape({
  type: z.literal('logit'),
  mu: num({ min: L.muMin, limit: L.usdPerUnit }),
  outsideQuality: num(signedPerUnit).optional(),
  marketSize: num({ min: 0, exclusiveMin: true, limit: L.units }).optional(),
  priceElasticity: num({ min: 0, limit: 100 }).optional(),
  referencePrice: num({ ...perUnit, exclusiveMin: true }).optional(),
  /** Nested logit (Berry 1994): nests by name, each a list of provider names; unlisted providers are alone in their nest. */
  nestedLogit: strictShape({
    sigma: z.number().min(0).lt(1),
    nests: z.record(name, z.array(name).min(1)),
  }).optional(),
  /** The outside option's quality rises by this much per period (open-weights models getting better). */
  outsideQualityPerPeriod: num(signedPerUnit).optional(),
  /** Exogenous growth of the base market size per period (0.01 = 1% a period). */
  growthPerPeriod: num({ min: -0.99, max: 10 }).optional(),
  /** Switching costs: share of consumers who stay with last period's choice each period (partial adjustment). */
  inertia: num({ min: 0, max: 0.999 }).optional(),
});
const linearDemand = strictShape({
  type: z.literal('linear'),
  slope: num({ min: 1e-12, limit: L.usdPerUnit }).optional(),
  substitution: num({ min: 0, limit: 1e6 }).optional(),
});
const demandSchema = z.discriminatedUnion('type', [logitDemand, linearDemand], {
  error: (iss) => (iss.code === 'invalid_union' ? 'demand.type must be logit or linear' : undefined),
});

// ---- costs and quality from measurements
const costSchema = strictShape({
  bench: id.optional(),
  /** Cost from a placement plan (an inference plan of a transformer shape) instead of a device. */
  placement: id.optional(),
  /** Costs per 1M input, cached input and output tokens from a `serving:` entry (the serving model). */
  serving: id.optional(),
  tokensPerUnit: num({ min: 0, exclusiveMin: true, limit: L.units }).optional(),
  device: id.optional(),
  dtype: z.enum(['fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'int8']).optional(),
  utilisation: num({ min: 0, exclusiveMin: true, max: 1 }).optional(),
  flopsPerUnit: num({ min: 0, exclusiveMin: true, limit: 1e30 }).optional(),
  samplesPerUnit: num({ min: 0, exclusiveMin: true, limit: L.units }).optional(),
  flops: z.enum(['dense', 'effective']).optional(),
  learningCurve: strictShape({ declinePerPeriod: num({ min: 0, max: 0.99 }) }).optional(),
  /** Marginal cost per class, USD per 1M tokens (assumed); needs a top-level tokenMix. cachedInput defaults to input. */
  tokens: strictShape({
    input: z.number().min(0).max(L.usdPerUnit),
    cachedInput: z.number().min(0).max(L.usdPerUnit).optional(),
    output: z.number().min(0).max(L.usdPerUnit),
  }).optional(),
});
const qualityMapping = z.discriminatedUnion('type', [
  strictShape({ type: z.literal('linear'), slope: num(signedPerUnit).optional(), intercept: num(signedPerUnit).optional() }),
  strictShape({ type: z.literal('logOdds'), scale: num(signedPerUnit).optional(), intercept: num(signedPerUnit).optional() }),
]);
const qualitySchema = z.union([num(signedPerUnit), strictShape({ fromAccuracy: id, mapping: qualityMapping.optional() })]);

const providerSchema = strictShape({
  name,
  quality: qualitySchema,
  marginalCost: num(perUnit).optional(),
  cost: costSchema.optional(),
  capacity: num({ min: 0, exclusiveMin: true, limit: L.units }).optional(),
  fixedCostPerPeriod: num({ min: 0, limit: L.usd }).optional(),
  cash: num({ min: 0, limit: L.usd }).optional(),
  strategy: strategySchema,
  entersAt: z.number().int().min(0).max(MARKET_LIMITS.maxPeriods).optional(),
  reviewEvery: z.number().int().min(1).optional(),
  initialPrice: num({ ...perUnit, exclusiveMin: true }).optional(),
  costShocks: z
    .array(strictShape({ atPeriod: z.number().int().min(0).max(MARKET_LIMITS.maxPeriods), factor: num({ min: 0, exclusiveMin: true, limit: 1e6 }) }))
    .optional(),
  /** Initial list prices, USD per 1M input, cached input (default: input) and output tokens; needs tokenMix. The strategy moves the blended price; classes keep these ratios. */
  prices: strictShape({
    input: z.number().min(0).max(L.usdPerUnit),
    cachedInput: z.number().min(0).max(L.usdPerUnit).optional(),
    output: z.number().min(0).max(L.usdPerUnit),
  }).optional(),
  /** Free blended tokens per customer per period (needs tokensPerCustomer). */
  freeTokensPerCustomer: z
    .number()
    .min(0)
    .max(L.units * 1e6)
    .optional(),
  /** Graduated volume tiers per customer per period: tokens beyond fromTokens billed at (1 − discount) × list. */
  volumeTiers: z
    .array(
      strictShape({
        fromTokens: z
          .number()
          .gt(0)
          .max(L.units * 1e6),
        discount: z.number().min(0).lt(1),
      }),
    )
    .min(1)
    .max(20)
    .optional(),
  /** Dated model releases: quality and marginal cost change together from that period on. */
  releases: z
    .array(
      strictShape({
        atPeriod: z.number().int().min(0).max(MARKET_LIMITS.maxPeriods).optional(),
        date: isoDate.optional(),
        quality: num(signedPerUnit).optional(),
        costFactor: num({ min: 0, exclusiveMin: true, limit: 1e6 }).optional(),
        note: note.optional(),
      }),
    )
    .max(100)
    .optional(),
  /** Funding rounds: cash at a period or date, or once when runway (periods of cash at last period's loss) falls below a threshold. */
  funding: z
    .array(
      strictShape({
        atPeriod: z.number().int().min(0).max(MARKET_LIMITS.maxPeriods).optional(),
        date: isoDate.optional(),
        runwayBelowPeriods: z.number().gt(0).max(MARKET_LIMITS.maxPeriods).optional(),
        amount: num({ min: 0, exclusiveMin: true, limit: L.usd }),
        dilution: num({ min: 0, max: 0.99 }),
      }),
    )
    .max(100)
    .optional(),
  /** Learning curve for any cost source (a given marginalCost too); cost.learningCurve is the same. */
  learningCurve: strictShape({ declinePerPeriod: num({ min: 0, max: 0.99 }) }).optional(),
});

// ---- bench, devices, placement (run by other layers; validated here so one file is checked once)
const benchSchema = strictShape({
  id,
  model: z.enum(['mlp', 'cnn', 'transformer']),
  steps: z.number().int().min(1).max(1_000_000).optional(),
  targetAccuracy: z.number().gt(0).max(1).optional(),
  batch: z.number().int().min(1).max(65_536).optional(),
  accum: z.number().int().min(1).max(1024).optional(),
  seed: z.number().int().optional(),
  device: id,
  /**
   * This machine's own rate, USD per hour (> 0), pricing the entry's measured seconds instead of
   * `device`'s catalogue price (as `costsim bench --usd-per-hour`); checked in check.ts by the flag's check.
   */
  usdPerHour: z.number().optional(),
  modelOptions: z.record(z.string().max(TEXT_LIMITS.name), z.union([z.number(), z.string().max(TEXT_LIMITS.name), z.boolean()])).optional(),
  pruning: strictShape({
    mode: z.enum(['unstructured', 'structured', 'random']),
    sparsity: z.number().min(0).lt(1),
    // A schedule name, or a name with the overrides `costsim prune` takes as flags; unknown keys are refused.
    schedule: z
      .union([
        z.enum(['constant', 'polynomial', 'polynomialDecay']),
        strictShape({
          kind: z.enum(['constant', 'polynomial', 'polynomialDecay']),
          beginStep: z.number().int().min(0).max(1_000_000).optional(),
          endStep: z.number().int().min(-1).max(1_000_000).optional(),
          frequency: z.number().int().min(1).max(1_000_000).optional(),
          power: z.number().gt(0).max(100).optional(),
          initialSparsity: z.number().min(0).lt(1).optional(),
        }),
      ])
      .optional(),
  }).optional(),
});
const sourced = strictShape({ value: z.number().min(0).max(1e30), source: note.min(1), date: isoDate, unverified: z.boolean().optional() });
/** A figure that must be above zero (peak FLOP/s, memory, bandwidth): a zero divides every roofline time. */
const positiveSourced = strictShape({ value: z.number().gt(0).max(1e30), source: note.min(1), date: isoDate, unverified: z.boolean().optional() });
const deviceSchema = strictShape({
  id,
  name,
  kind: z.enum(['cpu', 'gpu']),
  peakFlops: strictShape({
    fp32: positiveSourced,
    tf32: positiveSourced.optional(),
    fp16: positiveSourced.optional(),
    bf16: positiveSourced.optional(),
    fp8: positiveSourced.optional(),
    int8: positiveSourced.optional(),
  }),
  memoryBytes: positiveSourced,
  memoryBandwidthBytesPerSecond: positiveSourced,
  hostLinkBytesPerSecond: positiveSourced.optional(),
  powerWatts: sourced,
  usdPerHour: sourced,
});
/** `name` or `name:key=value,key=value` (issue 5's model shape syntax). */
const modelShape = z
  .string()
  .max(TEXT_LIMITS.note)
  .regex(
    /^[a-z][a-z0-9_-]*(:[a-zA-Z_][a-zA-Z0-9_]*=[^,=\s]+(,[a-zA-Z_][a-zA-Z0-9_]*=[^,=\s]+)*)?$/,
    'a model reads mlp, cnn, or transformer:layers=32,hidden=4096,...',
  );
const placementSchema = strictShape({
  id: id.optional(),
  model: modelShape,
  devices: z.array(id).min(1),
  maxMemory: z.record(id, z.number().min(0)).optional(),
  objective: z.enum(['time', 'cost']).optional(),
});

const referenceSchema = strictShape({
  provider: name,
  date: isoDate,
  period: z.number().int().min(0).max(MARKET_LIMITS.maxPeriods).optional(),
  price: z.number().min(0).max(L.usdPerUnit),
  original: strictShape({ value: z.number().min(0).max(L.usd), currency: name }).optional(),
  product: name.optional(),
  source: note.min(1),
  note: note.optional(),
});

/**
 * An observed price and share (issue 15 item 3): `share` is the share of all consumers in that
 * period, the outside good taking the rest; a known marginal cost or margin (Lerner index
 * (p − c)/p) may be given. Each observation says where it came from.
 */
const observationSchema = strictShape({
  period: z.number().int().min(0).max(MARKET_LIMITS.maxPeriods),
  provider: name,
  priceUsd: z.number().min(0).max(L.usdPerUnit),
  share: z.number().gt(0).lt(1),
  marginalCostUsd: z.number().min(0).max(L.usdPerUnit).optional(),
  margin: z.number().min(0).lt(1).optional(),
  source: note.min(1),
  /** True when the figure is an assumption rather than a published one (its source says why). */
  assumed: z.boolean().optional(),
});

/** Values written by `costsim calibrate --write`: provenance "calibrated", the method, and what each replaced. */
const calibratedSchema = strictShape({
  provenance: z.literal('calibrated'),
  method: note.min(1),
  values: z.array(strictShape({ path: note.min(1), value: z.number(), was: z.union([z.number(), note]).optional() })),
});

/** The raw scenario as written (before defaults). */
export const scenarioSchema = strictShape({
  name: name.optional(),
  description: prose.optional(),
  question: note.optional(),
  seed: z.number().int().optional(),
  periods: z.number().int().min(1).max(MARKET_LIMITS.maxPeriods).optional(),
  unit: name.optional(),
  /** Token mix of an LLM API market: input tokens per output token, share of input served from a prompt cache. The unit becomes 1M blended tokens. */
  tokenMix: strictShape({ inputPerOutput: z.number().min(0).max(1e6), cacheHitShare: z.number().min(0).max(1) }).optional(),
  /** Blended tokens each (homogeneous) customer uses per period, for free quotas and volume tiers. */
  tokensPerCustomer: z
    .number()
    .gt(0)
    .max(L.units * 1e6)
    .optional(),
  calendar: strictShape({ start: isoDate, periodDays: z.number().gt(0).max(36_525) }).optional(),
  demand: demandSchema.optional(),
  providers: z.array(providerSchema).min(1).max(MARKET_LIMITS.maxProviders).optional(),
  monteCarlo: strictShape({
    runs: z.number().int().min(1).max(MARKET_LIMITS.maxRuns).optional(),
    percentiles: z.array(z.number().min(0).max(100)).min(1).optional(),
  }).optional(),
  references: z.array(referenceSchema).optional(),
  observations: z.array(observationSchema).optional(),
  calibrated: calibratedSchema.optional(),
  bench: z.array(benchSchema).optional(),
  /**
   * Where the bench entries' electricity comes from, as `costsim bench --grid-region/--pue`: a
   * region of the grid table (src/devices/carbon.ts; default world) and a PUE from 1 to 3
   * (default 1). Checked in check.ts by the flags' check.
   */
  energy: strictShape({ gridRegion: z.string().max(TEXT_LIMITS.name).optional(), pue: z.number().optional() }).optional(),
  devices: z.array(deviceSchema).optional(),
  placement: z.array(placementSchema).optional(),
  /** User model shapes for `serving:` entries (besides the built-in ones of src/serve/shapes.ts). */
  models: z.array(modelShapeSchema).optional(),
  /** Serving plans (model × device × workload × target) providers price tokens from. */
  serving: z.array(servingSchema).optional(),
});

/** A scenario as written (after YAML parsing and schema validation, before defaults). */
export type RawScenario = z.infer<typeof scenarioSchema>;
/** A provider as written (money in USD, quantities in the scenario's units). */
export type RawProvider = z.infer<typeof providerSchema>;
/** A strategy as written: `{ type, ...parameters }`. */
export type StrategySpec = z.infer<typeof strategySchema>;
/** Demand as written (logit or linear). */
export type DemandSpec = z.infer<typeof demandSchema>;
/** A measured cost as written: bench record or FLOPs on a device, or a placement plan. */
export type CostSpec = z.infer<typeof costSchema>;
/** Accuracy → quality mapping as written. */
export type QualityMapping = z.infer<typeof qualityMapping>;
/** A benchmark run the scenario needs. */
export type BenchSpec = z.infer<typeof benchSchema>;
/** A placement problem (model shape on devices), validated syntactically here. */
export type PlacementSpec = z.infer<typeof placementSchema>;
/** An observed price and consumer share of a provider in one period. */
export type RawObservation = z.infer<typeof observationSchema>;
/** A real dated price (USD per unit) of a provider. */
export type ReferencePrice = z.infer<typeof referenceSchema>;
export type { RawModelShape, RawServing } from './serving-schema.ts';
/** A user-defined device, in the shape of the catalogue's `Device`. */
export type ScenarioDevice = z.infer<typeof deviceSchema>;
