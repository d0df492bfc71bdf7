/**
 * The Q-learning training loop (Calvano et al. 2020), on flat typed arrays so that one period
 * allocates nothing and does a handful of array reads per agent. Separate from qlearning.ts,
 * which builds the tables and reads the result: this file is only the hot loop.
 *
 * Layout, for n agents with grid sizes m_i: a state (= last period's joint action) is
 * s = Σ_j a_j · stride_j with stride_j = Π_{k<j} m_k, S = Π_k m_k states. Agent i's Q-values
 * for state s are Q[qOffset_i + s·m_i + a]; its per-state caches (row max, argmax, and an upper
 * bound on the other actions' values) sit at [i·S + s]; its profit for joint action A at
 * profit[i·S + A].
 *
 * Random numbers: the kernel steps the run's xoroshiro128+ generator inline (pure-rand's
 * algorithm, the same words in the same order) and builds each uniform exactly as Rng.next()
 * does, so it draws the same numbers as calling `rng.next()` without a call or a boxed double
 * per draw; the generator's state is handed back at the end.
 *
 * The upper bound spares the full row scan when the greedy action's value falls but stays
 * above every other action's value; the scan, when it happens, is the one the plain algorithm
 * does, so ties and hence every result are the same as recomputing the argmax each time.
 *
 * Two agents (the Calvano baseline) take runKernel2: the same draws, updates and order with every
 * per-agent quantity in a local and no loop over agents (10–30% less CPU per period, measured at load 7, noisy).
 */
import { generatorState, setGeneratorState, type Rng } from '../util/rng.ts';

/** The tables the loop reads and updates (all flat; see the file header for the layout). */
export interface KernelTables {
  n: number;
  /** States S = Π m_i. */
  states: number;
  /** Grid size per agent. */
  m: Int32Array;
  /** stride_i = Π_{k<i} m_k. */
  stride: Int32Array;
  /** Start of agent i's Q-values in `q`. */
  qOffset: Int32Array;
  q: Float64Array;
  /** max_a Q_i(s, a), at i·S + s. */
  rowMax: Float64Array;
  /** The greedy action of agent i in state s, at i·S + s: the policy. */
  rowArg: Int32Array;
  /** An upper bound on max_{a ≠ argmax} Q_i(s, a), at i·S + s. */
  rowBound: Float64Array;
  /** π_i(A) at market size 1, at i·S + A. */
  profit: Float64Array;
}

/** Per-agent learning rates, discount factors and exploration decay e^(−β_i). */
export interface KernelParams {
  alpha: Float64Array;
  delta: Float64Array;
  decay: Float64Array;
  convergencePeriods: number;
  maxPeriods: number;
}

/** 2^−53: multiplying by it is the same exact scaling as Rng.next()'s division by 2^53, and cheaper. */
const TWO_TO_MINUS_53 = 1 / 9007199254740992;

/** Rescan agent i's row at state s: exact max, argmax (first index on ties) and second-best value. */
function rescan(t: KernelTables, i: number, s: number): number {
  const m = t.m[i]!;
  const row = t.qOffset[i]! + s * m;
  const q = t.q;
  let best = 0;
  let bestValue = q[row]!;
  let second = -Infinity;
  for (let b = 1; b < m; b++) {
    const v = q[row + b]!;
    if (v > bestValue) {
      second = bestValue;
      bestValue = v;
      best = b;
    } else if (v > second) second = v;
  }
  const k = i * t.states + s;
  t.rowMax[k] = bestValue;
  t.rowArg[k] = best;
  t.rowBound[k] = second;
  return best;
}

/** Fill every row's caches from the Q-values (used once, after Q is initialised). */
export function initialiseCaches(t: KernelTables): void {
  for (let i = 0; i < t.n; i++) for (let s = 0; s < t.states; s++) rescan(t, i, s);
}

/** One Q update of agent i (row k = i·S + state, cell = its Q cell); true when the greedy action changed. */
function update(t: KernelTables, i: number, state: number, k: number, cell: number, a: number, value: number): boolean {
  const { q, rowMax, rowArg, rowBound } = t;
  q[cell] = value;
  const before = rowArg[k]!;
  const max = rowMax[k]!;
  if (value > max) {
    rowMax[k] = value;
    if (a !== before) {
      rowArg[k] = a;
      rowBound[k] = max;
      return true;
    }
  } else if (a !== before) {
    if (value > rowBound[k]!) rowBound[k] = value;
  } else if (value > rowBound[k]!) {
    rowMax[k] = value; // still strictly above every other action
  } else if (rescan(t, i, state) !== before) return true;
  return false;
}

/**
 * One step of xoroshiro128+ on the state words w = [s01, s00, s11, s10] (pure-rand's
 * algorithm and word order): returns the 32-bit output and advances w in place.
 */
function step(w: Int32Array): number {
  const s01 = w[0]!;
  const s00 = w[1]!;
  const s11 = w[2]!;
  const s10 = w[3]!;
  const a0 = s10 ^ s00;
  const a1 = s11 ^ s01;
  w[0] = (s01 << 24) ^ (s00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
  w[1] = (s00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
  w[2] = (a0 << 5) ^ (a1 >>> 27);
  w[3] = (a1 << 5) ^ (a0 >>> 27);
  return (s00 + s10) | 0;
}

/** A uniform in [0, 1) built exactly as Rng.next() builds it: (27 high bits · 2^26 + 26 bits) / 2^53. */
function uniform(w: Int32Array): number {
  const hi = step(w) >>> 5;
  return (hi * 67108864 + (step(w) >>> 6)) * TWO_TO_MINUS_53;
}

/**
 * Below this exploration rate an agent stops drawing every period and instead draws the period of
 * its next exploration (`nextExploration`): the per-period draw costs one generator step each
 * period, the skip about four steps and two logarithms per exploration, so the skip is cheaper
 * once fewer than about one period in eight explores. Both give each period an independent
 * ε_t chance of exploring and a uniform action when it does; only which numbers are drawn differs.
 */
export const SKIP_BELOW_EPSILON = 1 / 8;

/** 2^32: a per-period draw compares one 32-bit output with ε·2^32. */
const TWO_TO_32 = 4294967296;

/**
 * The per-period draw while ε ≥ 1/8: one 32-bit output o; the agent explores when
 * o < threshold = ε·2^32, with action ⌊o·m ÷ threshold⌋ (given o < threshold, o ÷ threshold is
 * uniform on [0, 1) to within 2^−29, so each action's chance is 1/m to within m·2^−29);
 * −1 when it plays its greedy action.
 */
export function perPeriodDraw(w: Int32Array, threshold: number, m: number): number {
  const o = step(w) >>> 0;
  return o < threshold ? Math.floor((o * m) / threshold) : -1;
}

/**
 * The first period k ≥ `from` at which an agent whose exploration rate is ε_k = decay^k explores,
 * each period independently with probability ε_k, or `never` when none comes before it.
 * Drawn by thinning (Lewis & Shedler 1979, "Simulation of nonhomogeneous Poisson processes by
 * thinning", in discrete time): with the bound b = ε_from ≥ ε_k for every k ≥ from (ε falls),
 * candidates arrive as Bernoulli(b) trials, so the gap to the next one is geometric,
 * ⌊ln u ÷ ln(1 − b)⌋ with u uniform in (0, 1]; a candidate at k is kept with probability ε_k ÷ b,
 * which makes each period's chance exactly b · ε_k ÷ b = ε_k; after a rejection the bound is
 * lowered to ε_{k+1} and the search goes on. Once the chance of any later exploration,
 * Σ_{k≥t} ε_k = ε_t ÷ (1 − decay), is below 2^−53 (the spacing of the uniforms), there is none.
 */
export function nextExploration(w: Int32Array, from: number, decay: number, never: number): number {
  const logDecay = Math.log(decay);
  let t = from;
  while (t < never) {
    const bound = Math.exp(t * logDecay);
    if (bound < TWO_TO_MINUS_53 * (1 - decay)) return never;
    t += bound >= 1 ? 0 : Math.floor(Math.log(1 - uniform(w)) / Math.log1p(-bound));
    if (t >= never) return never;
    if (uniform(w) * bound < Math.exp(t * logDecay)) return t;
    t += 1;
  }
  return never;
}

/** The first period at which ε_t = decay^t is below SKIP_BELOW_EPSILON: from there the agent skips ahead. */
export function skipFrom(decay: number): number {
  if (decay >= 1) return Number.MAX_SAFE_INTEGER;
  return Math.max(0, Math.ceil(Math.log(SKIP_BELOW_EPSILON) / Math.log(decay)));
}

/**
 * One agent's ε-greedy exploration, period after period (ε_t = decay^t): `action(t)` is the
 * random action it plays at period t, or −1 when it plays its greedy one. Periods must be asked
 * in order, once each. The n-agent kernel uses one per agent; runKernel2 inlines the same two
 * draws (perPeriodDraw, nextExploration) in locals.
 */
export class Exploration {
  private threshold = TWO_TO_32;
  private nextAt = -1;
  private readonly skipAt: number;
  constructor(
    private readonly w: Int32Array,
    private readonly decay: number,
    private readonly m: number,
    private readonly never: number,
  ) {
    this.skipAt = skipFrom(decay);
  }
  action(period: number): number {
    if (period < this.skipAt) {
      const a = perPeriodDraw(this.w, this.threshold, this.m);
      this.threshold *= this.decay;
      return a;
    }
    if (this.nextAt < period) this.nextAt = nextExploration(this.w, period, this.decay, this.never);
    if (period !== this.nextAt) return -1;
    this.nextAt = -1;
    return Math.floor(uniform(this.w) * this.m);
  }
}

/**
 * runKernel for two agents (the Calvano baseline), every per-agent quantity in a local: the same
 * draws, updates and order as the n-agent loop below with Exploration inlined. Most of a baseline
 * session (about 1.2 of its 1.8 million periods) is played at ε < 1/8, where the agents draw
 * nothing between explorations.
 */
function runKernel2(t: KernelTables, p: KernelParams, rng: Rng, startState: number): { periods: number; stable: number; state: number } {
  const S = t.states;
  const { q, rowMax, rowArg, profit } = t;
  const m0 = t.m[0]!;
  const m1 = t.m[1]!;
  const stride1 = t.stride[1]!;
  const off0 = t.qOffset[0]!;
  const off1 = t.qOffset[1]!;
  const alpha0 = p.alpha[0]!;
  const alpha1 = p.alpha[1]!;
  const keep0 = 1 - alpha0;
  const keep1 = 1 - alpha1;
  const delta0 = p.delta[0]!;
  const delta1 = p.delta[1]!;
  const decay0 = p.decay[0]!;
  const decay1 = p.decay[1]!;
  const { convergencePeriods, maxPeriods } = p;
  const w = generatorState(rng);
  const skip0 = skipFrom(decay0);
  const skip1 = skipFrom(decay1);
  let threshold0 = TWO_TO_32;
  let threshold1 = TWO_TO_32;
  let next0 = -1; // the next exploration period once skipping (−1: not drawn yet)
  let next1 = -1;
  let state = startState;
  let stable = 0;
  let period = 0;
  for (; period < maxPeriods && stable < convergencePeriods; period++) {
    let x0 = -1;
    let x1 = -1;
    if (period < skip0) {
      x0 = perPeriodDraw(w, threshold0, m0);
      threshold0 *= decay0;
    } else {
      if (next0 < period) next0 = nextExploration(w, period, decay0, maxPeriods);
      if (period === next0) {
        x0 = Math.floor(uniform(w) * m0);
        next0 = -1;
      }
    }
    if (x0 < 0) x0 = rowArg[state]!;
    if (period < skip1) {
      x1 = perPeriodDraw(w, threshold1, m1);
      threshold1 *= decay1;
    } else {
      if (next1 < period) next1 = nextExploration(w, period, decay1, maxPeriods);
      if (period === next1) {
        x1 = Math.floor(uniform(w) * m1);
        next1 = -1;
      }
    }
    if (x1 < 0) x1 = rowArg[S + state]!;
    const next = x0 + x1 * stride1;
    const cell0 = off0 + state * m0 + x0;
    const c0 = update(t, 0, state, state, cell0, x0, keep0 * q[cell0]! + alpha0 * (profit[next]! + delta0 * rowMax[next]!));
    const cell1 = off1 + state * m1 + x1;
    const c1 = update(t, 1, state, S + state, cell1, x1, keep1 * q[cell1]! + alpha1 * (profit[S + next]! + delta1 * rowMax[S + next]!));
    stable = c0 || c1 ? 0 : stable + 1;
    state = next;
  }
  setGeneratorState(rng, w);
  return { periods: period, stable, state };
}

/**
 * Train from `startState` until every greedy policy has been unchanged for
 * `convergencePeriods` periods or `maxPeriods` pass. Updates the tables in place; returns the
 * periods played, the periods without a policy change at the end and the last state.
 * Exploration: `Exploration` (ε-greedy, ε_t = e^(−β t), agents drawing in index order).
 */
export function runKernel(t: KernelTables, p: KernelParams, rng: Rng, startState: number): { periods: number; stable: number; state: number } {
  if (t.n === 2) return runKernel2(t, p, rng, startState);
  const n = t.n;
  const S = t.states;
  const { m, stride, qOffset, q, rowMax, rowArg, profit } = t;
  const { alpha, delta, decay, convergencePeriods, maxPeriods } = p;
  const keep = alpha.map((a) => 1 - a);
  const w = generatorState(rng);
  const explore = Array.from(decay, (d, i) => new Exploration(w, d, m[i]!, maxPeriods));
  const action = new Int32Array(n);
  let state = startState;
  let stable = 0;
  let period = 0;
  for (; period < maxPeriods && stable < convergencePeriods; period++) {
    let next = 0;
    for (let i = 0; i < n; i++) {
      const x = explore[i]!.action(period);
      const a = x < 0 ? rowArg[i * S + state]! : x;
      action[i] = a;
      next += a * stride[i]!;
    }
    let changed = false;
    for (let i = 0; i < n; i++) {
      const a = action[i]!;
      const cell = qOffset[i]! + state * m[i]! + a;
      const value = keep[i]! * q[cell]! + alpha[i]! * (profit[i * S + next]! + delta[i]! * rowMax[i * S + next]!);
      if (update(t, i, state, i * S + state, cell, a, value)) changed = true;
    }
    stable = changed ? 0 : stable + 1;
    state = next;
  }
  setGeneratorState(rng, w);
  return { periods: period, stable, state };
}
