/**
 * Charts of two scenarios side by side (`costsim compare`): each provider's median price, share,
 * survival and cash per period with both scenarios' series in one panel (colour = provider,
 * line style = scenario), and the per-provider differences b − a. All market figures are
 * modeled (simulated). Pure: two results in, built charts out.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Comparison } from '../compare.ts';
import type { ReportResults } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, periodAxis, quantity, tip, topLevel } from './common.ts';
import type { BuiltChart, TableRow } from './index.ts';

/** The two sides' labels, as the page and the legends show them. */
export interface ComparedSides {
  a: string;
  b: string;
}

/** Solid for side a, dashed for side b. */
const SIDE_DASH: number[][] = [
  [1, 0],
  [6, 4],
];

interface SeriesSpec {
  id: string;
  title: string;
  subtitle: string;
  field: string;
  axisTitle: string;
  format: string;
  rows: (r: ReportResults) => ReadonlyArray<{ period: number; provider: string } & Record<string, unknown>> | undefined;
  domain?: [number, number];
}

/** One per-period series of both sides as tidy rows: scenario, provider, period, value. */
function seriesTable(a: ReportResults, b: ReportResults, sides: ComparedSides, s: SeriesSpec): TableRow[] {
  const table: TableRow[] = [];
  for (const [side, results] of [
    [sides.a, a],
    [sides.b, b],
  ] as const) {
    for (const row of s.rows(results) ?? []) {
      const value = row[s.field];
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      table.push({ scenario: side, provider: row.provider, period: row.period, [s.field]: value });
    }
  }
  return table;
}

function seriesChart(table: TableRow[], sides: ComparedSides, s: SeriesSpec, calendarOf: ReportResults): TopLevelSpec {
  const providers = distinct(table, (r) => String(r['provider']));
  const calendar = { ...(calendarOf.scenario.periodDays !== undefined ? { periodDays: calendarOf.scenario.periodDays } : {}) };
  return topLevel(
    { title: s.title, subtitle: s.subtitle },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: table },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: periodAxis(calendar),
        y: quantity(s.field, s.axisTitle, { axis: { format: s.format }, ...(s.domain ? { scale: { domain: s.domain } } : {}) }),
        color: categoryColour('provider', 'provider', providers),
        strokeDash: {
          field: 'scenario',
          type: 'nominal',
          title: 'scenario',
          scale: { domain: [sides.a, sides.b], range: SIDE_DASH },
        },
        detail: { field: 'scenario', type: 'nominal' },
        tooltip: [tip('scenario', 'scenario'), tip('provider', 'provider'), tip('period', 'period'), tip(s.field, s.axisTitle, s.format)],
      },
    },
  );
}

/** How each compared metric is named on the chart. */
const METRIC_LABELS: Record<Comparison['numbers'][number]['metric'], string> = {
  survivalProbability: 'survival (share of runs)',
  finalMedianPriceUsd: 'final median price',
  finalShare: 'final share of units sold',
  finalCashUsd: 'final cash',
  nashPriceUsd: 'Nash price',
};

/** Relative differences (b − a) ÷ |a| per provider and metric, as horizontal bars. */
function differencesChart(comparison: Comparison, sides: ComparedSides): { spec: TopLevelSpec; table: TableRow[] } | undefined {
  const table: TableRow[] = comparison.numbers
    .filter((n) => n.relativeDifference !== null)
    .map((n) => ({
      provider: n.provider,
      metric: METRIC_LABELS[n.metric],
      unit: n.unit,
      a: n.a,
      b: n.b,
      difference: n.difference,
      relativeDifference: n.relativeDifference,
    }));
  if (table.length === 0) return undefined;
  const providers = distinct(table, (r) => String(r['provider']));
  const spec = topLevel(
    {
      title: `What changes from ${sides.a} to ${sides.b}?`,
      subtitle: 'Each provider’s final-period figures in b relative to a: (b − a) ÷ |a| (modeled; a provider only one side has is left out).',
    },
    {
      data: { values: table },
      facet: { row: { field: 'metric', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } } },
      spacing: 8,
      spec: {
        width: CHART_WIDTH_PX - 120,
        height: { step: 16 },
        layer: [
          { mark: { type: 'rule', color: '#888' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
          {
            mark: { type: 'bar' },
            encoding: {
              y: { field: 'provider', type: 'nominal', title: null, sort: providers },
              x: quantity('relativeDifference', 'change, b relative to a', { axis: { format: '+.0%' } }),
              color: { ...categoryColour('provider', 'provider', providers), legend: null },
              tooltip: [
                tip('provider', 'provider'),
                tip('metric', 'metric'),
                tip('a', 'a'),
                tip('b', 'b'),
                tip('relativeDifference', 'change', '+.1%'),
                tip('unit', 'unit'),
              ],
            },
          },
        ],
      },
      resolve: { scale: { y: 'independent' } },
    },
  );
  return { spec, table };
}

/** The comparison's charts: the per-period series both sides have, then the differences. */
export function comparisonCharts(a: ReportResults, b: ReportResults, comparison: Comparison, sides: ComparedSides): BuiltChart[] {
  const unit = a.scenario.priceUnit ?? b.scenario.priceUnit ?? 'USD per unit';
  const series: SeriesSpec[] = [
    {
      id: 'compare-prices',
      title: 'Prices, both scenarios',
      subtitle: `Median price over Monte Carlo runs, per period (modeled); solid: ${sides.a}, dashed: ${sides.b}.`,
      field: 'medianPriceUsd',
      axisTitle: `median price (${unit})`,
      format: '$,.3~g',
      rows: (r) => r.rows.priceBands as never,
    },
    {
      id: 'compare-shares',
      title: 'Shares, both scenarios',
      subtitle: `Share of units sold, mean over runs (modeled); solid: ${sides.a}, dashed: ${sides.b}.`,
      field: 'share',
      axisTitle: 'share of units sold (%)',
      format: '.0%',
      rows: (r) => r.rows.shares as never,
      domain: [0, 1],
    },
    {
      id: 'compare-survival',
      title: 'Survival, both scenarios',
      subtitle: `Share of Monte Carlo runs in which each provider is still in the market (modeled); solid: ${sides.a}, dashed: ${sides.b}.`,
      field: 'survivalProbability',
      axisTitle: 'surviving (share of runs)',
      format: '.0%',
      rows: (r) => r.rows.survival as never,
      domain: [0, 1],
    },
    {
      id: 'compare-cash',
      title: 'Cash on hand, both scenarios',
      subtitle: `Median cash over runs (modeled); a provider at zero has left the market; solid: ${sides.a}, dashed: ${sides.b}.`,
      field: 'cashUsd',
      axisTitle: 'cash on hand (USD)',
      format: '$,.2~s',
      rows: (r) => r.rows.profit as never,
    },
  ];
  const charts: BuiltChart[] = [];
  for (const s of series) {
    const table = seriesTable(a, b, sides, s);
    if (table.length === 0) continue;
    charts.push({ id: s.id, section: 'market', title: s.title, spec: seriesChart(table, sides, s, a), table, provenance: ['modeled'] });
  }
  const diff = differencesChart(comparison, sides);
  if (diff)
    charts.push({ id: 'compare-differences', section: 'market', title: `What changes from ${sides.a} to ${sides.b}?`, ...diff, provenance: ['modeled'] });
  return charts;
}
