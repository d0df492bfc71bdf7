import { describe, expect, it } from 'vitest';
import { priceGrid, qLearningCells, trainQLearning } from '../../src/market/qlearning.ts';
import { logitCollusive, logitNash, logitSharesAt } from '../../src/market/equilibrium.ts';
import { createRng } from '../../src/util/rng.ts';

// Calvano et al. (2020) baseline except beta: 4e-5 instead of 4e-6, so sessions converge in
// ~10^5 instead of ~10^6 periods (the paper's Figure on beta shows collusion persists there).
const spec = {
  quality: [2, 2],
  marginalCostUsd: [1, 1],
  mu: 0.25,
  outsideQuality: 0,
  m: 15,
  xi: 0.1,
  alpha: 0.15,
  beta: 4e-5,
  delta: 0.95,
  convergencePeriods: 100_000,
  maxPeriods: 3_000_000,
};

describe('Q-learning (Calvano et al. 2020)', () => {
  it('builds the m-point grid from p^N − ξ(p^M − p^N) to p^M + ξ(p^M − p^N)', () => {
    const g = priceGrid(1.472927, 1.924981, 15, 0.1);
    expect(g).toHaveLength(15);
    expect(g[0]).toBeCloseTo(1.472927 - 0.1 * 0.452054, 6);
    expect(g[14]).toBeCloseTo(1.924981 + 0.1 * 0.452054, 6);
  });

  it('converges (greedy policies unchanged for 100,000 periods) to supra-competitive profits', () => {
    const gains = [1, 2, 3].map((seed) => {
      const r = trainQLearning(spec, createRng(seed));
      expect(r.converged).toBe(true);
      expect(r.periods).toBeGreaterThanOrEqual(100_000);
      expect(r.nashProfit[0]).toBeCloseTo(0.222927, 6);
      expect(r.monopolyProfit[0]).toBeCloseTo(0.33749, 5);
      // Greedy prices on the limit cycle lie on the grid, above the one-shot Nash price's grid neighbour.
      for (const step of r.cycle.prices) for (const p of step) expect(r.grids[0]).toContain(p);
      return r.profitGain.reduce((a, b) => a + b, 0) / 2;
    });
    const mean = gains.reduce((a, b) => a + b, 0) / gains.length;
    // Δ = 0 is Nash, 1 is joint-profit; the paper's baseline average is ≈ 0.85.
    expect(mean).toBeGreaterThan(0.3);
    expect(mean).toBeLessThan(1.05);
  });

  it('is deterministic given the seed', () => {
    const short = { ...spec, maxPeriods: 20_000 };
    const a = trainQLearning(short, createRng(9));
    const b = trainQLearning(short, createRng(9));
    expect(a.finalState).toBe(b.finalState);
    expect([...(a.policies[0] as Int32Array)]).toEqual([...(b.policies[0] as Int32Array)]);
  });

  it('gives each agent its own grid: m and ξ per agent (p^N − ξ_i(p^M − p^N) to p^M + ξ_i(p^M − p^N), m_i points)', () => {
    const agents = [
      { alpha: 0.15, beta: 1e-3, delta: 0.95, m: 7, xi: 0.1 },
      { alpha: 0.15, beta: 1e-3, delta: 0.95, m: 4, xi: 0.5 },
    ];
    const r = trainQLearning({ ...spec, agents, convergencePeriods: 2_000, maxPeriods: 300_000 }, createRng(4));
    // The paper's baseline Nash and monopoly prices (Calvano et al. 2020): 1.472927 and 1.924981.
    expect(r.grids[0]).toHaveLength(7);
    expect(r.grids[1]).toHaveLength(4);
    expect(r.grids[1]![0]).toBeCloseTo(1.472927 - 0.5 * 0.452054, 5);
    expect(r.grids[1]![3]).toBeCloseTo(1.924981 + 0.5 * 0.452054, 5);
    expect(r.strides).toEqual([1, 7]);
    expect(r.policies[0]).toHaveLength(28);
    for (const step of r.cycle.prices) {
      expect(r.grids[0]).toContain(step[0]);
      expect(r.grids[1]).toContain(step[1]);
    }
    expect(qLearningCells([7, 4])).toBe(28 * 11);
  });

  it('trains five agents, each with its own α: one with α ≈ 0 keeps the argmax of its Q0 (mean profit against uniform rivals, by hand)', () => {
    const n = 5;
    const market = { quality: Array(n).fill(2), marginalCostUsd: Array(n).fill(1), mu: 0.25, outsideQuality: 0 };
    const agents = Array.from({ length: n }, (_, i) => ({ alpha: i === 4 ? 1e-12 : 0.15, beta: 2e-3, delta: 0.95, m: 3, xi: 0.1 }));
    const r = trainQLearning(
      { ...market, m: 3, xi: 0.1, alpha: 0.15, beta: 2e-3, delta: 0.95, agents, convergencePeriods: 1_000, maxPeriods: 400_000 },
      createRng(5),
    );
    expect(r.converged).toBe(true);
    expect(r.grids).toHaveLength(5);
    const grid = priceGrid(logitNash(market)[0]!.price, logitCollusive(market)[0]!.price, 3, 0.1);
    // Q0 of the last agent: its profit averaged over the 3^4 rival price profiles.
    const q0 = grid.map((p) => {
      let sum = 0;
      for (let k = 0; k < 81; k++) {
        const rivals = [0, 1, 2, 3].map((j) => grid[Math.floor(k / 3 ** j) % 3]!);
        sum += (logitSharesAt(market, [...rivals, p])[4] as number) * (p - 1);
      }
      return sum;
    });
    const best = q0.indexOf(Math.max(...q0));
    expect([...r.policies[4]!].every((a) => a === best)).toBe(true);
    for (const step of r.cycle.prices) expect(step[4]).toBe(grid[best]);
  });
});
