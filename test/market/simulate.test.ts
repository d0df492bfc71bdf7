import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { logitSharesAt } from '../../src/market/equilibrium.ts';

const run = (text: string, runs = 1) => {
  const s = parseScenario(text, 't.yaml');
  return assembleSimulation(
    s,
    new Map(),
    simulateRuns(
      s,
      new Map(),
      Array.from({ length: runs }, (_, i) => i),
    ),
  );
};

describe('the period loop', () => {
  it('cost-plus providers: price c(1+m), quantities M·s, cash = start + Σ profit, exit when cash < 0', () => {
    const r = run(`
periods: 6
demand: { type: logit, mu: 0.5, outsideQuality: 0, marketSize: 10 }
providers:
  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0.5 }, initialPrice: 1.5, cash: 3, fixedCostPerPeriod: 3 }
  - { name: b, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0.5 }, initialPrice: 1.5 }
`);
    const s = logitSharesAt({ quality: [2, 2], marginalCostUsd: [1, 1], mu: 0.5, outsideQuality: 0 }, [1.5, 1.5])[0] as number;
    const profitA = 10 * s * 0.5 - 3;
    const a = r.rows.filter((row) => row.provider === 'a');
    expect(a[0]?.priceUsd).toBe(1.5);
    expect(a[0]?.quantityUnits).toBeCloseTo(10 * s, 12);
    expect(a[0]?.profitUsd).toBeCloseTo(profitA, 12);
    // Cash 3 with a loss each period: exits in the first period cash goes negative.
    const exit = Math.floor(3 / -profitA);
    expect(a[exit]?.alive).toBe(false);
    expect(a[exit - 1]?.alive).toBe(true);
    expect(a[exit + 1]?.priceUsd).toBeNull();
    expect(r.summary.providers[0]?.survivalProbability).toBe(0);
    expect(r.summary.providers[0]?.medianExitPeriod).toBe(exit);
    expect(r.rows.filter((row) => row.provider === 'b').every((row) => row.cashUsd === null)).toBe(true);
    // After a's exit b serves alone: HHI 10,000.
    expect(r.marketRows.at(-1)?.hhi).toBe(10_000);
  });

  it('entrants join at entersAt; learning curves and shocks move marginal cost', () => {
    const r = run(`
periods: 5
demand: { type: logit, mu: 0.25 }
providers:
  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0 }, costShocks: [{ atPeriod: 3, factor: 0.5 }] }
  - { name: b, quality: 2, marginalCost: 1, strategy: { type: matchLowest }, entersAt: 2, initialPrice: 1.7 }
`);
    const b = r.rows.filter((row) => row.provider === 'b');
    expect(b.map((row) => row.period)).toEqual([2, 3, 4]);
    expect(b[0]?.priceUsd).toBe(1.7);
    const a = r.rows.filter((row) => row.provider === 'a');
    expect(a.map((row) => row.marginalCostUsd)).toEqual([1, 1, 1, 0.5, 0.5]);
    // matchLowest follows a's price the period after, floored at its own cost (1).
    expect(b[2]?.priceUsd).toBe(1);
  });

  it('a predator prices below cost while a rival lives, then recoups at the best response', () => {
    const r = run(`
periods: 30
demand: { type: logit, mu: 0.25, marketSize: 100 }
providers:
  - { name: predator, quality: 2, marginalCost: 1, initialPrice: 0.8, strategy: { type: predatory, markup: -0.2 } }
  - { name: prey, quality: 2, marginalCost: 1, initialPrice: 1.1, cash: 5, fixedCostPerPeriod: 3, strategy: { type: costPlus, markup: 0.1 } }
`);
    const predator = r.rows.filter((row) => row.provider === 'predator');
    const exit = r.rows.find((row) => row.provider === 'prey' && !row.alive)?.period as number;
    expect(exit).toBeGreaterThan(0);
    expect(predator[1]?.priceUsd).toBeCloseTo(0.8, 12);
    // Alone, the best response is the monopoly price: p − c = mu / (1 − s) with s its own share.
    const p = predator[exit + 2]?.priceUsd as number;
    const s = logitSharesAt({ quality: [2], marginalCostUsd: [1], mu: 0.25, outsideQuality: 0 }, [p])[0] as number;
    expect((p - 1) * (1 - s)).toBeCloseTo(0.25, 8);
  });

  it('gives identical output for identical seeds, and different draws for different runs', () => {
    const text = `
periods: 20
seed: 5
demand: { type: logit, mu: 0.3 }
providers:
  - { name: a, quality: { dist: normal, mean: 2, sd: 0.2 }, marginalCost: 1, strategy: { type: bestResponse } }
  - { name: b, quality: 2, marginalCost: { dist: lognormal, median: 1, sigma: 0.1 }, strategy: { type: edgeworth, step: 0.1 } }
`;
    const first = JSON.stringify(run(text, 3));
    expect(JSON.stringify(run(text, 3))).toBe(first);
    const rows = run(text, 3).rows;
    expect(rows.find((r) => r.run === 0)?.priceUsd).not.toBe(rows.find((r) => r.run === 1)?.priceUsd);
  });

  it('an Edgeworth pair cycles: undercut down to the floor, then relent', () => {
    const r = run(`
periods: 40
demand: { type: logit, mu: 0.05 }
providers:
  - { name: a, quality: 2, marginalCost: 1, initialPrice: 1.8, strategy: { type: edgeworth, step: 0.1, relentPrice: 1.8 } }
  - { name: b, quality: 2, marginalCost: 1, initialPrice: 1.7, strategy: { type: edgeworth, step: 0.1, relentPrice: 1.8 } }
`);
    const prices = r.rows.filter((row) => row.provider === 'a').map((row) => row.priceUsd as number);
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(1);
    expect(Math.min(...prices)).toBeLessThan(1.2);
    expect(prices.filter((p, i) => i > 0 && p > (prices[i - 1] as number)).length).toBeGreaterThanOrEqual(2);
  });
});
