/** Market price charts: Monte Carlo price paths with real reference prices, and prices against equilibrium levels. */
import type { TopLevelSpec } from 'vega-lite';
import type { EquilibriumRow, PriceBandRow, ReferencePriceRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, distinct } from '../theme.ts';
import { categoryColour, quantity, tip, topLevel } from './common.ts';

/** Axis unit when the scenario names none. */
export const DEFAULT_PRICE_UNIT = 'USD per unit';

/** Prices spanning more than this ratio are drawn on a log axis (price wars cut prices 10×–100×). */
const LOG_AXIS_RATIO = 20;

/** Tick values 0, and 1-2-5 steps from `lo` up to `hi`, for a symlog axis (Vega's own symlog ticks are sparse). */
function symlogTicks(lo: number, hi: number): number[] {
  const ticks = [0];
  for (let decade = 10 ** Math.floor(Math.log10(lo)); decade <= hi; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const t = Number((m * decade).toPrecision(2));
      if (t >= lo && t <= hi * 1.05) ticks.push(t);
    }
  }
  return ticks;
}

/** Axis options for a price scale: explicit ticks when it is symlog. */
function priceAxis(scale: Record<string, unknown>, values: readonly number[]): Record<string, unknown> {
  if (scale['type'] !== 'symlog') return {};
  const positive = values.filter((v) => v > 0);
  return { values: symlogTicks(Math.min(...positive), Math.max(...positive)) };
}

/** A price axis: log (symlog with zeros) when the values span more than LOG_AXIS_RATIO, linear from zero otherwise. */
function priceScale(values: readonly number[]): Record<string, unknown> {
  const positive = values.filter((v) => v > 0);
  if (positive.length === 0) return { zero: true };
  const lo = Math.min(...positive);
  const ratio = Math.max(...positive) / lo;
  if (ratio <= LOG_AXIS_RATIO) return { zero: true };
  // A free product (price 0) has no place on a log axis: symlog keeps it, linear below the smallest price.
  return values.some((v) => v <= 0) ? { type: 'symlog', constant: Number(lo.toPrecision(1)) } : { type: 'log' };
}

/**
 * Per provider: the low–high percentile band over Monte Carlo runs (shaded), the median path
 * (line, modeled) and the scenario's real dated prices (black-edged diamonds, observed).
 */
export function priceBandsChart(bands: readonly PriceBandRow[], references: readonly ReferencePriceRow[] = [], priceUnit = DEFAULT_PRICE_UNIT): TopLevelSpec {
  const providers = distinct([...bands, ...references], (r) => r.provider);
  const priceValues = [...bands.flatMap((b) => [b.lowPriceUsd, b.highPriceUsd]), ...references.map((r) => r.priceUsd)];
  const scale = priceScale(priceValues);
  const x = quantity('period', 'period', { axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false } });
  const logNote = scale['type'] === 'log' ? ', log scale' : scale['type'] === 'symlog' ? ', symlog scale' : '';
  const lowP = bands[0]?.lowPercentile ?? 10;
  const highP = bands[0]?.highPercentile ?? 90;
  const layers: Record<string, unknown>[] = [
    {
      data: { values: bands },
      mark: { type: 'area', opacity: 0.16 },
      encoding: {
        x,
        y: quantity('lowPriceUsd', `price (${priceUnit}${logNote})`, { scale, axis: priceAxis(scale, priceValues) }),
        y2: { field: 'highPriceUsd' },
        color: categoryColour('provider', 'provider', providers),
      },
    },
    {
      data: { values: bands },
      mark: { type: 'line', strokeDash: [7, 4] },
      encoding: {
        x,
        y: { field: 'medianPriceUsd', type: 'quantitative' },
        color: categoryColour('provider', 'provider', providers),
        tooltip: [
          tip('provider', 'provider'),
          tip('period', 'period'),
          tip('lowPriceUsd', `p${lowP} price (USD)`, '$,.4~g'),
          tip('medianPriceUsd', 'median price (USD)', '$,.4~g'),
          tip('highPriceUsd', `p${highP} price (USD)`, '$,.4~g'),
        ],
      },
    },
  ];
  if (references.length > 0) {
    layers.push({
      data: { values: references },
      transform: [{ calculate: "'real dated price (observed)'", as: 'kind' }],
      mark: { type: 'point', filled: true, size: 110, stroke: 'black', strokeWidth: 1.2, opacity: 1 },
      encoding: {
        x,
        y: { field: 'priceUsd', type: 'quantitative' },
        color: categoryColour('provider', 'provider', providers),
        shape: { field: 'kind', type: 'nominal', title: 'points', scale: { range: ['diamond'] } },
        tooltip: [tip('provider', 'provider'), tip('date', 'date'), tip('priceUsd', 'price (USD)', '$,.4~g'), tip('source', 'source')],
      },
    });
  }
  return topLevel(
    {
      title: 'Price paths in the price war',
      subtitle: `Dashed line = median simulated price (modeled), band = ${lowP}th–${highP}th percentile over Monte Carlo runs${references.length > 0 ? '; diamonds = real dated prices' : ''}.`,
    },
    { width: CHART_WIDTH_PX, height: CHART_HEIGHT_PX, layer: layers },
  );
}

/**
 * Median simulated price per provider against its Bertrand–Nash price (dashed) and its
 * joint-profit (collusive) price (dotted). Prices near the dotted line mean tacit collusion;
 * below the dashed line, a price war past the competitive level.
 */
export function equilibriumChart(bands: readonly PriceBandRow[], equilibrium: readonly EquilibriumRow[], priceUnit = DEFAULT_PRICE_UNIT): TopLevelSpec {
  const providers = distinct([...bands, ...equilibrium], (r) => r.provider);
  const levels = ['simulated median', 'Bertrand–Nash', 'collusive (joint profit)'];
  const levelRows = equilibrium.flatMap((e) => [
    { provider: e.provider, level: levels[1], priceUsd: e.nashPriceUsd },
    { provider: e.provider, level: levels[2], priceUsd: e.collusivePriceUsd },
  ]);
  const simRows = bands.map((b) => ({ provider: b.provider, period: b.period, level: levels[0], priceUsd: b.medianPriceUsd }));
  const priceValues = [...simRows, ...levelRows].map((r) => r.priceUsd);
  const scale = priceScale(priceValues);
  const dash = { field: 'level', type: 'nominal', title: 'price level', scale: { domain: levels, range: [[1, 0], [7, 4], [2, 3]] }, legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolSize: 300 } };
  return topLevel(
    {
      title: 'Competitive, collusive or below cost?',
      subtitle: 'Median simulated price per provider against its Bertrand–Nash and joint-profit (collusive) prices, all modeled.',
    },
    {
      width: CHART_WIDTH_PX,
      height: CHART_HEIGHT_PX,
      layer: [
        {
          data: { values: simRows },
          mark: { type: 'line' },
          encoding: {
            x: quantity('period', 'period', { axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false } }),
            y: quantity('priceUsd', `price (${priceUnit}${scale['type'] === 'log' ? ', log scale' : scale['type'] === 'symlog' ? ', symlog scale' : ''})`, { scale, axis: priceAxis(scale, priceValues) }),
            color: categoryColour('provider', 'provider', providers),
            strokeDash: dash,
            tooltip: [tip('provider', 'provider'), tip('period', 'period'), tip('priceUsd', 'median price (USD)', '$,.4~g')],
          },
        },
        {
          data: { values: levelRows },
          mark: { type: 'rule', strokeWidth: 1.6 },
          encoding: {
            y: { field: 'priceUsd', type: 'quantitative' },
            color: categoryColour('provider', 'provider', providers),
            strokeDash: dash,
            tooltip: [tip('provider', 'provider'), tip('level', 'level'), tip('priceUsd', 'price (USD)', '$,.4~g')],
          },
        },
      ],
    },
  );
}
