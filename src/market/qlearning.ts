/**
 * Q-learning pricing agents as in Calvano, Calzolari, Denicolò & Pastorello (2020, AER),
 * "Artificial Intelligence, Algorithmic Pricing, and Collusion": logit demand, each agent picks
 * one of m prices spaced evenly from p^N − ξ(p^M − p^N) to p^M + ξ(p^M − p^N), the state is
 * everybody's previous action (one-period memory), ε-greedy exploration with ε_t = e^(−βt),
 * learning rate α, discount δ, Q initialised to the discounted payoff against uniformly random
 * rivals, and convergence when every agent's greedy policy is unchanged for
 * `convergencePeriods` consecutive periods.
 *
 * Speed matters (≈10^6 periods per session): the joint-action profit table is precomputed, Q
 * lives in one Float64Array per agent with each row's max and argmax cached, and the loop
 * allocates nothing.
 */
import type { Rng } from '../util/rng.ts';
import { logitCollusive, logitNash, logitSharesAt, type LogitMarket } from './equilibrium.ts';

/** One agent's own learning parameters (Calvano et al. give every agent the same; a scenario need not). */
export interface QLearningAgent {
  alpha: number;
  beta: number;
  delta: number;
}

/** Parameters of a Q-learning session (all agents share m). `agents[i]` overrides alpha, beta, delta for agent i. */
export interface QLearningSpec extends LogitMarket {
  agents?: readonly QLearningAgent[];
  m: number;
  xi: number;
  alpha: number;
  beta: number;
  delta: number;
  convergencePeriods: number;
  maxPeriods: number;
}

/** What a trained session yields. Profits are per period at market size 1. */
export interface QLearningResult {
  converged: boolean;
  /** Periods played until convergence (or maxPeriods). */
  periods: number;
  /** Price grid per agent (USD/unit), m values each. */
  grids: number[][];
  /** Greedy action per agent per state (state = Σ_j a_j m^j of last period's actions). */
  policies: Int32Array[];
  /** State after the last training period. */
  finalState: number;
  /** The cycle greedy play falls into from `finalState`: prices and profits per agent per step. */
  cycle: { prices: number[][]; profits: number[][] };
  nashProfit: number[];
  monopolyProfit: number[];
  /** Average profit over the cycle, per agent. */
  averageProfit: number[];
  /** Δ_i = (π̄_i − π^N_i)/(π^M_i − π^N_i): 0 at Nash, 1 at joint-profit maximisation. */
  profitGain: number[];
}

/** Evenly spaced price grid around Nash and monopoly prices, padded by ξ on each side. */
export function priceGrid(nashPrice: number, monopolyPrice: number, m: number, xi: number): number[] {
  const lo = nashPrice - xi * (monopolyPrice - nashPrice);
  const hi = monopolyPrice + xi * (monopolyPrice - nashPrice);
  return Array.from({ length: m }, (_, k) => lo + ((hi - lo) * k) / (m - 1));
}

/** Profit per agent for every joint action (index Σ_j a_j m^j), at market size 1. */
function profitTable(spec: QLearningSpec, grids: number[][]): Float64Array[] {
  const n = grids.length;
  const S = spec.m ** n;
  const table = grids.map(() => new Float64Array(S));
  const prices = new Array<number>(n).fill(0);
  for (let A = 0; A < S; A++) {
    for (let j = 0, r = A; j < n; j++, r = Math.floor(r / spec.m)) prices[j] = (grids[j] as number[])[r % spec.m] as number;
    const s = logitSharesAt(spec, prices);
    for (let j = 0; j < n; j++) (table[j] as Float64Array)[A] = (s[j] as number) * ((prices[j] as number) - (spec.marginalCostUsd[j] as number));
  }
  return table;
}

/** Train one session. Deterministic given `rng`. */
export function trainQLearning(spec: QLearningSpec, rng: Rng): QLearningResult {
  const n = spec.quality.length;
  const m = spec.m;
  const S = m ** n;
  const nash = logitNash(spec);
  const mono = logitCollusive(spec);
  const grids = nash.map((e, i) => priceGrid(e.price, (mono[i] as { price: number }).price, m, spec.xi));
  const profit = profitTable(spec, grids);
  const Q = profit.map(() => new Float64Array(S * m));
  const agent = (i: number) => spec.agents?.[i] ?? spec;
  const alpha = Float64Array.from(grids, (_, i) => agent(i).alpha);
  const delta = Float64Array.from(grids, (_, i) => agent(i).delta);
  const eps = new Float64Array(n).fill(1);
  const decay = Float64Array.from(grids, (_, i) => Math.exp(-agent(i).beta));
  const rowMax = profit.map(() => new Float64Array(S));
  const rowArg = profit.map(() => new Int32Array(S));
  for (let i = 0; i < n; i++) {
    const pi = profit[i] as Float64Array;
    const q = Q[i] as Float64Array;
    // Q0(s, a) = Σ_{a−i} π_i(a, a−i) / ((1 − δ_i) m^(n−1)): the same for every state.
    const q0 = new Float64Array(m);
    for (let A = 0; A < S; A++) {
      const a = Math.floor(A / m ** i) % m;
      q0[a] = q0[a]! + pi[A]! / ((1 - (delta[i] as number)) * m ** (n - 1));
    }
    for (let s = 0; s < S; s++) q.set(q0, s * m);
    let best = 0;
    for (let a = 1; a < m; a++) if ((q0[a] as number) > (q0[best] as number)) best = a;
    (rowMax[i] as Float64Array).fill(q0[best] as number);
    (rowArg[i] as Int32Array).fill(best);
  }
  const stride = Array.from({ length: n }, (_, j) => m ** j);
  const action = new Int32Array(n);
  let state = rng.int(S);
  let stable = 0;
  let t = 0;
  for (; t < spec.maxPeriods && stable < spec.convergencePeriods; t++) {
    let next = 0;
    for (let i = 0; i < n; i++) {
      const a = rng.next() < eps[i]! ? rng.int(m) : (rowArg[i] as Int32Array)[state]!;
      action[i] = a;
      next += a * stride[i]!;
    }
    let changed = false;
    for (let i = 0; i < n; i++) {
      const q = Q[i] as Float64Array;
      const max = rowMax[i] as Float64Array;
      const arg = rowArg[i] as Int32Array;
      const a = action[i]!;
      const cell = state * m + a;
      const value = (1 - alpha[i]!) * q[cell]! + alpha[i]! * ((profit[i] as Float64Array)[next]! + delta[i]! * max[next]!);
      q[cell] = value;
      const before = arg[state]!;
      if (value > max[state]!) {
        max[state] = value;
        arg[state] = a;
      } else if (a === before) {
        let best = 0;
        for (let b = 1; b < m; b++) if (q[state * m + b]! > q[state * m + best]!) best = b;
        max[state] = q[state * m + best]!;
        arg[state] = best;
      }
      if (arg[state] !== before) changed = true;
    }
    stable = changed ? 0 : stable + 1;
    for (let i = 0; i < n; i++) eps[i] = eps[i]! * decay[i]!;
    state = next;
  }
  const policies = rowArg;
  const cycle = greedyCycle(policies, state, stride, m, grids, profit);
  const nashProfit = nash.map((e) => e.profit / (spec.marketSize ?? 1));
  const monopolyProfit = mono.map((e) => e.profit / (spec.marketSize ?? 1));
  const averageProfit = grids.map((_, i) => mean(cycle.profits.map((row) => row[i] as number)));
  return {
    converged: stable >= spec.convergencePeriods,
    periods: t,
    grids,
    policies,
    finalState: state,
    cycle,
    nashProfit,
    monopolyProfit,
    averageProfit,
    profitGain: averageProfit.map((p, i) => (p - (nashProfit[i] as number)) / ((monopolyProfit[i] as number) - (nashProfit[i] as number))),
  };
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Follow greedy play from `start` until a state repeats; return the states of the cycle. */
function greedyCycle(policies: Int32Array[], start: number, stride: number[], m: number, grids: number[][], profit: Float64Array[]): QLearningResult['cycle'] {
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let s = start;
  while (!seenAt.has(s)) {
    seenAt.set(s, path.length);
    path.push(s);
    s = policies.reduce((acc, policy, i) => acc + policy[s]! * (stride[i] as number), 0);
  }
  // The state after s is the joint action played from s; the cycle is the path from the repeat on.
  const states = path.slice(seenAt.get(s) as number);
  const played = states.map((st) => policies.reduce((acc, policy, i) => acc + policy[st]! * (stride[i] as number), 0));
  return {
    prices: played.map((A) => grids.map((g, i) => g[Math.floor(A / (stride[i] as number)) % m] as number)),
    profits: played.map((A) => profit.map((p) => p[A] as number)),
  };
}

/** Joint state index of last period's prices: each price mapped to the nearest point of its agent's grid. */
export function stateOfPrices(prices: ArrayLike<number>, grids: number[][]): number {
  let state = 0;
  let stride = 1;
  grids.forEach((g, i) => {
    let best = 0;
    for (let k = 1; k < g.length; k++) if (Math.abs((g[k] as number) - prices[i]!) < Math.abs((g[best] as number) - prices[i]!)) best = k;
    state += best * stride;
    stride *= g.length;
  });
  return state;
}
