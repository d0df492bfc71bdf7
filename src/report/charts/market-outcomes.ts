/** Market outcome charts: shares, profit and cash runway, survival probability. All figures modeled. */
import type { TopLevelSpec } from 'vega-lite';
import type { ProfitRow, ShareRow, SurvivalRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, PANEL_HEIGHT_PX, PANEL_WIDTH_PX, distinct, guideMark, provenanceDash } from '../theme.ts';
import { categoryColour, periodAxis, quantity, tip, topLevel, type PeriodCalendar } from './common.ts';

/** Cash spanning more than this ratio between providers goes on a symlog axis, so a small runway stays visible beside a war chest. */
const SYMLOG_CASH_RATIO = 30;

/** Linear cash axis, or symlog (linear near zero, logarithmic beyond `constant`) when cash spans orders of magnitude. */
export function cashScale(values: readonly number[]): Record<string, unknown> {
  const magnitudes = values.map(Math.abs).filter((v) => v > 0);
  if (magnitudes.length === 0) return {};
  const lo = Math.min(...magnitudes);
  const hi = Math.max(...magnitudes);
  if (hi / lo <= SYMLOG_CASH_RATIO) return {};
  // Below ~1/1000 of the largest amount the axis turns linear, so zero (exit) still has a place.
  return { type: 'symlog', constant: Number((hi / 1000).toPrecision(1)) };
}

/** Tick values for a symlog cash axis: zero and every power of ten from the linear threshold up. */
function symlogTicks(scale: Record<string, unknown>, values: readonly number[]): number[] | undefined {
  if (scale['type'] !== 'symlog') return undefined;
  const hi = Math.max(...values.map(Math.abs));
  const ticks = [0];
  for (let p = 10 ** Math.ceil(Math.log10(scale['constant'] as number)); p <= hi * 1.5; p *= 10) ticks.push(p);
  if (values.some((v) => v < 0))
    ticks.unshift(
      ...ticks
        .slice(1)
        .map((t) => -t)
        .reverse(),
    );
  return ticks;
}

/** Stacked areas of each provider's share of the units sold per period. */
export function sharesChart(rows: readonly ShareRow[], calendar: PeriodCalendar = {}): TopLevelSpec {
  const providers = distinct(rows, (r) => r.provider);
  return topLevel(
    {
      title: 'Who wins the customers?',
      subtitle: 'Share of all units sold, per period: mean over Monte Carlo runs, counting zero after a provider exits (modeled).',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      mark: { type: 'area', opacity: 0.85 },
      encoding: {
        x: periodAxis(calendar),
        y: quantity('share', 'share of units sold (%)', { stack: 'zero', axis: { format: '.0%' }, scale: { domain: [0, 1] } }),
        color: categoryColour('provider', 'provider', providers),
        order: { field: 'provider', type: 'nominal', sort: 'ascending' },
        tooltip: [tip('provider', 'provider'), tip('period', 'period'), tip('share', 'share', '.1%')],
      },
    },
  );
}

/**
 * Two panels: profit per period (left) and cash on hand (right), medians over runs. Cash
 * reaching the zero line is where a provider runs out of runway and exits.
 */
export function profitChart(rows: readonly ProfitRow[], calendar: PeriodCalendar = {}): TopLevelSpec {
  const providers = distinct(rows, (r) => r.provider);
  const tooltip = [tip('provider', 'provider'), tip('period', 'period'), tip('profitUsd', 'profit (USD)', '$,.0f'), tip('cashUsd', 'cash (USD)', '$,.0f')];
  const cashValues = rows.flatMap((r) => (r.cashUsd === null ? [] : [r.cashUsd]));
  const cash = cashScale(cashValues);
  const panel = (field: string, title: string, scale: Record<string, unknown>, ticks?: number[]) => ({
    width: PANEL_WIDTH_PX,
    height: PANEL_HEIGHT_PX,
    layer: [
      { mark: guideMark('rule'), encoding: { y: { datum: 0, type: 'quantitative' }, tooltip: { value: 'zero: cash below it means exit' } } },
      {
        mark: { type: 'line', strokeDash: provenanceDash('modeled') },
        encoding: {
          x: periodAxis(calendar),
          y: quantity(field, title, { axis: { format: '$,.2~s', ...(ticks ? { values: ticks } : {}) }, scale }),
          color: categoryColour('provider', 'provider', providers),
          tooltip,
        },
      },
    ],
  });
  return topLevel(
    {
      title: 'Profit and cash runway',
      subtitle:
        'Left: profit per period; right: cash on hand. Medians over Monte Carlo runs (modeled, dashed); a provider whose cash hits zero leaves the market.',
    },
    {
      data: { values: rows },
      hconcat: [
        panel('profitUsd', 'profit per period (USD)', {}),
        panel('cashUsd', `cash on hand (USD${cash['type'] === 'symlog' ? ', symlog scale' : ''})`, cash, symlogTicks(cash, cashValues)),
      ],
      resolve: { scale: { y: 'independent' } },
    },
  );
}

/**
 * Fraction of Monte Carlo runs in which each provider is still selling, per period: one small
 * panel per provider (lines at 100% would hide each other in a single panel).
 */
export function survivalChart(rows: readonly SurvivalRow[], calendar: PeriodCalendar = {}): TopLevelSpec {
  const providers = distinct(rows, (r) => r.provider);
  return topLevel(
    {
      title: 'Who survives the price war?',
      subtitle: 'Share of Monte Carlo runs in which each provider is still in the market, from its entry on (modeled).',
    },
    {
      data: { values: rows },
      facet: { row: { field: 'provider', type: 'nominal', title: null, sort: providers, header: { labelAngle: 0, labelAlign: 'left', labelFontSize: 12 } } },
      spacing: 6,
      spec: {
        width: CHART_WIDTH_PX,
        height: 52,
        mark: { type: 'area', interpolate: 'step-after', line: { strokeWidth: 2, strokeDash: provenanceDash('modeled') }, opacity: 0.35 },
        encoding: {
          x: periodAxis(calendar),
          y: quantity('survivalProbability', 'surviving (share of runs)', { axis: { format: '.0%', values: [0, 0.5, 1] }, scale: { domain: [0, 1] } }),
          color: { ...categoryColour('provider', 'provider', providers), legend: null },
          tooltip: [tip('provider', 'provider'), tip('period', 'period'), tip('survivalProbability', 'survival probability', '.0%')],
        },
      },
    },
  );
}
