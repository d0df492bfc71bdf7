/**
 * The exploration process against its definition: agent explores at period t with probability
 * ε_t = e^(−β t), independently each period, and then plays a uniformly drawn action. Checked by
 * counts over many independent agents, each compared with its exact binomial mean and variance
 * (Σ ε_t and Σ ε_t(1 − ε_t) over the window), in both regimes: the per-period draw (ε ≥ 1/8)
 * and the skip-ahead draw of the next exploration period (ε < 1/8).
 */
import { describe, expect, it } from 'vitest';
import { Exploration, SKIP_BELOW_EPSILON, nextExploration, skipFrom } from '../../src/market/qlearning-kernel.ts';
import { createRng, generatorState } from '../../src/util/rng.ts';

/** Explorations of `agents` independent agents in each window [a, b), and the actions drawn. */
function simulate(beta: number, m: number, windows: Array<[number, number]>, agents: number) {
  const counts = windows.map(() => 0);
  const actions = new Array<number>(m).fill(0);
  const end = Math.max(...windows.map(([, b]) => b));
  for (let k = 0; k < agents; k++) {
    const e = new Exploration(generatorState(createRng(7000 + k)), Math.exp(-beta), m, 1e12);
    for (let t = 0; t < end; t++) {
      const a = e.action(t);
      if (a < 0) continue;
      actions[a] = actions[a]! + 1;
      windows.forEach(([lo, hi], j) => {
        if (t >= lo && t < hi) counts[j] = counts[j]! + 1;
      });
    }
  }
  return { counts, actions };
}

/** Binomial-sum mean and variance of the explorations in [a, b) for one agent. */
function moments(beta: number, a: number, b: number): { mean: number; variance: number } {
  let mean = 0;
  let variance = 0;
  for (let t = a; t < b; t++) {
    const e = Math.exp(-beta * t);
    mean += e;
    variance += e * (1 - e);
  }
  return { mean, variance };
}

describe('Q-learning exploration', () => {
  it('switches to skipping where ε falls below 1/8', () => {
    const beta = 1e-3;
    const t = skipFrom(Math.exp(-beta));
    expect(Math.exp(-beta * t)).toBeLessThan(SKIP_BELOW_EPSILON);
    expect(Math.exp(-beta * (t - 1))).toBeGreaterThanOrEqual(SKIP_BELOW_EPSILON * (1 - 1e-9));
    expect(t).toBe(Math.ceil(Math.log(8) / beta)); // ln 8 ÷ β = 2079.4…
  });

  it('explores each period with probability e^(−βt), in both regimes, with uniform actions', () => {
    // β = 1e-3: ε = 1/8 at t ≈ 2,079. Windows before the switch, across it, and far after it (ε ≈ 0.05 … 0.0025).
    const beta = 1e-3;
    const m = 5;
    const windows: Array<[number, number]> = [
      [0, 500],
      [1500, 2600],
      [3000, 6000],
      [6000, 12000],
    ];
    const agents = 400;
    const { counts, actions } = simulate(beta, m, windows, agents);
    windows.forEach(([a, b], j) => {
      const { mean, variance } = moments(beta, a, b);
      const z = (counts[j]! - agents * mean) / Math.sqrt(agents * variance);
      expect(Math.abs(z), `window [${a}, ${b}): ${counts[j]} explorations, expected ${(agents * mean).toFixed(0)}`).toBeLessThan(4.5);
    });
    // Actions: chi-square with m − 1 = 4 degrees of freedom; 4 d.f. exceed 23 with probability 1e-4.
    const total = actions.reduce((x, y) => x + y, 0);
    const chi2 = actions.reduce((s, c) => s + (c - total / m) ** 2 / (total / m), 0);
    expect(chi2).toBeLessThan(23);
  });

  it('draws the next exploration period with the law of independent periods: P(none in [t, t + g)) = Π (1 − ε_k)', () => {
    // From t0 = 20,000 at β = 1e-4 (ε ≈ 0.135 … falling): the first exploration at or after t0.
    const decay = Math.exp(-1e-4);
    const t0 = 20_000;
    const draws = 20_000;
    const w = generatorState(createRng(99));
    const firsts = Array.from({ length: draws }, () => nextExploration(w, t0, decay, 1e12) - t0);
    for (const g of [1, 5, 10, 30]) {
      let none = 1;
      for (let k = t0; k < t0 + g; k++) none *= 1 - decay ** k;
      const observed = firsts.filter((f) => f >= g).length / draws;
      const se = Math.sqrt((none * (1 - none)) / draws);
      expect(Math.abs(observed - none), `gap ≥ ${g}: ${observed.toFixed(4)} vs ${none.toFixed(4)}`).toBeLessThan(4.5 * se);
    }
  });

  it('stops exploring once no exploration could come before the end', () => {
    // At β = 0.5 and t = 100, ε_t = e^−50 ≈ 2e-22: Σ ε below 2^−53, so "never".
    const w = generatorState(createRng(1));
    expect(nextExploration(w, 100, Math.exp(-0.5), 1000)).toBe(1000);
  });
});
