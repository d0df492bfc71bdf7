/** The tornado chart of a sensitivity analysis: bars worked out by hand from a few rows, the spec validates and renders. */
import { describe, expect, it } from 'vitest';
import { inputSensitivityChart, inputTornadoBars, sensitivityTable } from '../../src/report/charts/sensitivity-inputs.ts';
import { renderSvg } from '../../src/report/render.ts';
import { vegaLiteSchemaErrors } from '../../src/report/validate.ts';
import type { SensitivityRow } from '../../src/report/rows.ts';

const row = (
  input: string | null,
  level: SensitivityRow['level'],
  value: number | null,
  survival: number,
  price: number | null,
  profit: number,
): SensitivityRow => ({
  input,
  level,
  value,
  provider: 'S',
  runs: 10,
  survivalProbability: survival,
  meanFinalPriceUsd: price,
  meanProfitUsdPerPeriod: profit,
});
// Cost: higher cost (p90 = 2) gives lower survival and profit; cash moves survival only.
const rows = [
  row(null, 'central', null, 0.5, 1, 0),
  row('cost', 'low', 0.5, 0.9, 0.8, 10),
  row('cost', 'high', 2, 0.1, 1.5, -20),
  row('cash', 'low', 1, 0.4, 1, 0),
  row('cash', 'high', 9, 0.6, 1, 0),
];

describe('inputTornadoBars', () => {
  it('spans the outcomes at p10 and p90, naming the input value at each end', () => {
    const bars = inputTornadoBars(rows);
    expect(bars.find((b) => b.metric === 'survival probability' && b.parameter === 'cost')).toMatchObject({ low: 0.1, atLow: 2, high: 0.9, atHigh: 0.5 });
    expect(bars.find((b) => b.metric === 'mean profit per period' && b.parameter === 'cost')).toMatchObject({ low: -20, high: 10, swing: 30 });
    expect(bars.find((b) => b.metric === 'mean final price' && b.parameter === 'cash')).toMatchObject({ low: 1, high: 1, swing: 0 });
    expect(bars).toHaveLength(3 * 2);
  });
  it('lists the baseline as "(all central)" in the table, puts cost on top, and renders', async () => {
    expect(sensitivityTable(rows)[0]).toMatchObject({ input: '(all central)', level: 'central', value: null });
    const spec = inputSensitivityChart(rows, 'USD per 1M tokens') as unknown as { hconcat: Array<{ spec: { encoding: { y: { sort: string[] } } } }> };
    expect(spec.hconcat).toHaveLength(3);
    expect(spec.hconcat[0]?.spec.encoding.y.sort).toEqual(['cost', 'cash']);
    expect(vegaLiteSchemaErrors(inputSensitivityChart(rows))).toEqual([]);
    expect(await renderSvg(inputSensitivityChart(rows))).toContain('<svg');
  });
});
