/** The tornado chart of a grid sweep: bars worked out by hand from a small grid, and the spec renders. */
import { describe, expect, it } from 'vitest';
import { sensitivityChart, tornadoBars } from '../../src/report/charts/sensitivity.ts';
import { renderSvg } from '../../src/report/render.ts';
import type { GridSweepRow } from '../../src/report/rows.ts';

// 2 × 2 grid, one provider. Survival: 0.2, 0.6 (mu 0.1; cash 1, 3) and 0.4, 0.8 (mu 0.3).
const row = (point: number, mu: number, cash: number, survival: number, price: number | null): GridSweepRow => ({
  point,
  parameters: { 'demand.mu': mu, cash },
  provider: 'S',
  runs: 10,
  survivalProbability: survival,
  meanFinalPriceUsd: price,
  meanProfitUsdPerPeriod: 1,
});
const rows = [row(0, 0.1, 1, 0.2, 1), row(1, 0.1, 3, 0.6, 2), row(2, 0.3, 1, 0.4, 3), row(3, 0.3, 3, 0.8, null)];

describe('tornadoBars', () => {
  it('spans the one-way marginal means', () => {
    const bars = tornadoBars(rows);
    // mu: mean survival at 0.1 = (0.2+0.6)/2 = 0.4, at 0.3 = 0.6; cash: at 1 = 0.3, at 3 = 0.7.
    const survival = bars.filter((b) => b.metric === 'survival probability');
    expect(survival.find((b) => b.parameter === 'demand.mu')).toMatchObject({ atLow: 0.1, atHigh: 0.3 });
    expect(survival.find((b) => b.parameter === 'demand.mu')?.low).toBeCloseTo(0.4, 12);
    expect(survival.find((b) => b.parameter === 'demand.mu')?.high).toBeCloseTo(0.6, 12);
    expect(survival.find((b) => b.parameter === 'cash')?.swing).toBeCloseTo(0.4, 12);
    // Price: null skipped; mu 0.1 → (1+2)/2 = 1.5, mu 0.3 → 3; cash 1 → 2, cash 3 → 2.
    const price = bars.filter((b) => b.metric === 'mean final price');
    expect(price.find((b) => b.parameter === 'demand.mu')).toMatchObject({ low: 1.5, high: 3, swing: 1.5 });
    expect(price.find((b) => b.parameter === 'cash')).toMatchObject({ low: 2, high: 2, swing: 0 });
  });
  it('puts the number survival is most sensitive to on top, and renders', async () => {
    const spec = sensitivityChart(rows, 'USD per 1M tokens') as unknown as { hconcat: Array<{ spec: { encoding: { y: { sort: string[] } } } }> };
    expect(spec.hconcat[0]?.spec.encoding.y.sort).toEqual(['cash', 'demand.mu']);
    expect(await renderSvg(sensitivityChart(rows))).toContain('<svg');
  });
});
