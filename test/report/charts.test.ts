import { describe, expect, it } from 'vitest';
import { buildCharts, CHART_IDS } from '../../src/report/charts/index.ts';
import { wrapText } from '../../src/report/charts/common.ts';
import { paretoChart } from '../../src/report/charts/pareto.ts';
import { priceBandsChart } from '../../src/report/charts/market-prices.ts';
import { vegaLiteSchemaErrors } from '../../src/report/validate.ts';
import { formatSpec } from '../../src/report/write.ts';
import { fixtureRows } from './fixtures.ts';

const charts = buildCharts(fixtureRows(7), { priceUnit: 'USD per million tokens', calendar: { periodDays: 30, start: '2024-05-01' } });

/** Every value of `key` anywhere in a JSON tree. */
function collect(node: unknown, key: string, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const item of node) collect(item, key, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) out.push(v);
      collect(v, key, out);
    }
  }
  return out;
}

describe('chart builders', () => {
  it('build every chart the issue lists when all rows are present', () => {
    expect(charts.map((c) => c.id)).toEqual([...CHART_IDS]);
    expect(charts).toHaveLength(18);
  });

  it('produce specs that validate against the Vega-Lite schema shipped in the vega-lite package', () => {
    for (const chart of charts) expect(vegaLiteSchemaErrors(chart.spec), chart.id).toEqual([]);
  });

  it('reject a broken spec (the validator is not vacuous)', () => {
    expect(vegaLiteSchemaErrors({ data: { values: [] }, mark: 'pointy' }).length).toBeGreaterThan(0);
    expect(vegaLiteSchemaErrors({ data: { values: [] }, mark: 'point', encoding: { x: { field: 'a', type: 'numeric' } } }).length).toBeGreaterThan(0);
  });

  it('give every chart a title, a subtitle, axis titles that name a unit or a fraction, and tooltips', () => {
    for (const chart of charts) {
      const title = chart.spec.title as { text: string; subtitle: string[] };
      expect(title.text.length, chart.id).toBeGreaterThan(5);
      expect(title.subtitle.length, chart.id).toBeGreaterThan(0);
      expect(collect(chart.spec, 'tooltip').length, chart.id).toBeGreaterThan(0);
      const axisTitles = collect(chart.spec, 'title')
        .map((t) => (Array.isArray(t) ? t.join(' ') : t))
        .filter((t): t is string => typeof t === 'string');
      expect(
        axisTitles.some((t) => /\(|seconds|accuracy|share|probability|period|k /.test(t)),
        chart.id,
      ).toBe(true);
    }
  });

  it('tell measured from modeled wherever both appear, with a legend (shape or dash scale over provenance)', () => {
    const mixed = charts.filter((c) => c.provenance.includes('measured') && c.provenance.includes('modeled'));
    expect(mixed.map((c) => c.id)).toContain('cost-to-accuracy');
    for (const chart of mixed) {
      const encodings = [
        ...collect(chart.spec, 'shape'),
        ...collect(chart.spec, 'strokeDash'),
        ...collect(chart.spec, 'opacity'),
        ...collect(chart.spec, 'mark'),
      ];
      const text = JSON.stringify(encodings);
      // Either a provenance-driven scale, or explicit measured/modeled wording in a legend or layer.
      expect(/"field":"provenance"|observed|predicted|measured/.test(text) || JSON.stringify(chart.spec).includes('(modeled'), chart.id).toBe(true);
    }
    const pareto = charts.find((c) => c.id === 'cost-to-accuracy');
    const shapes = collect(pareto?.spec, 'shape') as Array<{ field?: string; scale?: { domain: string[]; range: string[] } }>;
    const byProvenance = shapes.find((s) => s.field === 'provenance');
    expect(byProvenance?.scale?.domain).toEqual(['measured', 'modeled', 'assumed']);
    const [filled, hollow] = byProvenance?.scale?.range ?? [];
    expect(filled).toBe('circle');
    expect(hollow).not.toBe(filled);
  });

  it('keep a provider in the same colour in every market chart', () => {
    const scales = charts
      .filter((c) => c.section === 'market')
      .flatMap((c) => collect(c.spec, 'color') as Array<{ field?: string; scale?: { domain: string[]; range: string[] } }>)
      .filter((c) => c.field === 'provider' && c.scale);
    expect(scales.length).toBeGreaterThan(4);
    const first = JSON.stringify(scales[0]?.scale);
    for (const s of scales) expect(JSON.stringify(s.scale)).toBe(first);
  });

  it('put the price unit on the price axis', () => {
    const prices = charts.find((c) => c.id === 'market-prices');
    expect(JSON.stringify(prices?.spec)).toContain('USD per million tokens');
  });

  it('switch the price axis to log when prices span more than 20×, as a price war does', () => {
    const bands = [0, 1].map((period) => ({
      period,
      provider: 'a',
      lowPriceUsd: period ? 0.1 : 20,
      medianPriceUsd: period ? 0.2 : 30,
      highPriceUsd: period ? 0.3 : 40,
      lowPercentile: 10,
      highPercentile: 90,
    }));
    expect(JSON.stringify(priceBandsChart(bands))).toContain('"type":"log"');
    const narrow = bands.map((b) => ({ ...b, lowPriceUsd: 1, medianPriceUsd: 1.5, highPriceUsd: 2 }));
    expect(JSON.stringify(priceBandsChart(narrow))).not.toContain('"type":"log"');
  });

  it('draw only the charts whose rows are present', () => {
    const only = buildCharts({ pareto: fixtureRows().pareto, shares: [] });
    expect(only.map((c) => c.id)).toEqual(['cost-to-accuracy']);
    expect(buildCharts({})).toEqual([]);
  });

  it('are pure: same rows in, same spec out, input untouched', () => {
    const rows = fixtureRows(7);
    const before = JSON.stringify(rows);
    expect(JSON.stringify(buildCharts(rows))).toBe(JSON.stringify(buildCharts(fixtureRows(7))));
    expect(JSON.stringify(rows)).toBe(before);
    expect(JSON.stringify(paretoChart(rows.pareto ?? []))).toBe(JSON.stringify(paretoChart(rows.pareto ?? [])));
  });

  it('wrap subtitles at word boundaries', () => {
    expect(wrapText('aa bb cc dd', 5)).toEqual(['aa bb', 'cc dd']);
    expect(wrapText('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
    expect(wrapText('', 5)).toEqual([]);
  });

  for (const chart of charts) {
    it(`spec snapshot: ${chart.id}`, async () => {
      await expect(formatSpec(chart)).toMatchFileSnapshot(`__snapshots__/${chart.id}.vl.json`);
    });
  }
});
