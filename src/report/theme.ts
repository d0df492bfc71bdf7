/**
 * One look for every chart: sizes, fonts, colours and the way measured, modeled and assumed
 * figures are told apart. Chart builders take everything visual from here so that two charts
 * of the same report never disagree on what a colour or a dash means.
 */
import type { Config } from 'vega-lite';
import type { ProvenanceKind } from './rows.ts';

/** Plot area of a single-panel chart, in CSS pixels. */
export const CHART_WIDTH_PX = 560;
export const CHART_HEIGHT_PX = 300;
/** Plot area of each panel in a two-panel (side by side) chart. */
export const PANEL_WIDTH_PX = 300;
export const PANEL_HEIGHT_PX = 240;

/** PNG pixels per SVG pixel: 2 keeps labels sharp on high-density screens and in the README. */
export const PNG_SCALE = 2;

/** DejaVu ships with Debian and is what the PNG renderer finds; browsers fall back down the list. */
export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Tableau 10: distinguishable, colour-blind tolerant, and the Vega default people recognise. */
export const PALETTE: readonly string[] = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** Order provenance kinds appear in legends. */
export const PROVENANCE_DOMAIN: readonly ProvenanceKind[] = ['measured', 'modeled', 'assumed'];

/** Lines: solid = measured, dashed = modeled, dotted = assumed. */
export const PROVENANCE_DASH: readonly number[][] = [
  [1, 0],
  [7, 4],
  [2, 3],
];

/**
 * A ring in Vega's unit symbol box: outer circle clockwise, inner circle counter-clockwise, so
 * the non-zero fill rule leaves the middle empty (a hollow marker that still takes a colour).
 */
const RING_PATH = 'M1,0A1,1,0,1,1,-1,0A1,1,0,1,1,1,0ZM0.55,0A0.55,0.55,0,1,0,-0.55,0A0.55,0.55,0,1,0,0.55,0Z';

/** Point shapes: filled disc = measured, ring (hollow) = modeled, cross = assumed. */
export const PROVENANCE_SHAPES: readonly string[] = ['circle', RING_PATH, 'cross'];

/** Legend title shared by every provenance legend, so the reader learns it once. */
export const PROVENANCE_TITLE = 'figure is';

/** The dash of a line of one provenance kind (solid, dashed or dotted), for marks drawn with one fixed kind. */
export function provenanceDash(kind: ProvenanceKind): number[] {
  return [...(PROVENANCE_DASH[PROVENANCE_DOMAIN.indexOf(kind)] as number[])];
}

/**
 * Points: a filled disc for measured, a ring (hollow) for modeled, a cross for assumed, with a
 * legend entry each. A custom ring path rather than fillOpacity, because Vega-Lite draws no
 * legend for fillOpacity and a legend is what tells the reader which is which.
 */
export function provenanceShape(): Record<string, unknown> {
  return {
    field: 'provenance',
    type: 'nominal',
    title: PROVENANCE_TITLE,
    scale: { domain: [...PROVENANCE_DOMAIN], range: [...PROVENANCE_SHAPES] },
  };
}

/** Lines solid for measured, dashed for modeled, dotted for assumed, with a legend: the one line encoding of every chart. */
export function provenanceStrokeDash(): Record<string, unknown> {
  return {
    field: 'provenance',
    type: 'nominal',
    title: PROVENANCE_TITLE,
    scale: { domain: [...PROVENANCE_DOMAIN], range: PROVENANCE_DASH.map((d) => [...d]) },
    legend: { symbolType: 'stroke', symbolStrokeColor: '#333', symbolSize: 300 },
  };
}

/** Colour of guides (zero lines, the y = x line, a frontier's outline): grey and solid, never read as data. */
export const GUIDE_COLOUR = '#888';

/** Mark properties of a guide line or rule. */
export function guideMark(type: 'line' | 'rule', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type, color: GUIDE_COLOUR, strokeWidth: 1.2, ...extra };
}

/** Opacity of everything a legend click did not pick (the picked entries keep their own opacity). */
export const UNPICKED_OPACITY = 0.1;

/** Name of the legend-bound selection every chart with a colour legend gets (report/charts/interaction.ts). */
export const LEGEND_PARAM = 'legendPick';

/** Vega-Lite config applied to every spec: fonts, sizes, legend placement. */
export const BASE_CONFIG: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 8,
  view: { stroke: '#ddd' },
  title: { fontSize: 15, anchor: 'start', offset: 10, subtitleFontSize: 12, subtitleColor: '#555' },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    orient: 'right',
    symbolStrokeWidth: 2,
    symbolOpacity: 1,
    titleLimit: 260,
    labelLimit: 260,
  },
  line: { strokeWidth: 2 },
  point: { size: 60, strokeWidth: 1.8, filled: true, opacity: 0.9 },
};

/** A colour scale pinned to `domain` (sorted), so a provider keeps its colour in every chart. */
export function categoryScale(domain: readonly string[]): { domain: string[]; range: string[] } {
  const sorted = [...new Set(domain)].sort();
  return { domain: sorted, range: sorted.map((_, i) => PALETTE[i % PALETTE.length] as string) };
}

/** The distinct values of `key` in `rows`, sorted: the domain a categoryScale needs. */
export function distinct<T>(rows: readonly T[], key: (row: T) => string): string[] {
  return [...new Set(rows.map(key))].sort();
}
