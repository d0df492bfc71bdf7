import { describe, expect, it } from 'vitest';
import { priceGrid, trainQLearning } from '../../src/market/qlearning.ts';
import { createRng } from '../../src/util/rng.ts';

// Calvano et al. (2020) baseline except beta: 4e-5 instead of 4e-6, so sessions converge in
// ~10^5 instead of ~10^6 periods (the paper's Figure on beta shows collusion persists there).
const spec = { quality: [2, 2], marginalCostUsd: [1, 1], mu: 0.25, outsideQuality: 0, m: 15, xi: 0.1, alpha: 0.15, beta: 4e-5, delta: 0.95, convergencePeriods: 100_000, maxPeriods: 3_000_000 };

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
});
