/**
 * What every chart does when read in a browser, added to each built spec in one place: a click
 * on a colour legend entry keeps that category and fades the rest (a point selection bound to the
 * legend; shift-click adds more, a click elsewhere clears it), and every mark has a tooltip. Pure:
 * a spec in, a new spec out; the static SVG/PNG look the same (nothing is picked).
 */
import type { TopLevelSpec } from 'vega-lite';
import { LEGEND_PARAM, UNPICKED_OPACITY } from '../theme.ts';

type Json = Record<string, unknown>;

const COMPOSITIONS = ['layer', 'hconcat', 'vconcat', 'concat'] as const;

/** Every unit view (a spec with a mark) in `spec`, depth first, each with whether it sits inside a facet. */
function units(spec: Json, inFacet = false, out: Array<{ unit: Json; inFacet: boolean }> = []): Array<{ unit: Json; inFacet: boolean }> {
  if (spec['mark'] !== undefined) out.push({ unit: spec, inFacet });
  for (const key of COMPOSITIONS) {
    const children = spec[key];
    if (Array.isArray(children)) for (const child of children) units(child as Json, inFacet, out);
  }
  if (spec['spec'] !== undefined) units(spec['spec'] as Json, inFacet || spec['facet'] !== undefined, out);
  return out;
}

const encodingOf = (unit: Json): Json => (unit['encoding'] as Json | undefined) ?? {};
const colourField = (unit: Json): string | undefined => {
  const colour = encodingOf(unit)['color'] as Json | undefined;
  return colour && typeof colour['field'] === 'string' && colour['legend'] !== null ? colour['field'] : undefined;
};
const aggregates = (unit: Json): boolean => Object.values(encodingOf(unit)).some((e) => typeof e === 'object' && e !== null && 'aggregate' in e);

/** The field the legend filter selects on: the first colour field with a legend outside a facet, or none. */
export function legendField(spec: TopLevelSpec): string | undefined {
  const found = units(spec as unknown as Json).find(({ unit, inFacet }) => !inFacet && colourField(unit) !== undefined);
  return found ? colourField(found.unit) : undefined;
}

/** `spec` with a legend-bound filter on its colour field (when it has a colour legend) and a tooltip on every mark. */
export function withInteraction(spec: TopLevelSpec): TopLevelSpec {
  const copy = structuredClone(spec) as unknown as Json;
  const all = units(copy);
  const field = legendField(spec);
  if (field !== undefined) {
    const candidates = all.filter(({ unit, inFacet }) => !inFacet && colourField(unit) === field);
    const owner = candidates.find(({ unit }) => !aggregates(unit)) ?? candidates[0];
    if (owner) owner.unit['params'] = [{ name: LEGEND_PARAM, select: { type: 'point', fields: [field] }, bind: 'legend' }];
    for (const { unit } of candidates) {
      const encoding = encodingOf(unit);
      if (encoding['opacity'] !== undefined) continue; // opacity already says something (e.g. provenance of bars)
      const mark = typeof unit['mark'] === 'string' ? { type: unit['mark'] } : (unit['mark'] as Json);
      const base = typeof mark['opacity'] === 'number' ? mark['opacity'] : 1;
      unit['encoding'] = { ...encoding, opacity: { condition: { param: LEGEND_PARAM, value: base, empty: true }, value: UNPICKED_OPACITY } };
    }
  }
  for (const { unit } of all) {
    if (encodingOf(unit)['tooltip'] !== undefined) continue;
    const mark = typeof unit['mark'] === 'string' ? { type: unit['mark'] } : (unit['mark'] as Json);
    unit['mark'] = { ...mark, tooltip: { content: 'data' } };
  }
  return copy as unknown as TopLevelSpec;
}
