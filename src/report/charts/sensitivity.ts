/**
 * Sensitivity (tornado) chart of a grid sweep (`simulate --sweep`): for each swept scenario
 * number and each provider, how far its survival probability and its mean final price move
 * as that number runs over its values, the other swept numbers averaged over (one-way
 * marginal means over the grid). Longest bar on top: the number the outcome is most
 * sensitive to. All figures modeled. Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { GridSweepRow } from '../rows.ts';
import { CHART_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, quantity, tip, topLevel } from './common.ts';

/** One bar: the range of one metric's marginal means as one parameter varies, for one provider. */
export interface TornadoBar {
  metric: 'survival probability' | 'mean final price' | 'mean profit per period';
  provider: string;
  parameter: string;
  low: number;
  high: number;
  /** high − low. */
  swing: number;
  /** The parameter's values at which the low and the high marginal means occur. */
  atLow: number;
  atHigh: number;
}

const METRICS = [
  { metric: 'survival probability', of: (r: GridSweepRow) => r.survivalProbability },
  { metric: 'mean final price', of: (r: GridSweepRow) => r.meanFinalPriceUsd },
] as const;

/** The tornado bars of grid rows (parameters taken from the first row; metrics with no value at some parameter value are left out). */
export function tornadoBars(rows: readonly GridSweepRow[]): TornadoBar[] {
  const parameters = Object.keys(rows[0]?.parameters ?? {});
  const providers = distinct(rows, (r) => r.provider);
  const bars: TornadoBar[] = [];
  for (const { metric, of } of METRICS) {
    for (const provider of providers) {
      for (const parameter of parameters) {
        const mine = rows.filter((r) => r.provider === provider);
        const values = [...new Set(mine.map((r) => r.parameters[parameter] as number))];
        const means = values.map((v) => {
          const xs = mine.filter((r) => r.parameters[parameter] === v).flatMap((r) => (of(r) === null ? [] : [of(r) as number]));
          return { v, mean: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null };
        });
        if (means.length === 0 || means.some((m) => m.mean === null)) continue;
        const lowest = means.reduce((a, b) => ((b.mean as number) < (a.mean as number) ? b : a));
        const highest = means.reduce((a, b) => ((b.mean as number) > (a.mean as number) ? b : a));
        const low = lowest.mean as number;
        const high = highest.mean as number;
        bars.push({ metric, provider, parameter, low, high, swing: high - low, atLow: lowest.v, atHigh: highest.v });
      }
    }
  }
  return bars;
}

/** The grid rows as the chart's CSV: one flat row per grid point × provider, a column per swept number. */
export function gridSweepTable(rows: readonly GridSweepRow[]): Array<Record<string, string | number | null>> {
  return rows.map((r) => ({
    point: r.point,
    ...r.parameters,
    provider: r.provider,
    runs: r.runs,
    survivalProbability: r.survivalProbability,
    meanFinalPriceUsd: r.meanFinalPriceUsd,
    meanProfitUsdPerPeriod: r.meanProfitUsdPerPeriod,
  }));
}

/** Tornado chart: survival probability (left) and mean final price (right), a row of bars per provider. */
export function sensitivityChart(rows: readonly GridSweepRow[], priceUnit = 'USD per unit'): TopLevelSpec {
  const bars = tornadoBars(rows);
  const providers = distinct(rows, (r) => r.provider);
  return topLevel(
    {
      title: 'What moves survival and prices?',
      subtitle:
        'Each bar spans the mean outcome over the grid as one swept number runs over its values (the others averaged over); longest on top. Monte Carlo means, modeled.',
    },
    {
      data: { values: bars },
      hconcat: [
        tornadoPanel(bars, providers, 'survival probability', 'survival probability (0–1)', { scale: { domain: [0, 1] }, axis: { format: '.0%' } }, '.0%'),
        tornadoPanel(bars, providers, 'mean final price', `mean final price (${priceUnit})`, { scale: { zero: false } }, '.4~g'),
      ],
    },
  );
}

/** One panel of a tornado chart: `metric`'s bars, a row per provider, parameters ordered by their largest survival swing (then price swing), largest first. */
export function tornadoPanel(
  bars: readonly TornadoBar[],
  providers: readonly string[],
  metric: TornadoBar['metric'],
  title: string,
  extra: Record<string, unknown>,
  format: string,
  layout: { widthPx?: number; labelLimitPx?: number } = {},
): Record<string, unknown> {
  const swingOf = (parameter: string, m: TornadoBar['metric']) =>
    Math.max(0, ...bars.filter((b) => b.parameter === parameter && b.metric === m).map((b) => b.swing));
  const parameters = [...new Set(bars.map((b) => b.parameter))].sort(
    (a, b) =>
      swingOf(b, 'survival probability') - swingOf(a, 'survival probability') ||
      swingOf(b, 'mean final price') - swingOf(a, 'mean final price') ||
      a.localeCompare(b),
  );
  return {
    transform: [{ filter: { field: 'metric', equal: metric } }],
    facet: { row: { field: 'provider', type: 'nominal', title: null, sort: providers, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } } },
    spacing: 6,
    spec: {
      width: layout.widthPx ?? Math.round(CHART_WIDTH_PX / 2),
      height: { step: 18 },
      encoding: {
        y: {
          field: 'parameter',
          type: 'nominal',
          title: null,
          sort: parameters,
          ...(layout.labelLimitPx ? { axis: { labelLimit: layout.labelLimitPx } } : {}),
        },
        color: { ...categoryColour('provider', 'provider', providers), legend: null },
        tooltip: [
          tip('provider', 'provider'),
          tip('parameter', 'swept number'),
          tip('low', 'lowest mean', format),
          tip('atLow', 'at value', '~g'),
          tip('high', 'highest mean', format),
          tip('atHigh', 'at value', '~g'),
        ],
      },
      // The bar spans low–high; ticks at both ends keep a swing of zero (no effect) visible.
      layer: [
        { mark: { type: 'bar', cornerRadius: 2, opacity: 0.8 }, encoding: { x: quantity('low', title, extra), x2: { field: 'high' } } },
        { mark: { type: 'tick', thickness: 2 }, encoding: { x: { field: 'low', type: 'quantitative' } } },
        { mark: { type: 'tick', thickness: 2 }, encoding: { x: { field: 'high', type: 'quantitative' } } },
      ],
    },
  };
}
