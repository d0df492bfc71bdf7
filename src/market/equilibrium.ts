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

/** One provider at an equilibrium: price (USD/unit), share of the market (0–1), profit (USD/period). */
export interface EquilibriumPoint {
  price: number;
  share: number;
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
    share: s,
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
        i === j ? 1 - (s[i] as number) + ((markup[i] as number) * (s[i] as number) * (1 - (s[i] as number))) / m.mu : (-(markup[i] as number) * (s[i] as number) * (s[j] as number)) / m.mu,
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
    const s = logitSharesAt(m, c.map((ci) => ci + mk));
    return mk * (1 - s.reduce((a, b) => a + b, 0)) - m.mu;
  };
  // m(1 − S(m)) rises from −μ at m = 0 without bound.
  const mk = risingRoot(excess, m.mu);
  return logitPoints(m, c.map((ci) => ci + mk));
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

/** Bounded Shubik–Levitan quantities at prices `p` (a priced-out firm leaves the market; demand.ts). */
function linearQuantitiesAt(m: LinearMarket, p: readonly number[]): number[] {
  const q = new Float64Array(p.length);
  linearQuantities(Float64Array.from(m.quality), Float64Array.from(p), new Uint8Array(p.length).fill(1), m.slope, m.substitution, q);
  return [...q];
}

function linearPoints(m: LinearMarket, p: readonly number[]): EquilibriumPoint[] {
  const q = linearQuantitiesAt(m, p);
  const total = q.reduce((a, b) => a + b, 0);
  return p.map((pi, i) => ({ price: pi, quantity: q[i] as number, share: total > 0 ? (q[i] as number) / total : 0, profit: (q[i] as number) * (pi - (m.marginalCostUsd[i] as number)) }));
}

/** A price at which no firm of `m` sells anything whatever its rivals charge (above every intercept). */
function linearChokePrice(m: LinearMarket): number {
  return Math.max(...m.quality, ...m.marginalCostUsd) * 2 + 1;
}

/**
 * Bertrand–Nash prices with linear demand: the interior solution of
 * 2k p_i − (γ/n) Σ_{j≠i} p_j = a_i + k c_i, k = 1 + γ − γ/n, floored at marginal cost.
 * With bounded demand (a priced-out firm leaves, demand.ts) a rival may gain by pricing a weak
 * firm out, and then no pure-strategy equilibrium need exist: this is the interior candidate.
 */
export function linearNash(m: LinearMarket): EquilibriumPoint[] {
  const n = m.quality.length;
  const g = m.substitution / n;
  const k = 1 + m.substitution - g;
  const A = m.quality.map((_, i) => m.quality.map((__, j) => (i === j ? 2 * k : -g)));
  const b = m.quality.map((a, i) => a + k * (m.marginalCostUsd[i] as number));
  return linearPoints(m, solveLinear(A, b).map((pi, i) => Math.max(m.marginalCostUsd[i] as number, pi)));
}

/**
 * Joint-profit prices with bounded linear demand: for every set S of firms that sell (all sets
 * up to 12 firms, else all firms), the interior joint optimum of the market made of S alone,
 * the others priced out; the best valid one. Interior conditions for S (n = |S|, g = γ/n,
 * k = 1 + γ − g): a_i − (1+γ)p_i + g Σ_j p_j − k(p_i − c_i) + g Σ_{j≠i}(p_j − c_j) = 0.
 */
export function linearCollusive(m: LinearMarket): EquilibriumPoint[] {
  const all = m.quality.length;
  const choke = linearChokePrice(m);
  const sets = all <= 12 ? Array.from({ length: (1 << all) - 1 }, (_, s) => s + 1) : [(1 << Math.min(all, 30)) - 1];
  let best: { p: number[]; profit: number } | undefined;
  for (const set of sets) {
    const idx = m.quality.flatMap((_, i) => (all > 12 || set & (1 << i) ? [i] : []));
    const n = idx.length;
    const g = m.substitution / n;
    const k = 1 + m.substitution - g;
    const cs = idx.map((i) => m.marginalCostUsd[i] as number);
    const sumC = cs.reduce((a, b) => a + b, 0);
    const A = idx.map((_, r) => idx.map((__, c) => (r === c ? 1 + m.substitution - g + k : -2 * g)));
    const rhs = idx.map((i, r) => (m.quality[i] as number) + k * (cs[r] as number) - g * (sumC - (cs[r] as number)));
    const inner = solveLinear(A, rhs);
    const p = m.quality.map(() => choke);
    idx.forEach((i, r) => (p[i] = inner[r] as number));
    const points = linearPoints(m, p);
    if (idx.some((i) => !((points[i] as EquilibriumPoint).quantity > 0))) continue;
    const profit = points.reduce((s, e) => s + e.profit, 0);
    if (!best || profit > best.profit) best = { p, profit };
  }
  return linearPoints(m, best?.p ?? m.quality.map(() => choke));
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
  return q.map((qi, i) => ({ price, quantity: qi, share: total > 0 ? qi / total : 0, profit: qi * (price - (m.marginalCostUsd[i] as number)) }));
}
