/**
 * Provider costs and qualities from measurements, never from tfjs: bench records come in as
 * data. Marginal cost per unit (modeled):
 * FLOPs per unit ÷ the record's achieved FLOP/s (measured on this machine) × USD per second of
 * the device the record was priced as; another device only with an assumed `utilisation` of its
 * peak (a rate measured here never prices a device that did not run the job). FLOPs per unit
 * is the record's forward FLOPs per sample × samples per unit (or `flopsPerUnit` as given); or, for a placement entry, the best plan's modeled USD per million tokens; or, in a token market,
 * per-class costs (USD per 1M input, cached input, output tokens) blended at the token mix. Quality from accuracy: linear `intercept + slope × accuracy` or log-odds
 * `intercept + scale × ln(acc / (1 − acc))`. Every figure carries a provenance string.
 */
import { InputError } from '../errors.ts';
import { findDevice, type Device } from '../devices/catalog.ts';
import { usdForSeconds } from '../devices/pricing.ts';
import type { BenchRecord } from '../bench/record.ts';
import type { Rng } from '../util/rng.ts';
import { drawTimingFactor, timingSigma } from './timing-noise.ts';
import type { Provenance } from '../provenance.ts';
import type { Sampled } from '../scenario/distribution.ts';
import type { Provider } from '../scenario/normalize.ts';
import { blendedUsdPerM, TOKEN_UNIT, type TokenClassUsd, type TokenMix } from './tokens.ts';

/** A provider's period-0 marginal cost and quality as numbers, with where they came from. */
export interface ResolvedProviderCost {
  provider: string;
  /** USD per unit at period 0 (before learning curve and shocks). */
  marginalCostUsd: number;
  quality: number;
  costProvenance: Provenance;
  qualityProvenance: Provenance;
}

/** Bench records by bench id (the scenario's `bench[].id`). */
export type BenchRecords = ReadonlyMap<string, BenchRecord>;

/** The best plan of a scenario placement entry, as far as prices go (from placement/, at the CLI edge). */
export interface PlacementPlanCost {
  kind?: 'placement';
  /** Modeled USD per million tokens served by the plan (roofline model, catalogue figures). */
  usdPerMTokens: number;
  /** How it was obtained: strategy, devices, step time. */
  source: string;
}

/** A serving entry's plan, as far as prices go (from serve/ through the pipeline): modeled USD per 1M tokens of each class. */
export interface ServingPlanCost {
  kind: 'serving';
  tokenCostsUsdPerM: TokenClassUsd;
  /** The plan: model, devices, batch, formula, catalogue figures and efficiencies. */
  source: string;
}

/** What a provider's cost may be read from: a placement plan or a serving plan. */
export type PlanCost = PlacementPlanCost | ServingPlanCost;

/** Plan costs by placement id (`placement[].id`) and serving id (`serving[].id`; the two never share an id, src/scenario/check-serving.ts). */
export type PlanCosts = ReadonlyMap<string, PlanCost>;

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

function recordFor(records: BenchRecords, benchId: string, scenarioFile: string, path: string): BenchRecord {
  const rec = records.get(benchId);
  if (!rec)
    throw new InputError(
      { file: scenarioFile, path },
      `no bench record for bench id "${benchId}"; run the scenario's bench entries first (costsim run) or pass records for it`,
    );
  return rec;
}

function resolveCost(
  p: Sampled<Provider>,
  i: number,
  records: BenchRecords,
  devices: readonly Device[],
  scenarioFile: string,
  plans: PlanCosts,
  mix?: TokenMix,
  timingRng?: Rng,
): { usd: number; provenance: Provenance } {
  const c = p.cost;
  const served = c.kind === 'serving' ? plans.get(c.serving) : undefined;
  const k = p.tokenCostsUsdPerM ?? (served?.kind === 'serving' ? served.tokenCostsUsdPerM : undefined);
  if (k) {
    if (!mix)
      throw new InputError(
        { file: scenarioFile, path: `providers[${i}].cost` },
        'per-class token costs need a top-level tokenMix: { inputPerOutput, cacheHitShare }',
      );
    const why = c.kind === 'tokens' ? c.provenance : { kind: 'modeled' as const, source: served?.source ?? 'per-class token costs' };
    return {
      usd: blendedUsdPerM(k, mix),
      provenance: {
        kind: why.kind,
        source: `${why.source}: input ${fmt(k.input)}, cached input ${fmt(k.cachedInput)}, output ${fmt(k.output)} USD/1M tokens blended at ${fmt(mix.inputPerOutput)}:1 input:output, ${fmt(100 * mix.cacheHitShare)}% cache hits`,
      },
    };
  }
  if (c.kind === 'serving')
    throw new InputError(
      { file: scenarioFile, path: `providers[${i}].cost.serving` },
      `no serving plan for serving id "${c.serving}"; plan the scenario's serving entries first (costsim run) or pass plan costs`,
    );
  if (c.kind === 'tokens') throw new InputError({ file: scenarioFile, path: `providers[${i}].cost.tokens` }, 'cost.tokens without per-class costs');
  if (c.kind === 'given')
    return {
      usd: c.marginalCostUsd,
      provenance: {
        kind: 'assumed',
        source: `marginalCost ${fmt(c.marginalCostUsd)} USD per ${mix ? TOKEN_UNIT : "the scenario's unit"} given in the scenario`,
      },
    };
  if (c.kind === 'planned') {
    const plan = plans.get(c.placement);
    if (!plan || plan.kind === 'serving')
      throw new InputError(
        { file: scenarioFile, path: `providers[${i}].cost.placement` },
        `no plan for placement id "${c.placement}"; plan the scenario's placement entries first or pass plan costs`,
      );
    return {
      usd: (plan.usdPerMTokens * c.tokensPerUnit) / 1e6,
      provenance: {
        kind: 'modeled',
        source: `${fmt(plan.usdPerMTokens)} USD per 1M tokens (placement "${c.placement}": ${plan.source}) × ${fmt(c.tokensPerUnit)} tokens/unit`,
      },
    };
  }
  const path = `providers[${i}].cost`;
  const device = findDevice(c.device, devices);
  if (!device) throw new InputError({ file: scenarioFile, path: `${path}.device` }, `unknown device "${c.device}"`);
  const peak = device.peakFlops[c.dtype];
  if (!peak)
    throw new InputError(
      { file: scenarioFile, path: `${path}.dtype` },
      `device "${device.id}" has no ${c.dtype} peak (allowed: ${Object.keys(device.peakFlops).join(', ')})`,
    );
  const rec = c.bench !== undefined ? recordFor(records, c.bench, scenarioFile, `${path}.bench`) : undefined;
  let flopsPerUnit: number;
  let flopsWhy: string;
  if (c.flopsPerUnit !== undefined) {
    flopsPerUnit = c.flopsPerUnit;
    flopsWhy = `${fmt(flopsPerUnit)} FLOPs/unit (given)`;
  } else {
    const r = rec as BenchRecord;
    const metric = c.flops === 'effective' ? 'effectiveForwardPerSample' : 'forwardPerSample';
    flopsPerUnit = r.metrics.flops[metric] * c.samplesPerUnit;
    flopsWhy = `${fmt(flopsPerUnit)} FLOPs/unit (bench "${c.bench}" metrics.flops.${metric} ${fmt(r.metrics.flops[metric])} × ${fmt(c.samplesPerUnit)} samples/unit)`;
  }
  if (c.utilisation === undefined) {
    // Measured here: the record's own achieved FLOP/s, on the machine that ran it, at the rate of
    // the device it was priced as. Another device never inherits a rate measured on this one.
    const r = rec as BenchRecord;
    if (device.id !== r.environment.deviceId) {
      throw new InputError(
        { file: scenarioFile, path: `${path}.device` },
        `bench "${c.bench}" ran on this machine (priced as ${r.environment.deviceId}); its measured speed cannot price "${device.id}", which never ran it. ` +
          `Use device: ${r.environment.deviceId}, or give cost.utilisation (an assumed share of ${device.id}'s peak), or a serving/placement cost for a modeled figure`,
      );
    }
    if (!(r.metrics.achievedGflops > 0))
      throw new InputError(
        { file: scenarioFile, path: `${path}.bench` },
        `bench "${c.bench}" has no measured FLOP rate (achievedGflops ${r.metrics.achievedGflops}); rerun it or give cost.utilisation`,
      );
    // Timing noise: with a Monte Carlo RNG, the seconds move by a lognormal factor whose σ is the spread of the record's repeated runs.
    const noise = timingSigma(r);
    const factor = timingRng ? drawTimingFactor(noise.sigma, timingRng.fork(`timing:${p.name}`)) : 1;
    const seconds = (flopsPerUnit / (r.metrics.achievedGflops * 1e9)) * factor;
    const noiseWhy = timingRng
      ? noise.sigma > 0
        ? ` × timing factor ${fmt(factor)} (this run's draw from lognormal(median 1, σ ${fmt(noise.sigma)}), σ = sd of ln wallSeconds over the record's ${noise.runs} runs)`
        : ` (no timing spread: the record has ${noise.runs} run${noise.runs === 1 ? '' : 's'}; pass --runs 3 or more for one)`
      : '';
    // A record priced at this machine's own rate (bench --usd-per-hour) keeps that rate here.
    const given = r.environment.usdPerHourGiven;
    const rateWhy =
      given !== undefined
        ? `${fmt(given)} USD/h [this machine's own rate, given by --usd-per-hour when bench "${c.bench}" ran]`
        : `${fmt(device.usdPerHour.value)} USD/h [${device.id}: ${device.usdPerHour.source}, ${device.usdPerHour.date}]`;
    return {
      usd: usdForSeconds(seconds, given ?? device.usdPerHour.value),
      provenance: {
        kind: 'modeled',
        source:
          `${flopsWhy} ÷ ${fmt(r.metrics.achievedGflops)} GFLOP/s achieved (bench "${c.bench}" metrics.achievedGflops, measured on ${r.environment.backend} on this machine)${noiseWhy} × ` +
          `${rateWhy} ÷ 3600`,
      },
    };
  }
  const utilisation = c.utilisation;
  if (!(utilisation > 0)) throw new InputError({ file: scenarioFile, path: `${path}.utilisation` }, `utilisation must be > 0 (got ${utilisation})`);
  const seconds = flopsPerUnit / (peak.value * utilisation);
  return {
    usd: usdForSeconds(seconds, device.usdPerHour.value),
    provenance: {
      kind: 'modeled',
      source:
        `${flopsWhy} ÷ (${device.id} ${c.dtype} peak ${fmt(peak.value)} FLOP/s [${peak.source}, ${peak.date}] × utilisation ${fmt(utilisation)} (given, assumed)) × ` +
        `${fmt(device.usdPerHour.value)} USD/h [${device.usdPerHour.source}, ${device.usdPerHour.date}] ÷ 3600`,
    },
  };
}

function resolveQuality(p: Sampled<Provider>, i: number, records: BenchRecords, scenarioFile: string): { value: number; provenance: Provenance } {
  const q = p.quality;
  if (typeof q === 'number') return { value: q, provenance: { kind: 'assumed', source: `quality ${fmt(q)} given in the scenario` } };
  const acc = recordFor(records, q.fromAccuracy, scenarioFile, `providers[${i}].quality.fromAccuracy`).metrics.testAccuracy;
  const m = q.mapping;
  if (m.type === 'linear') {
    return {
      value: m.intercept + m.slope * acc,
      provenance: { kind: 'modeled', source: `${fmt(m.intercept)} + ${fmt(m.slope)} × test accuracy ${fmt(acc)} (bench "${q.fromAccuracy}", measured)` },
    };
  }
  const clipped = Math.min(1 - 1e-6, Math.max(1e-6, acc));
  return {
    value: m.intercept + m.scale * Math.log(clipped / (1 - clipped)),
    provenance: {
      kind: 'modeled',
      source: `${fmt(m.intercept)} + ${fmt(m.scale)} × ln(acc/(1−acc)), test accuracy ${fmt(acc)} (bench "${q.fromAccuracy}", measured)`,
    },
  };
}

/**
 * Period-0 marginal cost (USD/unit) and quality of every provider, from numbers given in the
 * scenario or from bench records and the device catalogue (plus `devices`, the scenario's own).
 * With `timingRng` (one per Monte Carlo run), a cost from a record's measured speed carries a
 * draw of its timing noise (src/market/timing-noise.ts); without it the central figure is used.
 * Throws InputError naming the provider field when a record or device is missing.
 */
export function resolveProviderCosts(
  market: { providers: Array<Sampled<Provider>>; tokenMix?: TokenMix },
  records: BenchRecords,
  devices: readonly Device[],
  scenarioFile = 'scenario',
  plans: PlanCosts = new Map(),
  timingRng?: Rng,
): ResolvedProviderCost[] {
  return market.providers.map((p, i) => {
    const cost = resolveCost(p, i, records, devices, scenarioFile, plans, market.tokenMix, timingRng);
    const quality = resolveQuality(p, i, records, scenarioFile);
    return { provider: p.name, marginalCostUsd: cost.usd, quality: quality.value, costProvenance: cost.provenance, qualityProvenance: quality.provenance };
  });
}
