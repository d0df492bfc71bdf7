/** Market price charts: Monte Carlo price paths with real reference prices, and prices against equilibrium levels. */
import type { TopLevelSpec } from 'vega-lite';
import type { EquilibriumRow, MarginalCostRow, PriceBandRow, ReferencePriceRow } from '../rows.ts';
import { CHART_HEIGHT_PX, CHART_WIDTH_PX, distinct, provenanceStrokeDash } from '../theme.ts';
import { categoryColour, periodAxis, quantity, tip, topLevel, type PeriodCalendar } from './common.ts';

/**
 * Line widths that tell a price apart from a cost or an equilibrium level drawn in the same
 * colour and dash. Fixed per layer: Vega-Lite draws one width per line mark, not per group.
 */
const WIDTH_PX = { medianPrice: 2.8, level: 1.8, marginalCost: 1.1 };

/** Cost rows as lines: one per provider, dashed when modeled, dotted when assumed. */
function costLayer(costs: readonly MarginalCostRow[], x: Record<string, unknown>, providers: readonly string[]): Record<string, unknown> {
  return {
    data: { values: costs.map((c) => ({ ...c, series: 'marginal cost', priceUsd: c.medianMarginalCostUsd })) },
    mark: { type: 'line', interpolate: 'step-after', strokeWidth: WIDTH_PX.marginalCost },
    encoding: {
      x,
      y: { field: 'priceUsd', type: 'quantitative' },
      color: categoryColour('provider', 'provider', providers),
      strokeDash: provenanceStrokeDash(),
      tooltip: [
        tip('provider', 'provider'),
        tip('period', 'period'),
        tip('medianMarginalCostUsd', 'median marginal cost (USD)', '$,.4~g'),
        tip('provenance', 'cost is'),
      ],
    },
  };
}

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
export function priceBandsChart(
  bands: readonly PriceBandRow[],
  references: readonly ReferencePriceRow[] = [],
  priceUnit = DEFAULT_PRICE_UNIT,
  costs: readonly MarginalCostRow[] = [],
  calendar: PeriodCalendar = {},
): TopLevelSpec {
  const providers = distinct([...bands, ...references, ...costs], (r) => r.provider);
  const priceValues = [
    ...bands.flatMap((b) => [b.lowPriceUsd, b.highPriceUsd]),
    ...references.map((r) => r.priceUsd),
    ...costs.map((c) => c.medianMarginalCostUsd),
  ];
  const scale = priceScale(priceValues);
  const x = periodAxis(calendar);
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
        tooltip: [
          tip('provider', 'provider'),
          tip('period', 'period'),
          tip('lowPriceUsd', `p${lowP} price (USD)`, '$,.4~g'),
          tip('highPriceUsd', `p${highP} price (USD)`, '$,.4~g'),
        ],
      },
    },
    {
      data: { values: bands.map((b) => ({ ...b, series: 'median price', provenance: 'modeled' })) },
      mark: { type: 'line', strokeWidth: WIDTH_PX.medianPrice },
      encoding: {
        x,
        y: { field: 'medianPriceUsd', type: 'quantitative' },
        color: categoryColour('provider', 'provider', providers),
        strokeDash: provenanceStrokeDash(),
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
  if (costs.length > 0) layers.push(costLayer(costs, x, providers));
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
      subtitle: `Thick dashed line = median simulated price (modeled), band = ${lowP}th–${highP}th percentile over Monte Carlo runs${costs.length > 0 ? ', thin line = the provider’s median marginal cost (dashed modeled, dotted assumed)' : ''}${references.length > 0 ? ', diamonds = real dated prices' : ''}.`,
    },
    { width: CHART_WIDTH_PX, height: CHART_HEIGHT_PX, layer: layers },
  );
}

/**
 * Median simulated price per provider against its Bertrand–Nash price and its joint-profit
 * (collusive) price, and its marginal cost. Prices near the collusive level mean tacit
 * collusion; below the Nash level, a price war; below the cost line, selling at a loss.
 * Every line is one provider's colour, dashed when modeled and dotted when assumed; widths tell
 * the price from the levels and the cost.
 */
export function equilibriumChart(
  bands: readonly PriceBandRow[],
  equilibrium: readonly EquilibriumRow[],
  priceUnit = DEFAULT_PRICE_UNIT,
  costs: readonly MarginalCostRow[] = [],
  calendar: PeriodCalendar = {},
): TopLevelSpec {
  const providers = distinct([...bands, ...equilibrium, ...costs], (r) => r.provider);
  const levelRows = equilibrium.flatMap((e) => [
    { provider: e.provider, series: 'Bertrand–Nash', priceUsd: e.nashPriceUsd, provenance: 'modeled' },
    { provider: e.provider, series: 'collusive (joint profit)', priceUsd: e.collusivePriceUsd, provenance: 'modeled' },
  ]);
  const simRows = bands.map((b) => ({ provider: b.provider, period: b.period, series: 'median price', priceUsd: b.medianPriceUsd, provenance: 'modeled' }));
  const priceValues = [...simRows, ...levelRows].map((r) => r.priceUsd).concat(costs.map((c) => c.medianMarginalCostUsd));
  const scale = priceScale(priceValues);
  const x = periodAxis(calendar);
  const logNote = scale['type'] === 'log' ? ', log scale' : scale['type'] === 'symlog' ? ', symlog scale' : '';
  const layers: Record<string, unknown>[] = [
    {
      data: { values: simRows },
      mark: { type: 'line', strokeWidth: WIDTH_PX.medianPrice },
      encoding: {
        x,
        y: quantity('priceUsd', `price (${priceUnit}${logNote})`, { scale, axis: priceAxis(scale, priceValues) }),
        color: categoryColour('provider', 'provider', providers),
        strokeDash: provenanceStrokeDash(),
        tooltip: [tip('provider', 'provider'), tip('period', 'period'), tip('priceUsd', 'median price (USD)', '$,.4~g')],
      },
    },
    {
      data: { values: levelRows },
      mark: { type: 'rule', opacity: 0.75, strokeWidth: WIDTH_PX.level },
      encoding: {
        y: { field: 'priceUsd', type: 'quantitative' },
        color: categoryColour('provider', 'provider', providers),
        strokeDash: provenanceStrokeDash(),
        tooltip: [tip('provider', 'provider'), tip('series', 'level'), tip('priceUsd', 'price (USD)', '$,.4~g')],
      },
    },
  ];
  // Nash and collusive rules look alike: a short label at the right end says which is which.
  layers.push({
    data: { values: levelRows.map((r) => ({ ...r, label: r.series === 'Bertrand–Nash' ? 'Nash' : 'collusive' })) },
    mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
    encoding: {
      x: { value: CHART_WIDTH_PX },
      y: { field: 'priceUsd', type: 'quantitative' },
      text: { field: 'label' },
      color: categoryColour('provider', 'provider', providers),
      tooltip: [tip('provider', 'provider'), tip('series', 'level'), tip('priceUsd', 'price (USD)', '$,.4~g')],
    },
  });
  if (costs.length > 0) layers.push(costLayer(costs, x, providers));
  return topLevel(
    {
      title: 'Competitive, collusive or below cost?',
      subtitle:
        'Median simulated price per provider (thick) against its Bertrand–Nash and joint-profit (collusive) prices (rules) and its median marginal cost (thin line), all modeled unless dotted (assumed).',
    },
    { width: CHART_WIDTH_PX, height: CHART_HEIGHT_PX, layer: layers },
  );
}
