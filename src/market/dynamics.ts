/**
 * What changes over time in a market, as pure functions of the period:
 * - model releases: from `atPeriod` on a provider has the release's quality, and its marginal
 *   cost is multiplied by the release's `costFactor` (a release is a quality *and* a cost event,
 *   as DeepSeek-V2 was); releases compound with cost shocks and the learning curve;
 * - an outside option that improves (open-weights models): a₀(t) = a₀ + `outsideQualityPerPeriod`·t;
 * - exogenous demand growth: M(t) = M₀·(1 + `growthPerPeriod`)^t, before the price response;
 * - switching costs as partial adjustment (Nerlove 1958, "Adaptive Expectations and Cobweb
 *   Phenomena", QJE 72(2); switching-cost markets: Klemperer 1995, RES 62(4)): each period a share
 *   λ = `inertia` of consumers stays with last period's choice (a provider still in the market,
 *   or the outside good) and the rest choose afresh by logit, so consumer shares move
 *   s_t = λ·s_{t−1} + (1 − λ)·s*_t; a provider's locked-in customers beyond its capacity go to
 *   the outside good, and an exited provider's customers all choose afresh;
 * - funding rounds: cash raised at a period, or once when runway (cash ÷ last period's loss)
 *   falls below a number of periods, for a stated share of the equity (dilution).
 */
import type { Sampled } from '../scenario/distribution.ts';
import type { Demand } from '../scenario/normalize.ts';

/** A dated model release of a provider. */
export interface Release {
  atPeriod: number;
  /** Quality from this period on (undefined: unchanged). */
  quality?: number;
  /** Marginal cost multiplied by this from this period on (undefined: 1). */
  costFactor?: number;
}

/** A funding round: at `atPeriod`, or the first time runway falls below `runwayBelowPeriods`. */
export interface FundingRound {
  atPeriod?: number;
  runwayBelowPeriods?: number;
  amountUsd: number;
  /** Share of the company sold in the round (0–1). */
  dilution: number;
}

/** One funding round that happened in a run. */
export interface FundingEvent {
  run: number;
  period: number;
  provider: string;
  amountUsd: number;
  dilution: number;
  /** Share of the company the holders before the first round still own after this one: Π(1 − dilution). */
  retainedEquityShare: number;
  /** Why it happened: a dated round or runway below its threshold. */
  trigger: 'date' | 'runway';
}

/** Quality at period `t` after the releases up to t (sorted by atPeriod). */
export function qualityAt(base: number, releases: readonly Release[], t: number): number {
  let q = base;
  for (const r of releases) if (r.atPeriod <= t && r.quality !== undefined) q = r.quality;
  return q;
}

/** Product of the cost factors of the releases up to period `t`. */
export function releaseCostFactorAt(releases: readonly Release[], t: number): number {
  let f = 1;
  for (const r of releases) if (r.atPeriod <= t && r.costFactor !== undefined) f *= r.costFactor;
  return f;
}

/** True when the demand changes with the period (outside-option drift or growth). */
export function demandMoves(d: Sampled<Demand>): boolean {
  return d.type === 'logit' && ((d.outsideQualityPerPeriod ?? 0) !== 0 || (d.growthPerPeriod ?? 0) !== 0);
}

/** Demand at period `t`: the outside option's quality and the base market size moved by their drift and growth. */
export function demandAt(d: Sampled<Demand>, t: number): Sampled<Demand> {
  if (!demandMoves(d) || d.type !== 'logit') return d;
  return {
    ...d,
    outsideQuality: d.outsideQuality + (d.outsideQualityPerPeriod ?? 0) * t,
    marketSize: d.marketSize * Math.pow(1 + (d.growthPerPeriod ?? 0), t),
  };
}

/**
 * Partial adjustment of consumer shares. `quantity` holds the frictionless quantities of a
 * market of `marketSize` consumers (after capacity); `lastShare` last period's consumer share
 * per provider (0 for one out of the market now) and `lastOutside` the outside good's. Rewrites
 * `quantity` and returns the outside share.
 */
export function applyInertia(
  quantity: Float64Array,
  marketSize: number,
  active: Uint8Array,
  capacity: Float64Array,
  lastShare: Float64Array,
  lastOutside: number,
  inertia: number,
): number {
  if (!(marketSize > 0)) return 1;
  let locked = inertia * lastOutside;
  for (let i = 0; i < quantity.length; i++) if (active[i]) locked += inertia * lastShare[i]!;
  const fresh = 1 - locked;
  let sold = 0;
  for (let i = 0; i < quantity.length; i++) {
    if (!active[i]) {
      quantity[i] = 0;
      continue;
    }
    quantity[i] = Math.min(capacity[i]!, marketSize * inertia * lastShare[i]! + fresh * quantity[i]!);
    sold += quantity[i]!;
  }
  return Math.max(0, 1 - sold / marketSize);
}

/**
 * The rounds of `rounds` (not yet `used`) that raise cash at the end of period `t`, given the
 * cash after this period's profit and the loss per period (burn, > 0 when losing money). Marks them used.
 */
export function dueRounds(
  rounds: readonly FundingRound[],
  used: boolean[],
  t: number,
  cashUsd: number,
  burnUsd: number,
): Array<{ round: FundingRound; trigger: 'date' | 'runway' }> {
  const due: Array<{ round: FundingRound; trigger: 'date' | 'runway' }> = [];
  rounds.forEach((r, k) => {
    if (used[k]) return;
    if (r.atPeriod !== undefined && r.atPeriod === t) due.push({ round: r, trigger: 'date' });
    else if (r.runwayBelowPeriods !== undefined && burnUsd > 0 && cashUsd / burnUsd < r.runwayBelowPeriods) due.push({ round: r, trigger: 'runway' });
    else return;
    used[k] = true;
  });
  return due;
}
