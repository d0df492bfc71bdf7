/** Market outcome charts: shares, profit and cash runway, survival probability. All figures modeled. */
import type { TopLevelSpec } from 'vega-lite';
import type { ProfitRow, ShareRow, SurvivalRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, PANEL_HEIGHT_PX, PANEL_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, quantity, tip, topLevel } from './common.ts';

const periodAxis = () => quantity('period', 'period', { axis: { tickMinStep: 1, format: 'd' } });

/** Stacked areas of each provider's share of units sold per period; the gap to 100% is the outside option. */
export function sharesChart(rows: readonly ShareRow[]): TopLevelSpec {
  const providers = distinct(rows, (r) => r.provider);
  return topLevel(
    {
      title: 'Who wins the customers?',
      subtitle: 'Share of units sold per period (mean over Monte Carlo runs; modeled). The gap to 100% buys nothing.',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      mark: { type: 'area', line: { strokeWidth: 0.8 }, opacity: 0.85 },
      encoding: {
        x: periodAxis(),
        y: quantity('share', 'market share (of all buyers)', { stack: 'zero', axis: { format: '.0%' }, scale: { domain: [0, 1] } }),
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
export function profitChart(rows: readonly ProfitRow[]): TopLevelSpec {
  const providers = distinct(rows, (r) => r.provider);
  const tooltip = [tip('provider', 'provider'), tip('period', 'period'), tip('profitUsd', 'profit (USD)', '$,.0f'), tip('cashUsd', 'cash (USD)', '$,.0f')];
  const panel = (field: string, title: string, heading: string) => ({
    title: heading,
    width: PANEL_WIDTH_PX,
    height: PANEL_HEIGHT_PX,
    layer: [
      { mark: { type: 'rule', color: '#888' }, encoding: { y: { datum: 0, type: 'quantitative' } } },
      {
        mark: { type: 'line' },
        encoding: {
          x: periodAxis(),
          y: quantity(field, title, { axis: { format: '$,.2~s' } }),
          color: categoryColour('provider', 'provider', providers),
          tooltip,
        },
      },
    ],
  });
  return topLevel(
    {
      title: 'Profit and cash runway',
      subtitle: 'Median over Monte Carlo runs (modeled). A provider whose cash hits zero leaves the market.',
    },
    {
      data: { values: rows },
      hconcat: [panel('profitUsd', 'profit per period (USD)', 'Profit per period'), panel('cashUsd', 'cash on hand (USD)', 'Cash')],
      resolve: { scale: { y: 'independent' } },
    },
  );
}

/** Fraction of Monte Carlo runs in which each provider is still selling, per period. */
export function survivalChart(rows: readonly SurvivalRow[]): TopLevelSpec {
  const providers = distinct(rows, (r) => r.provider);
  return topLevel(
    {
      title: 'Who survives the price war?',
      subtitle: 'Share of Monte Carlo runs in which each provider is still in the market (modeled).',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      data: { values: rows },
      mark: { type: 'line', interpolate: 'step-after', point: { filled: true, size: 25 } },
      encoding: {
        x: periodAxis(),
        y: quantity('survivalProbability', 'probability still in the market', { axis: { format: '.0%' }, scale: { domain: [0, 1] } }),
        color: categoryColour('provider', 'provider', providers),
        tooltip: [tip('provider', 'provider'), tip('period', 'period'), tip('survivalProbability', 'survival probability', '.0%')],
      },
    },
  );
}
