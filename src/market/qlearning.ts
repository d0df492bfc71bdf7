/**
 * Q-learning pricing agents as in Calvano, Calzolari, Denicolò & Pastorello (2020, AER),
 * "Artificial Intelligence, Algorithmic Pricing, and Collusion": logit demand, each agent picks
 * one of m prices spaced evenly from p^N − ξ(p^M − p^N) to p^M + ξ(p^M − p^N), the state is
 * everybody's previous action (one-period memory), ε-greedy exploration with ε_t = e^(−βt),
 * learning rate α, discount δ, Q initialised to the discounted payoff against uniformly random
 * rivals, and convergence when every agent's greedy policy is unchanged for
 * `convergencePeriods` consecutive periods.
 *
 * Each agent has its own α, β, δ, grid size m and padding ξ; up to 5 agents.
 * Speed matters (≈2·10^6 periods per baseline session): the joint-action profit table is
 * precomputed and the loop (qlearning-kernel.ts) runs on flat typed arrays.
 */
import type { Rng } from '../util/rng.ts';
import { logitCollusive, logitNash, logitSharesAt, type LogitMarket } from './equilibrium.ts';
import { initialiseCaches, runKernel, type KernelTables } from './qlearning-kernel.ts';

/** One agent's own parameters (Calvano et al. give every agent the same; a scenario need not). m and ξ default to the spec's. */
export interface QLearningAgent {
  alpha: number;
  beta: number;
  delta: number;
  /** Price-grid size of this agent. */
  m?: number;
  /** Grid padding of this agent beyond its Nash and monopoly prices. */
  xi?: number;
}

/** Parameters of a Q-learning session. `agents[i]` overrides alpha, beta, delta, m, xi for agent i. */
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

/** Most agents a session trains (the state space grows as Π m_i). */
export const MAX_QLEARNING_AGENTS = 5;
/** Most Q-values (Σ_i m_i · Π_j m_j) a session may hold: 2^24 × 8 bytes = 128 MiB. */
export const MAX_QLEARNING_CELLS = 2 ** 24;

/** Number of Q-values a session with these grid sizes holds: Σ_i m_i · Π_j m_j. */
export function qLearningCells(m: readonly number[]): number {
  const states = m.reduce((a, b) => a * b, 1);
  return m.reduce((a, b) => a + b * states, 0);
}

/** What a trained session yields. Profits are per period at market size 1. */
export interface QLearningResult {
  converged: boolean;
  /** Periods played until convergence (or maxPeriods). */
  periods: number;
  /** Price grid per agent (USD/unit), m_i values each. */
  grids: number[][];
  /** State encoding: state = Σ_j a_j · strides[j], strides[j] = Π_{k<j} m_k. */
  strides: number[];
  /** Greedy action per agent per state. */
  policies: Int32Array[];
  /** Profit per agent per joint action (index as a state), at market size 1. */
  profitTables: Float64Array[];
  /** State after the last training period. */
  finalState: number;
  /** The cycle greedy play falls into from `finalState`: joint actions (states), prices and profits per agent per step. */
  cycle: { states: number[]; prices: number[][]; profits: number[][] };
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

/** Agent i's parameters with the spec's as defaults. */
function agentOf(spec: QLearningSpec, i: number): Required<QLearningAgent> {
  const a = spec.agents?.[i];
  return { alpha: a?.alpha ?? spec.alpha, beta: a?.beta ?? spec.beta, delta: a?.delta ?? spec.delta, m: a?.m ?? spec.m, xi: a?.xi ?? spec.xi };
}

/** Agent i's action in joint action (state) A. */
function actionOf(A: number, strides: readonly number[], m: readonly number[], i: number): number {
  return Math.floor(A / strides[i]!) % m[i]!;
}

/** Flat tables of a session: profits per joint action, and Q0 (Calvano et al.'s initialisation) with its row caches. */
function buildTables(spec: QLearningSpec, grids: number[][], delta: readonly number[]): KernelTables {
  const n = grids.length;
  const m = grids.map((g) => g.length);
  const strides = m.map((_, i) => m.slice(0, i).reduce((a, b) => a * b, 1));
  const S = m.reduce((a, b) => a * b, 1);
  const qOffset = m.map((_, i) => m.slice(0, i).reduce((a, b) => a + b * S, 0));
  const t: KernelTables = {
    n,
    states: S,
    m: Int32Array.from(m),
    stride: Int32Array.from(strides),
    qOffset: Int32Array.from(qOffset),
    q: new Float64Array(qLearningCells(m)),
    rowMax: new Float64Array(n * S),
    rowArg: new Int32Array(n * S),
    rowBound: new Float64Array(n * S),
    profit: new Float64Array(n * S),
  };
  const prices = new Array<number>(n).fill(0);
  for (let A = 0; A < S; A++) {
    for (let j = 0; j < n; j++) prices[j] = grids[j]![actionOf(A, strides, m, j)]!;
    const s = logitSharesAt(spec, prices);
    for (let j = 0; j < n; j++) t.profit[j * S + A] = s[j]! * (prices[j]! - spec.marginalCostUsd[j]!);
  }
  for (let i = 0; i < n; i++) {
    // Q0(s, a) = Σ_{a−i} π_i(a, a−i) / ((1 − δ_i) Π_{j≠i} m_j): the same for every state.
    const q0 = new Float64Array(m[i]!);
    const rivals = S / m[i]!;
    for (let A = 0; A < S; A++) {
      const a = actionOf(A, strides, m, i);
      q0[a] = q0[a]! + t.profit[i * S + A]! / ((1 - delta[i]!) * rivals);
    }
    for (let s = 0; s < S; s++) t.q.set(q0, qOffset[i]! + s * m[i]!);
  }
  initialiseCaches(t);
  return t;
}

/** Train one session. Deterministic given `rng`. */
export function trainQLearning(spec: QLearningSpec, rng: Rng): QLearningResult {
  const n = spec.quality.length;
  if (n > MAX_QLEARNING_AGENTS) throw new RangeError(`Q-learning trains at most ${MAX_QLEARNING_AGENTS} agents (got ${n})`);
  const agents = spec.quality.map((_, i) => agentOf(spec, i));
  const cells = qLearningCells(agents.map((a) => a.m));
  if (cells > MAX_QLEARNING_CELLS)
    throw new RangeError(`Q-learning session too large: ${cells} Q-values (at most ${MAX_QLEARNING_CELLS}); lower m or the number of agents`);
  const nash = logitNash(spec);
  const mono = logitCollusive(spec);
  const grids = nash.map((e, i) => priceGrid(e.price, mono[i]!.price, agents[i]!.m, agents[i]!.xi));
  const tables = buildTables(
    spec,
    grids,
    agents.map((a) => a.delta),
  );
  const S = tables.states;
  const params = {
    alpha: Float64Array.from(agents, (a) => a.alpha),
    delta: Float64Array.from(agents, (a) => a.delta),
    decay: Float64Array.from(agents, (a) => Math.exp(-a.beta)),
    convergencePeriods: spec.convergencePeriods,
    maxPeriods: spec.maxPeriods,
  };
  const run = runKernel(tables, params, rng, rng.int(S));
  const strides = [...tables.stride];
  const policies = grids.map((_, i) => tables.rowArg.slice(i * S, (i + 1) * S));
  const profitTables = grids.map((_, i) => tables.profit.slice(i * S, (i + 1) * S));
  const cycle = greedyCycle(policies, run.state, strides, grids, profitTables);
  const nashProfit = nash.map((e) => e.profit / (spec.marketSize ?? 1));
  const monopolyProfit = mono.map((e) => e.profit / (spec.marketSize ?? 1));
  const averageProfit = grids.map((_, i) => mean(cycle.profits.map((row) => row[i] as number)));
  return {
    converged: run.stable >= spec.convergencePeriods,
    periods: run.periods,
    grids,
    strides,
    policies,
    profitTables,
    finalState: run.state,
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

/** The joint action greedy play chooses in `state`. */
export function greedyNext(policies: readonly Int32Array[], strides: readonly number[], state: number): number {
  let next = 0;
  for (let i = 0; i < policies.length; i++) next += policies[i]![state]! * strides[i]!;
  return next;
}

/** Prices per agent of joint action (state) A. */
export function pricesOfState(grids: readonly number[][], strides: readonly number[], A: number): number[] {
  return grids.map((g, i) => g[Math.floor(A / strides[i]!) % g.length]!);
}

/** Follow greedy play from `start` until a state repeats; return the cycle of joint actions played. */
function greedyCycle(policies: Int32Array[], start: number, strides: number[], grids: number[][], profit: Float64Array[]): QLearningResult['cycle'] {
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  let s = start;
  while (!seenAt.has(s)) {
    seenAt.set(s, path.length);
    path.push(s);
    s = greedyNext(policies, strides, s);
  }
  // The state after s is the joint action played from s; the cycle is the path from the repeat on.
  const states = path.slice(seenAt.get(s) as number);
  const played = states.map((st) => greedyNext(policies, strides, st));
  return {
    states: played,
    prices: played.map((A) => pricesOfState(grids, strides, A)),
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
