/**
 * Calvano et al. (2020, AER 110(10)), Section V.B and the impulse-response figure: after a
 * forced one-period deviation, learned collusive strategies punish it (the rival's price
 * falls) and play returns to the pre-deviation prices within a few periods. Checked on real
 * baseline sessions (scenarios/calvano-baseline.yaml, β = 4e-6, ~0.3 s of CPU each).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { simulateRuns, assembleSimulation } from '../../src/market/montecarlo.ts';
import { logitSharesAt } from '../../src/market/equilibrium.ts';
import { impulseResponse } from '../../src/market/impulse.ts';
import { trainQLearning } from '../../src/market/qlearning.ts';
import { createRng } from '../../src/util/rng.ts';

const file = 'scenarios/calvano-baseline.yaml';
const scenario = parseScenario(readFileSync(file, 'utf8'), file);
const market = { quality: [2, 2], marginalCostUsd: [1, 1], mu: 0.25, outsideQuality: 0 };
// Four baseline sessions (the scenario's seed, runs 0–3), trained once for the whole file.
const runs = simulateRuns(scenario, new Map(), [0, 1, 2, 3], 2);
const key = (prices: readonly number[]) => prices.map((p) => p.toFixed(9)).join(',');

describe('impulse response (Calvano et al. 2020)', () => {
  it('on the baseline, the rival punishes a forced deviation and play returns to the limit cycle within 10 periods', () => {
    for (const r of runs) {
      const l = r.learning!;
      expect(l.converged).toBe(true);
      const ir = l.impulseResponse;
      expect(ir.deviator).toBe(0);
      expect(ir.pricesUsd).toHaveLength(16);
      // The rival's price falls below its pre-deviation price in the periods right after the deviation.
      const rivalAfter = Math.min(...ir.pricesUsd.slice(1, 4).map((p) => p[1]!));
      expect(rivalAfter).toBeLessThan(ir.preDeviationPricesUsd[1]!);
      // Back on the limit cycle (computed separately, from where training ended) within about 10 periods, and staying there.
      const cycle = new Set(l.cyclePricesUsd.map(key));
      expect(ir.periodsToReturn).not.toBeNull();
      expect(ir.periodsToReturn!).toBeLessThanOrEqual(10);
      for (const p of ir.pricesUsd.slice(10)) expect(cycle.has(key(p))).toBe(true);
      expect(cycle.has(key(ir.preDeviationPricesUsd))).toBe(true);
    }
    // Averaged over sessions as in the paper's figure: the rival's price one period after the deviation is below its pre-deviation average.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(runs.map((r) => r.learning!.impulseResponse.pricesUsd[1]![1]!))).toBeLessThan(
      mean(runs.map((r) => r.learning!.impulseResponse.preDeviationPricesUsd[1]!)),
    );
  });

  it('the deviation is the static best response on the grid to the rival price of that period (by hand from logit shares)', () => {
    for (const r of runs) {
      const ir = r.learning!.impulseResponse;
      const [deviation, rival] = ir.pricesUsd[0] as [number, number];
      // The baseline grid: 15 points from 1.472927 − 0.1·0.452054 to 1.924981 + 0.1·0.452054 (Nash and monopoly prices of the paper).
      const grid = Array.from({ length: 15 }, (_, k) => 1.472927 - 0.0452054 + (0.452054 * 1.2 * k) / 14);
      const profit = (p: number) => (logitSharesAt(market, [p, rival])[0] as number) * (p - 1);
      const best = grid.reduce((b, p) => (profit(p) > profit(b) ? p : b), grid[0]!);
      expect(deviation).toBeCloseTo(best, 5);
      expect(ir.profitsUsd[0]![0]).toBeCloseTo(profit(best), 5);
    }
  });

  it('publishes the paths as tidy rows: run × period (−1 … 15) × provider', () => {
    const result = assembleSimulation(scenario, new Map(), runs, 2);
    expect(result.impulseRows).toHaveLength(4 * 17 * 2);
    const row = result.impulseRows.find((x) => x.run === 1 && x.period === 1 && x.provider === 'agent-2')!;
    expect(row.deviator).toBe(false);
    expect(row.priceUsd).toBe(runs[1]!.learning!.impulseResponse.pricesUsd[1]![1]);
    expect(row.preDeviationPriceUsd).toBe(runs[1]!.learning!.impulseResponse.preDeviationPricesUsd[1]);
    expect(result.impulseRows.filter((x) => x.period === -1).every((x) => x.priceUsd === x.preDeviationPriceUsd)).toBe(true);
  });

  it('any agent can be the deviator; an agent index out of range is refused', () => {
    const short = { ...market, m: 5, xi: 0.1, alpha: 0.15, beta: 1e-3, delta: 0.95, convergencePeriods: 2_000, maxPeriods: 200_000 };
    const learned = trainQLearning(short, createRng(3));
    const ir = impulseResponse(learned, 1, 5);
    expect(ir.deviator).toBe(1);
    expect(ir.pricesUsd).toHaveLength(6);
    expect(() => impulseResponse(learned, 2)).toThrow(/deviator must be an agent index 0–1/);
  });
});
