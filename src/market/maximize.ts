/**
 * Numeric equilibria for stage games without a closed form (price-elastic market size, capacity
 * limits, corners of linear demand): a 1-D maximiser (grid scan, then golden-section search in
 * the best cell, so kinks such as a capacity limit are handled), Gauss–Seidel best-response
 * iteration for Bertrand–Nash prices, and coordinate plus common-direction ascent for joint
 * profit. Pure; profit functions are passed in.
 */

const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** argmax of `f` on [lo, hi]: the best of `points` grid points, refined by golden section in its neighbouring cells. Ties keep the lowest x. */
export function maximize1d(f: (x: number) => number, lo: number, hi: number, points = 240): number {
  if (!(hi > lo)) return lo;
  const h = (hi - lo) / (points - 1);
  let bestK = 0;
  let best = f(lo);
  for (let k = 1; k < points; k++) {
    const v = f(lo + k * h);
    if (v > best) {
      best = v;
      bestK = k;
    }
  }
  let a = lo + Math.max(0, bestK - 1) * h;
  let b = lo + Math.min(points - 1, bestK + 1) * h;
  let x1 = b - GOLDEN * (b - a);
  let x2 = a + GOLDEN * (b - a);
  let f1 = f(x1);
  let f2 = f(x2);
  for (let it = 0; it < 200 && b - a > 1e-13 * Math.max(1, Math.abs(a)); it++) {
    if (f1 < f2) {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + GOLDEN * (b - a);
      f2 = f(x2);
    } else {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - GOLDEN * (b - a);
      f1 = f(x1);
    }
  }
  const x = (a + b) / 2;
  return f(x) >= best ? x : lo + bestK * h;
}

/** Price bounds [lo, hi] for provider `i` given the current prices. */
export type Bounds = (i: number, prices: Float64Array) => [number, number];

/**
 * One Gauss–Seidel sweep: each price in turn set to the maximiser of `objective(i, prices)` over
 * its bounds, the others held; `p` is updated in place. Returns the largest price change.
 */
function coordinateSweep(p: Float64Array, objective: (i: number, prices: Float64Array) => number, bounds: Bounds): number {
  let change = 0;
  for (let i = 0; i < p.length; i++) {
    const old = p[i]!;
    const [lo, hi] = bounds(i, p);
    const x = maximize1d(
      (v) => {
        p[i] = v;
        return objective(i, p);
      },
      lo,
      hi,
    );
    p[i] = x;
    change = Math.max(change, Math.abs(x - old));
  }
  return change;
}

/**
 * Bertrand–Nash prices by Gauss–Seidel best responses from `start`. Returns null when the
 * iteration does not settle (change < 1e-10) within `sweeps`: then no pure-strategy equilibrium
 * was found (e.g. Edgeworth cycles under tight capacity).
 */
export function nashByBestResponse(
  start: readonly number[],
  profit: (i: number, prices: Float64Array) => number,
  bounds: Bounds,
  sweeps = 300,
): number[] | null {
  const p = Float64Array.from(start);
  for (let s = 0; s < sweeps; s++) {
    const change = coordinateSweep(p, profit, bounds);
    if (change < 1e-7 * Math.max(1, ...p)) return [...p];
  }
  return null;
}

/** Joint-profit prices: coordinate ascent alternated with a common shift of all prices, from `start`. */
export function jointMaximum(start: readonly number[], joint: (prices: Float64Array) => number, bounds: Bounds, sweeps = 300): number[] {
  const p = Float64Array.from(start);
  const base = Float64Array.from(start);
  for (let s = 0; s < sweeps; s++) {
    let change = coordinateSweep(p, (_i, prices) => joint(prices), bounds);
    base.set(p);
    const span = Math.max(1e-6, ...[...p].map((v) => Math.abs(v)));
    const shifted = (t: number) => {
      for (let i = 0; i < p.length; i++) p[i] = base[i]! + t;
      return joint(p);
    };
    let down = 0.5 * span;
    for (let i = 0; i < p.length; i++) down = Math.min(down, base[i]! - bounds(i, base)[0]);
    let d = maximize1d(shifted, -Math.max(0, down), 0.5 * span);
    if (shifted(d) <= shifted(0)) d = 0;
    for (let i = 0; i < p.length; i++) p[i] = base[i]! + d;
    change = Math.max(change, Math.abs(d));
    if (change < 1e-9 * Math.max(1, ...p)) break;
  }
  return [...p];
}
