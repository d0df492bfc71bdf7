/**
 * The flat-array kernel against a second method: the same algorithm written plainly (nested
 * arrays, the greedy action recomputed from the whole row every period, Rng.next() and
 * the exploration drawn by one Exploration per agent, the process
 * test/market/qlearning-exploration.test.ts checks against its law). Same seed → the same state,
 * policies and Q-values after every run length tried, so runKernel2's inlined exploration, the
 * cached argmax and its bound change nothing.
 */
import { describe, expect, it } from 'vitest';
import { priceGrid, trainQLearning } from '../../src/market/qlearning.ts';
import { logitCollusive, logitNash, logitSharesAt } from '../../src/market/equilibrium.ts';
import { Exploration } from '../../src/market/qlearning-kernel.ts';
import { createRng, generatorState, setGeneratorState, type Rng } from '../../src/util/rng.ts';

interface Agent {
  alpha: number;
  beta: number;
  delta: number;
  m: number;
  xi: number;
}

/** Plain Calvano et al. (2020) Q-learning, n agents, per-agent parameters; returns the last state and greedy policies. */
function plain(market: { quality: number[]; marginalCostUsd: number[]; mu: number; outsideQuality: number }, agents: Agent[], periods: number, rng: Rng) {
  const nash = logitNash(market);
  const mono = logitCollusive(market);
  const grids = agents.map((a, i) => priceGrid(nash[i]!.price, mono[i]!.price, a.m, a.xi));
  const m = agents.map((a) => a.m);
  const strides = m.map((_, i) => m.slice(0, i).reduce((x, y) => x * y, 1));
  const S = m.reduce((x, y) => x * y, 1);
  const actions = (A: number) => m.map((mi, i) => Math.floor(A / strides[i]!) % mi);
  const profit = (A: number, i: number) => {
    const p = actions(A).map((k, j) => grids[j]![k]!);
    return logitSharesAt(market, p)[i]! * (p[i]! - market.marginalCostUsd[i]!);
  };
  const Q = agents.map((ag, i) => {
    const q0 = new Array<number>(ag.m).fill(0);
    for (let A = 0; A < S; A++) {
      const k = actions(A)[i]!;
      q0[k] = q0[k]! + profit(A, i) / ((1 - ag.delta) * (S / ag.m));
    }
    return Array.from({ length: S }, () => [...q0]);
  });
  const argmax = (row: number[]) => row.reduce((best, v, k) => (v > row[best]! ? k : best), 0);
  let state = rng.int(S);
  const w = generatorState(rng);
  const explore = agents.map((ag) => new Exploration(w, Math.exp(-ag.beta), ag.m, periods));
  for (let t = 0; t < periods; t++) {
    const a = agents.map((ag, i) => {
      const x = explore[i]!.action(t);
      return x < 0 ? argmax(Q[i]![state]!) : x;
    });
    const next = a.reduce((s, k, i) => s + k * strides[i]!, 0);
    agents.forEach((ag, i) => {
      const row = Q[i]![state]!;
      row[a[i]!] = (1 - ag.alpha) * row[a[i]!]! + ag.alpha * (profit(next, i) + ag.delta * Math.max(...Q[i]![next]!));
    });
    state = next;
  }
  return { state, policies: Q.map((rows) => rows.map(argmax)) };
}

describe('Q-learning kernel', () => {
  it.each([
    [
      'the baseline, 2 agents (ε below 1/8 from period 20,795 on)',
      [2, 2],
      [1, 1],
      [0, 1].map(() => ({ alpha: 0.15, beta: 1e-4, delta: 0.95, m: 15, xi: 0.1 })),
      30_000,
    ],
    [
      '3 agents, each with its own α, β, δ, m, ξ',
      [2, 2.2, 1.8],
      [1, 1.1, 0.9],
      [
        { alpha: 0.1, beta: 1e-4, delta: 0.9, m: 5, xi: 0.1 },
        { alpha: 0.2, beta: 2e-4, delta: 0.95, m: 4, xi: 0.3 },
        { alpha: 0.3, beta: 5e-5, delta: 0.8, m: 6, xi: 0 },
      ],
      20_000,
    ],
  ])('plays exactly as the plain algorithm: %s', (_what, quality, marginalCostUsd, agents, periods) => {
    const market = { quality, marginalCostUsd, mu: 0.25, outsideQuality: 0 };
    const ref = plain(market, agents, periods, createRng(11));
    // convergencePeriods above maxPeriods: the kernel plays exactly `periods` periods.
    const r = trainQLearning({ ...market, ...agents[0]!, agents, convergencePeriods: periods + 1, maxPeriods: periods }, createRng(11));
    expect(r.periods).toBe(periods);
    expect(r.finalState).toBe(ref.state);
    r.policies.forEach((p, i) => expect([...p]).toEqual(ref.policies[i]));
  });

  it('hands the generator back where the inline steps left it: the draws continue the same stream', () => {
    const a = createRng(5);
    const b = createRng(5);
    for (let k = 0; k < 3; k++) a.next();
    setGeneratorState(b, generatorState(a));
    expect([b.next(), b.next()]).toEqual([a.next(), a.next()]);
  });
});
