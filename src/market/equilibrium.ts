/**
 * One-shot equilibria of the market's stage game, for benchmarks (Nash, joint-profit) and for
 * strategies (myopic best response). Market size is taken as fixed (price elasticity and
 * capacity are ignored here) and prices are per unit in USD; profits are per period for a
 * market of size `marketSize`.
 *
 * Logit Bertrand–Nash (single-product firms): the first-order condition is
 * (p_i − c_i)(1 − s_i) = μ. We iterate the Morrow–Skerlos ζ-markup map
 * p_i ← c_i + μ + s_i (p_i − c_i) (what pyblp iterates; it does not oscillate with asymmetric
 * firms the way best-response iteration can), then polish with Newton steps.
 * Joint profit: all markups are equal at the optimum, m = μ / (1 − Σ s_j(m)), a scalar root.
 */
import { solveLinear } from './linear-solve.ts';
import { linearQuantities } from './demand.ts';
import { jointMaximum, maximize1d, nashByBestResponse } from './maximize.ts';

/** A logit market's primitives: qualities a_i, marginal costs c_i (USD/unit), μ, a_0. */
export interface LogitMarket {
  quality: readonly number[];
  marginalCostUsd: readonly number[];
  mu: number;
  outsideQuality: number;
  marketSize?: number;
}

/** A linear (Shubik–Levitan) market: intercepts a_i, slope b, substitution γ. */
export interface LinearMarket {
  quality: readonly number[];
  marginalCostUsd: readonly number[];
  slope: number;
  substitution: number;
}

/**
 * One provider at an equilibrium: price (USD/unit), share of all consumers (logit: the outside
 * good takes the rest; linear: of units sold), quantity (units) and profit (USD/period).
 */
export interface EquilibriumPoint {
  price: number;
  consumerShare: number;
  profit: number;
  quantity: number;
}

/** Logit shares (inside goods) at prices `p`; overflow-safe. */
export function logitSharesAt(m: LogitMarket, p: readonly number[]): number[] {
  const x = m.quality.map((a, i) => (a - (p[i] as number)) / m.mu);
  const top = Math.max(m.outsideQuality / m.mu, ...x);
  const w = x.map((v) => Math.exp(v - top));
  const total = w.reduce((s, v) => s + v, 0) + Math.exp(m.outsideQuality / m.mu - top);
  return w.map((v) => v / total);
}

function logitPoints(m: LogitMarket, p: readonly number[]): EquilibriumPoint[] {
  const size = m.marketSize ?? 1;
  return logitSharesAt(m, p).map((s, i) => ({
    price: p[i] as number,
    consumerShare: s,
    quantity: size * s,
    profit: size * s * ((p[i] as number) - (m.marginalCostUsd[i] as number)),
  }));
}

/** Root of `f` on [0, ∞) for f rising from f(0) < 0: bracket by doubling from `start`, then bisect to ~1e-14 relative. */
function risingRoot(f: (x: number) => number, start: number): number {
  let lo = 0;
  let hi = start;
  while (f(hi) < 0) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-14 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Bertrand–Nash prices of a logit market with heterogeneous qualities and costs. */
export function logitNash(m: LogitMarket, tolerance = 1e-12): EquilibriumPoint[] {
  const c = m.marginalCostUsd;
  const p = c.map((ci) => ci + m.mu);
  for (let it = 0; it < 2000; it++) {
    const s = logitSharesAt(m, p);
    let change = 0;
    for (let i = 0; i < p.length; i++) {
      const next = (c[i] as number) + m.mu + (s[i] as number) * ((p[i] as number) - (c[i] as number));
      change = Math.max(change, Math.abs(next - (p[i] as number)));
      p[i] = next;
    }
    if (change < 1e-6) break;
  }
  // Newton on F_i = (p_i − c_i)(1 − s_i) − μ; ∂s_i/∂p_i = −s_i(1−s_i)/μ, ∂s_i/∂p_j = s_i s_j/μ.
  for (let it = 0; it < 50; it++) {
    const s = logitSharesAt(m, p);
    const markup = p.map((pi, i) => pi - (c[i] as number));
    const F = markup.map((mi, i) => mi * (1 - (s[i] as number)) - m.mu);
    if (Math.max(...F.map(Math.abs)) < tolerance) break;
    const J = p.map((_, i) =>
      p.map((__, j) =>
        i === j
          ? 1 - (s[i] as number) + ((markup[i] as number) * (s[i] as number) * (1 - (s[i] as number))) / m.mu
          : (-(markup[i] as number) * (s[i] as number) * (s[j] as number)) / m.mu,
      ),
    );
    const step = solveLinear(J, F);
    for (let i = 0; i < p.length; i++) p[i] = (p[i] as number) - (step[i] as number);
  }
  return logitPoints(m, p);
}

/** Joint-profit (collusive) prices: every markup equals m with m (1 − Σ s_j) = μ. */
export function logitCollusive(m: LogitMarket): EquilibriumPoint[] {
  const c = m.marginalCostUsd;
  const excess = (mk: number) => {
    const s = logitSharesAt(
      m,
      c.map((ci) => ci + mk),
    );
    return mk * (1 - s.reduce((a, b) => a + b, 0)) - m.mu;
  };
  // m(1 − S(m)) rises from −μ at m = 0 without bound.
  const mk = risingRoot(excess, m.mu);
  return logitPoints(
    m,
    c.map((ci) => ci + mk),
  );
}

/**
 * Myopic best response of provider `i` to rivals' prices `p` (its own entry is ignored):
 * solves (p_i − c_i)(1 − s_i(p_i)) = μ, whose left side rises in p_i, by bisection on the markup.
 */
export function logitBestResponse(m: LogitMarket, p: readonly number[], i: number): number {
  const prices = [...p];
  const c = m.marginalCostUsd[i] as number;
  const excess = (mk: number) => {
    prices[i] = c + mk;
    return mk * (1 - (logitSharesAt(m, prices)[i] as number)) - m.mu;
  };
  return c + risingRoot(excess, m.mu);
}

function linearPoints(m: LinearMarket, p: readonly number[]): EquilibriumPoint[] {
  const q = new Float64Array(p.length);
  linearQuantities(Float64Array.from(m.quality), Float64Array.from(p), new Uint8Array(p.length).fill(1), m.slope, m.substitution, q);
  const total = q.reduce((a, b) => a + b, 0);
  return p.map((pi, i) => ({
    price: pi,
    quantity: q[i]!,
    consumerShare: total > 0 ? q[i]! / total : 0,
    profit: q[i]! * (pi - (m.marginalCostUsd[i] as number)),
  }));
}

/** True when every firm sells and prices at or above cost (the interior closed form holds). */
function interior(m: LinearMarket, points: EquilibriumPoint[]): boolean {
  return points.every((e, i) => e.quantity > 0 && e.price >= (m.marginalCostUsd[i] as number) - 1e-12);
}

/** Price bounds for numeric solves of linear demand: cost up to the firm's choke price against the others. */
function linearBounds(m: LinearMarket) {
  const n = m.quality.length;
  const g = m.substitution / n;
  return (i: number, p: Float64Array): [number, number] => {
    let others = 0;
    for (let j = 0; j < n; j++) if (j !== i) others += p[j]!;
    const c = m.marginalCostUsd[i] as number;
    return [Math.max(0, c), Math.max(c, ...p, ((m.quality[i] as number) + g * others) / (1 + m.substitution - g)) + 1];
  };
}

function linearProfit(m: LinearMarket) {
  const n = m.quality.length;
  const a = Float64Array.from(m.quality);
  const on = new Uint8Array(n).fill(1);
  const q = new Float64Array(n);
  const out = new Uint8Array(n);
  return (p: Float64Array) => {
    linearQuantities(a, p, on, m.slope, m.substitution, q, out);
    return q;
  };
}

/** Bertrand–Nash prices with linear demand: 2k p_i − (γ/n) Σ_{j≠i} p_j = a_i + k c_i, k = 1 + γ − γ/n (interior solution). */
export function linearNash(m: LinearMarket): EquilibriumPoint[] {
  const n = m.quality.length;
  const g = m.substitution / n;
  const k = 1 + m.substitution - g;
  const A = m.quality.map((_, i) => m.quality.map((__, j) => (i === j ? 2 * k : -g)));
  const b = m.quality.map((a, i) => a + k * (m.marginalCostUsd[i] as number));
  const closed = linearPoints(m, solveLinear(A, b));
  if (interior(m, closed)) return closed;
  // A corner (a firm priced out or below cost): best responses on the bounded demand.
  const q = linearProfit(m);
  const c = m.marginalCostUsd;
  const start = closed.map((e, i) => Math.max(e.price, c[i] as number));
  const p = nashByBestResponse(start, (i, pr) => q(pr)[i]! * (pr[i]! - (c[i] as number)), linearBounds(m));
  if (!p) throw new RangeError('linearNash: best responses do not settle');
  return linearPoints(m, p);
}

/** Joint-profit prices with linear demand (interior solution of the joint first-order conditions). */
export function linearCollusive(m: LinearMarket): EquilibriumPoint[] {
  const n = m.quality.length;
  const g = m.substitution / n;
  const k = 1 + m.substitution - g;
  // a_i − (1+γ)p_i + g Σ_j p_j − k(p_i − c_i) + g Σ_{j≠i}(p_j − c_j) = 0
  const A = m.quality.map((_, i) => m.quality.map((__, j) => (i === j ? 1 + m.substitution - g + k : -2 * g)));
  const sumC = m.marginalCostUsd.reduce((a, b) => a + b, 0);
  const b = m.quality.map((a, i) => a + k * (m.marginalCostUsd[i] as number) - g * (sumC - (m.marginalCostUsd[i] as number)));
  const closed = linearPoints(m, solveLinear(A, b));
  if (interior(m, closed)) return closed;
  // A corner: maximise joint profit on the bounded demand, from the better of the closed form and each firm alone at its monopoly price.
  const q = linearProfit(m);
  const c = m.marginalCostUsd;
  const joint = (pr: Float64Array) => {
    const qs = q(pr);
    let s = 0;
    for (let i = 0; i < pr.length; i++) s += qs[i]! * (pr[i]! - (c[i] as number));
    return s;
  };
  const bounds = linearBounds(m);
  const starts = [closed.map((e, i) => Math.max(e.price, c[i] as number))];
  for (let i = 0; i < n; i++) {
    const high = m.quality.map((a, j) => Math.max(a, c[j] as number) * 10 + 10);
    const pr = Float64Array.from(high);
    high[i] = maximize1d((x) => ((pr[i] = x), joint(pr)), 0, high[i] as number);
    starts.push(high);
  }
  let best: number[] = [];
  let bestValue = -Infinity;
  for (const st of starts) {
    const p = jointMaximum(st, joint, bounds);
    const v = joint(Float64Array.from(p));
    if (v > bestValue) {
      bestValue = v;
      best = p;
    }
  }
  return linearPoints(m, best);
}

/**
 * Cournot–Nash quantities for homogeneous linear inverse demand P = a − bQ with costs c_i:
 * q_i = (a − (n+1) c_i + Σ_j c_j) / (b (n+1)) over the firms that produce; a firm whose
 * quantity would be negative produces nothing and the rest are solved again. `a` is the mean
 * of the qualities (the intercepts).
 */
export function linearCournot(m: LinearMarket): EquilibriumPoint[] {
  const a = m.quality.reduce((x, y) => x + y, 0) / m.quality.length;
  const producing = m.quality.map(() => true);
  let q: number[] = [];
  for (let round = 0; round <= producing.length; round++) {
    const idx = producing.flatMap((on, i) => (on ? [i] : []));
    const n = idx.length;
    const sumC = idx.reduce((s, i) => s + (m.marginalCostUsd[i] as number), 0);
    q = m.quality.map((_, i) => (producing[i] ? (a - (n + 1) * (m.marginalCostUsd[i] as number) + sumC) / (m.slope * (n + 1)) : 0));
    const negative = q.findIndex((qi) => qi < 0);
    if (negative < 0) break;
    producing[negative] = false;
  }
  const total = q.reduce((x, y) => x + y, 0);
  const price = Math.max(0, a - m.slope * total);
  return q.map((qi, i) => ({ price, quantity: qi, consumerShare: total > 0 ? qi / total : 0, profit: qi * (price - (m.marginalCostUsd[i] as number)) }));
}
