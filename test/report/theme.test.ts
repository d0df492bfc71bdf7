/**
 * One encoding of measured / modeled / assumed across every chart (src/report/theme.ts): every
 * data line is either dashed by a provenance scale that is the theme's, or drawn with the
 * theme's fixed dash for the one kind the chart shows; guides are grey and solid. Every mark has
 * a tooltip, every positional quantitative axis names its unit, and every chart with a colour
 * legend has a legend-bound filter.
 */
import { describe, expect, it } from 'vitest';
import { buildCharts } from '../../src/report/charts/index.ts';
import { GUIDE_COLOUR, LEGEND_PARAM, PROVENANCE_DASH, PROVENANCE_DOMAIN } from '../../src/report/theme.ts';
import { fixtureRows } from './fixtures.ts';

type Json = Record<string, unknown>;
const charts = buildCharts(fixtureRows(7), { priceUnit: 'USD per million tokens', calendar: { periodDays: 30, start: '2024-05-01' } });

function units(spec: Json, out: Json[] = []): Json[] {
  if (spec['mark'] !== undefined) out.push(spec);
  for (const key of ['layer', 'hconcat', 'vconcat', 'concat']) for (const child of (spec[key] as Json[] | undefined) ?? []) units(child, out);
  if (spec['spec']) units(spec['spec'] as Json, out);
  return out;
}
const markOf = (u: Json): Json => (typeof u['mark'] === 'string' ? { type: u['mark'] } : (u['mark'] as Json));
const enc = (u: Json): Json => (u['encoding'] as Json | undefined) ?? {};
const dashOf = (kind: string) => PROVENANCE_DASH[PROVENANCE_DOMAIN.indexOf(kind as never)];

describe('theme: one measured/modeled/assumed encoding in every chart', () => {
  it('draws every data line with the theme dash of its provenance', () => {
    let checked = 0;
    for (const chart of charts) {
      for (const unit of units(chart.spec as unknown as Json)) {
        const mark = markOf(unit);
        const line =
          mark['type'] === 'line' || mark['type'] === 'rule'
            ? mark
            : mark['type'] === 'area' && typeof mark['line'] === 'object'
              ? (mark['line'] as Json)
              : undefined;
        if (!line) continue;
        if (mark['color'] === GUIDE_COLOUR) {
          expect(line['strokeDash'], `${chart.id}: guides are solid`).toBeUndefined();
          continue;
        }
        checked++;
        const dash = enc(unit)['strokeDash'] as Json | undefined;
        if (dash) {
          expect(dash['field'], chart.id).toBe('provenance');
          expect((dash['scale'] as Json)['range'], chart.id).toEqual(PROVENANCE_DASH);
          continue;
        }
        const kinds = chart.provenance;
        expect(kinds.length, `${chart.id}: a fixed dash needs a chart of one kind`).toBe(1);
        const fixed = (line['strokeDash'] as number[] | undefined) ?? [1, 0];
        expect(fixed, `${chart.id}: ${kinds[0]} lines`).toEqual(dashOf(kinds[0] as string));
      }
    }
    expect(checked).toBeGreaterThan(12);
  });

  it('draws modeled medians dashed in market-prices, market-equilibrium and market-profit alike', () => {
    for (const id of ['market-prices', 'market-equilibrium', 'market-profit']) {
      const chart = charts.find((c) => c.id === id);
      const lines = units(chart?.spec as unknown as Json).filter(
        (u) => markOf(u)['type'] === 'line' && /"field":"(medianPriceUsd|priceUsd|profitUsd|cashUsd)"/.test(JSON.stringify(enc(u)['y'])),
      );
      expect(lines.length, id).toBeGreaterThan(0);
      for (const u of lines) {
        const dashed =
          JSON.stringify(markOf(u)['strokeDash']) === JSON.stringify(dashOf('modeled')) ||
          (enc(u)['strokeDash'] as Json | undefined)?.['field'] === 'provenance';
        expect(dashed, id).toBe(true);
      }
    }
  });

  it('draws each provider’s marginal cost on the price and equilibrium charts', () => {
    for (const id of ['market-prices', 'market-equilibrium']) {
      const chart = charts.find((c) => c.id === id);
      expect(JSON.stringify(chart?.spec), id).toContain('medianMarginalCostUsd');
      expect(chart?.provenance, id).toContain('assumed'); // the fixture's Incumbent cost is given
    }
  });

  it('puts a tooltip on every mark', () => {
    for (const chart of charts) {
      for (const unit of units(chart.spec as unknown as Json)) {
        expect(enc(unit)['tooltip'] !== undefined || markOf(unit)['tooltip'] !== undefined, `${chart.id}: ${JSON.stringify(markOf(unit))}`).toBe(true);
      }
    }
  });

  it('names a unit on every positional quantitative axis, and the period length on period axes', () => {
    for (const chart of charts) {
      for (const unit of units(chart.spec as unknown as Json)) {
        for (const channel of ['x', 'y']) {
          const e = enc(unit)[channel] as Json | undefined;
          if (!e || e['type'] !== 'quantitative' || e['title'] === undefined) continue;
          const title = ([] as string[]).concat(e['title'] as string | string[]).join(' ');
          expect(title, `${chart.id}.${channel}`).toMatch(/\(.+\)|\b(seconds|USD|GiB|MiB)\b/);
          if (e['field'] === 'period') expect(title).toBe('period (30 days each, from 2024-05-01)');
        }
      }
    }
  });

  it('binds a filter to the colour legend of every chart that has one', () => {
    for (const chart of charts) {
      const text = JSON.stringify(chart.spec);
      const hasLegend = units(chart.spec as unknown as Json).some((u) => {
        const c = enc(u)['color'] as Json | undefined;
        return c?.['field'] !== undefined && c['legend'] !== null;
      });
      if (!hasLegend || chart.id === 'market-survival') continue;
      expect(text, chart.id).toContain(`"name":"${LEGEND_PARAM}"`);
      expect(text, chart.id).toContain('"bind":"legend"');
    }
  });
});
