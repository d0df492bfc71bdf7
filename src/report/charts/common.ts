/**
 * Pieces every chart builder shares: the top-level wrapper (schema, config, title) and the
 * encodings that tell measured, modeled and assumed figures apart. Pure functions.
 */
import type { TopLevelSpec } from 'vega-lite';
import { BASE_CONFIG, categoryScale } from '../theme.ts';

// The provenance encodings live in theme.ts (one place for every chart); re-exported for the builders.
export { provenanceShape, provenanceStrokeDash, provenanceDash, guideMark } from '../theme.ts';

/** The Vega-Lite version the specs target; must match the installed vega-lite major. */
export const VEGA_LITE_SCHEMA_URL = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A chart's heading: title plus a one-line subtitle saying what to look at. */
export interface ChartTitle {
  title: string;
  subtitle: string;
}

/** Longest subtitle line in characters: about the width of a single-panel chart at 12 px. */
export const SUBTITLE_LINE_CHARS = 80;

/** Break `text` at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrapText(text: string, width = SUBTITLE_LINE_CHARS): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Wrap a spec body with the schema URL, the shared config and the title (subtitle wrapped to the chart's width). */
export function topLevel(heading: ChartTitle, body: Record<string, unknown>): TopLevelSpec {
  return {
    $schema: VEGA_LITE_SCHEMA_URL,
    title: { text: heading.title, subtitle: wrapText(heading.subtitle) },
    config: BASE_CONFIG,
    ...body,
  } as TopLevelSpec;
}

/**
 * A nominal colour encoding pinned to the sorted `domain`, so a category keeps its colour
 * everywhere. Layers and channels (color, fill, stroke) that use the same field share one legend;
 * a `legend: null` on any of them would remove it for all, so none sets it.
 */
export function categoryColour(field: string, title: string, domain: readonly string[]): Record<string, unknown> {
  return { field, type: 'nominal', title, scale: categoryScale(domain) };
}

/** Axis titles longer than this go on two lines: a rotated y title longer than the plot would stretch the chart. */
const AXIS_TITLE_LINE_CHARS = 36;

/** `title`, split before its parenthesis into two lines when it is long. */
export function axisTitle(title: string): string | string[] {
  const cut = title.indexOf(' (');
  return title.length > AXIS_TITLE_LINE_CHARS && cut > 0 ? [title.slice(0, cut), title.slice(cut + 1)] : title;
}

/** A quantitative field with a title that names its unit. */
export function quantity(field: string, title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { field, type: 'quantitative', title: axisTitle(title), ...extra };
}

/** What one period is, as the charts' period axes say it. */
export interface PeriodCalendar {
  /** Days per period, when the scenario has a calendar. */
  periodDays?: number;
  /** ISO date period 0 starts on. */
  start?: string;
}

/** Title of a period axis: its length from the calendar ("period (7 days each, from 2026-01-05)"), or that it has none. */
export function periodTitle(calendar: PeriodCalendar = {}): string {
  if (calendar.periodDays === undefined) return 'period (no calendar: length not set)';
  const days = `${calendar.periodDays} day${calendar.periodDays === 1 ? '' : 's'}`;
  return `period (${days}${calendar.start ? ` each, from ${calendar.start}` : ''})`;
}

/** A period x axis: whole periods, titled with their length. */
export function periodAxis(calendar: PeriodCalendar = {}): Record<string, unknown> {
  return { field: 'period', type: 'quantitative', title: periodTitle(calendar), axis: { tickMinStep: 1, format: 'd' }, scale: { nice: false } };
}

/** A tooltip entry; `format` is a d3-format string. */
export function tip(field: string, title: string, format?: string): Record<string, unknown> {
  return { field, title, ...(format ? { type: 'quantitative', format } : { type: 'nominal' }) };
}
