/**
 * The stage game as simulated: one period's demand (logit shares → price-elastic market size →
 * capacity spill-over, or bounded linear demand with spill-over) and its equilibria among the
 * providers in the market at their current costs. Nash and joint-profit prices come from the
 * closed forms when the market size is fixed and capacity unlimited, and otherwise from a
 * numeric solve of the very demand the period loop uses (so printed equilibria are equilibria
 * of the simulated market); where best responses do not settle, Nash is refused with a reason.
 */
import type { Sampled } from '../scenario/distribution.ts';
import type { Demand } from '../scenario/normalize.ts';
import {
  allocateLinearWithCapacity,
  allocateWithCapacity,
  linearQuantities,
  logitConsumerSurplusUsd,
  logitInclusiveValue,
  logitShares,
  marketSizeAt,
  nestedLogitInclusiveValue,
  nestedLogitShares,
} from './demand.ts';
import { linearCollusive, linearNash, logitCollusive, logitNash, type EquilibriumPoint } from './equilibrium.ts';
import { jointMaximum, nashByBestResponse, type Bounds } from './maximize.ts';

/** Scratch arrays for `periodOutcome` (one set per run; n providers). */
export interface StageWork {
  shares: Float64Array;
  quantity: Float64Array;
  full: Uint8Array;
  out: Uint8Array;
}

/** Scratch space for n providers. */
export function stageWork(n: number): StageWork {
  return { shares: new Float64Array(n), quantity: new Float64Array(n), full: new Uint8Array(n), out: new Uint8Array(n) };
}

/** One period's market-level outcome; quantities (units) are left in `work.quantity`. */
export interface PeriodOutcome {
  /** Consumers in the market this period (logit; after the price response), units. */
  marketSizeUnits: number;
  /** Share of consumers with the outside good after spill-over (logit); null under linear demand. */
  outsideShare: number | null;
  /** Small–Rosen surplus with rationed consumers at their second choice (logit); null under linear demand. */
  consumerSurplusUsd: number | null;
}

/** Quantities at `price` for the `active` providers: exactly what a period of the simulation sells. */
export function periodOutcome(
  demand: Sampled<Demand>,
  quality: Float64Array,
  price: Float64Array,
  active: Uint8Array,
  capacity: Float64Array,
  w: StageWork,
): PeriodOutcome {
  if (demand.type === 'logit') {
    const nl = demand.nestedLogit;
    const outside = nl
      ? nestedLogitShares(quality, price, active, demand.mu, demand.outsideQuality, nl.nestOf, nl.sigma, w.shares)
      : logitShares(quality, price, active, demand.mu, demand.outsideQuality, w.shares);
    let weighted = 0;
    let inside = 0;
    for (let i = 0; i < price.length; i++) {
      weighted += w.shares[i]! * price[i]!;
      inside += w.shares[i]!;
    }
    const size = marketSizeAt(demand.marketSize, demand.priceElasticity, inside > 0 ? weighted / inside : demand.referencePriceUsd, demand.referencePriceUsd);
    const { outsideUnits, rationedLogWeight } = allocateWithCapacity(w.shares, outside, size, capacity, active, w.quantity, w.full);
    // Under nested logit the spill-over re-chooses by the same share weights (an approximation to a nested re-choice).
    const iv = nl
      ? nestedLogitInclusiveValue(quality, price, active, demand.mu, demand.outsideQuality, nl.nestOf, nl.sigma)
      : logitInclusiveValue(quality, price, active, demand.mu, demand.outsideQuality);
    return {
      marketSizeUnits: size,
      outsideShare: size > 0 ? outsideUnits / size : outside,
      consumerSurplusUsd: logitConsumerSurplusUsd(iv, demand.mu, demand.outsideQuality, size) + demand.mu * rationedLogWeight,
    };
  }
  linearQuantities(quality, price, active, demand.slope, demand.substitution, w.quantity, w.out);
  allocateLinearWithCapacity(w.quantity, capacity, active, demand.substitution, w.full);
  let total = 0;
  for (let i = 0; i < price.length; i++) total += w.quantity[i]!;
  return { marketSizeUnits: total, outsideShare: null, consumerSurplusUsd: null };
}

/** The providers in the market at a stage, at their current costs. Arrays are over those providers only. */
export interface StageMarket {
  demand: Sampled<Demand>;
  quality: readonly number[];
  marginalCostUsd: readonly number[];
  capacityUnits: readonly number[];
}

/** Nash (or why none was found) and joint-profit points of a stage, one per provider of the StageMarket. */
export interface StageEquilibria {
  /** null when best responses do not settle: no pure-strategy Nash equilibrium was found. */
  nash: EquilibriumPoint[] | null;
  /** Why `nash` is null. */
  nashRefused?: string;
  collusive: EquilibriumPoint[];
}

function closedFormApplies(m: StageMarket): boolean {
  const unlimited = m.capacityUnits.every((c) => c === Infinity);
  // Nested logit has no closed form here: its equilibria go through the numeric path.
  return unlimited && (m.demand.type === 'linear' || (m.demand.priceElasticity === 0 && !m.demand.nestedLogit));
}

/** Nash and joint-profit prices of the stage game that the period loop simulates. */
export function solveStage(m: StageMarket): StageEquilibria {
  const n = m.quality.length;
  const d = m.demand;
  const base =
    d.type === 'logit'
      ? {
          nash: logitNash({ quality: m.quality, marginalCostUsd: m.marginalCostUsd, mu: d.mu, outsideQuality: d.outsideQuality, marketSize: d.marketSize }),
          collusive: logitCollusive({
            quality: m.quality,
            marginalCostUsd: m.marginalCostUsd,
            mu: d.mu,
            outsideQuality: d.outsideQuality,
            marketSize: d.marketSize,
          }),
        }
      : {
          nash: linearNash({ quality: m.quality, marginalCostUsd: m.marginalCostUsd, slope: d.slope, substitution: d.substitution }),
          collusive: linearCollusive({ quality: m.quality, marginalCostUsd: m.marginalCostUsd, slope: d.slope, substitution: d.substitution }),
        };
  if (closedFormApplies(m)) return base;
  const quality = Float64Array.from(m.quality);
  const capacity = Float64Array.from(m.capacityUnits);
  const active = new Uint8Array(n).fill(1);
  const w = stageWork(n);
  const c = m.marginalCostUsd;
  const profitAll = (p: Float64Array) => periodOutcome(d, quality, p, active, capacity, w);
  const profit = (i: number, p: Float64Array) => {
    profitAll(p);
    return w.quantity[i]! * (p[i]! - c[i]!);
  };
  const joint = (p: Float64Array) => {
    profitAll(p);
    let s = 0;
    for (let j = 0; j < n; j++) s += w.quantity[j]! * (p[j]! - c[j]!);
    return s;
  };
  const bounds: Bounds = (i, p) => {
    const top = Math.max(c[i]!, ...p);
    if (d.type === 'logit')
      return [
        Math.max(0, c[i]!),
        Math.max(top, m.quality[i]! - d.outsideQuality) + 40 * d.mu + (d.priceElasticity > 0 ? (3 * d.referencePriceUsd) / d.priceElasticity : 0),
      ];
    const g = d.substitution / n;
    let others = 0;
    for (let j = 0; j < n; j++) if (j !== i) others += p[j]!;
    return [Math.max(0, c[i]!), Math.max(top, (m.quality[i]! + g * others) / (1 + d.substitution - g)) + 1];
  };
  const points = (prices: readonly number[]): EquilibriumPoint[] => {
    const p = Float64Array.from(prices);
    const o = profitAll(p);
    let total = 0;
    for (let j = 0; j < n; j++) total += w.quantity[j]!;
    return prices.map((pi, j) => ({
      price: pi,
      quantity: w.quantity[j]!,
      consumerShare: d.type === 'logit' ? w.quantity[j]! / o.marketSizeUnits : total > 0 ? w.quantity[j]! / total : 0,
      profit: w.quantity[j]! * (pi - c[j]!),
    }));
  };
  const nash = nashByBestResponse(
    base.nash.map((e) => e.price),
    profit,
    bounds,
  );
  // The joint maximum is solved when first read: the period loop often needs only the Nash price
  // (an entrant's first price), and the numeric joint search is the dearer of the two.
  let collusive: EquilibriumPoint[] | undefined;
  const solveCollusive = (): EquilibriumPoint[] =>
    (collusive ??= points(
      jointMaximum(
        base.collusive.map((e) => e.price),
        joint,
        bounds,
      ),
    ));
  const refused = 'best responses do not settle (capacity limits can rule out a pure-strategy price equilibrium, as in Bertrand–Edgeworth)';
  const nashPoints = nash ? points(nash) : null;
  return {
    nash: nashPoints,
    ...(nash ? {} : { nashRefused: refused }),
    get collusive() {
      return solveCollusive();
    },
  };
}
