/**
 * The report page: one self-contained HTML file. vega, vega-lite and vega-embed are inlined
 * from node_modules so the page opens from disk with no network; each chart's spec sits in a
 * JSON script tag next to links to its CSV, SVG and PNG. `renderHtml` is pure given the three
 * library sources; `loadEmbedLibraries` reads them.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import type { BuiltChart } from './charts/index.ts';
import type { ReportResults } from './rows.ts';
import { formatComparedNumber, formatRelativeChange, type Comparison } from './compare.ts';
import { FONT_FAMILY } from './theme.ts';

/** Minified builds of the libraries the page needs, in load order. */
export interface EmbedLibraries {
  vega: string;
  vegaLite: string;
  vegaEmbed: string;
}

/** Read the browser builds shipped in the installed packages (the versions that made the specs). */
export function loadEmbedLibraries(): EmbedLibraries {
  const require = createRequire(import.meta.url);
  // Each package's entry point lives in its build/ folder, beside the browser bundle.
  const read = (name: string, file: string) => readFileSync(join(dirname(require.resolve(name)), file), 'utf8');
  return { vega: read('vega', 'vega.min.js'), vegaLite: read('vega-lite', 'vega-lite.min.js'), vegaEmbed: read('vega-embed', 'vega-embed.min.js') };
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** A script body that cannot close its tag early; source-map comments dropped (the maps are not shipped). */
function inlineScript(source: string): string {
  return source.replace(/<\/script/gi, '<\\/script').replace(/\/\/# sourceMappingURL=\S*/g, '');
}

/** JSON safe inside <script type="application/json">: no "<" can start a tag. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `
body { font-family: ${FONT_FAMILY}; margin: 0 auto; max-width: 1040px; padding: 24px; color: #222; line-height: 1.45; }
h1 { font-size: 26px; margin-bottom: 4px; }
.question { font-size: 18px; color: #444; margin-top: 0; }
.answer { font-size: 16px; background: #f4f7fb; border-left: 4px solid #4c78a8; padding: 12px 16px; }
table { border-collapse: collapse; margin: 12px 0 20px; }
table.key-numbers { width: 100%; font-size: 14px; }
table.key-numbers td:first-child { width: 38%; }
table.key-numbers td.value { width: 26%; }
table.assumptions { width: 100%; font-size: 13px; }
table.assumptions code { font-size: 12px; color: #555; }
th, td { text-align: left; padding: 4px 12px 4px 0; border-bottom: 1px solid #eee; vertical-align: top; }
td.value { font-weight: bold; }
.answer p { margin: 0 0 6px; }
.kind { font-size: 12px; padding: 1px 6px; border-radius: 8px; white-space: nowrap; }
.kind-measured { background: #dbeed8; } .kind-modeled { background: #fde6cc; } .kind-assumed { background: #eee; }
.source { color: #666; font-size: 13px; }
h2 { margin-top: 36px; border-bottom: 1px solid #ddd; }
figure { margin: 16px 0 28px; }
figcaption { font-size: 13px; color: #555; }
.chart { min-height: 200px; width: 100%; }
footer { margin-top: 40px; font-size: 13px; color: #666; }
`;

const BOOT = `
for (const holder of document.querySelectorAll('script[data-chart]')) {
  const id = holder.getAttribute('data-chart');
  const spec = JSON.parse(holder.textContent);
  vegaEmbed('#chart-' + id, spec, { renderer: 'svg', actions: false }).catch((error) => {
    document.getElementById('chart-' + id).textContent = 'This chart could not be drawn: ' + error.message;
    console.error(error);
  });
}
`;

function kindBadge(kind: string): string {
  return `<span class="kind kind-${escapeHtml(kind)}">${escapeHtml(kind)}</span>`;
}

function summaryHtml(results: ReportResults): string {
  const rows = results.summary.keyNumbers
    .map(
      (k) =>
        `<tr><td>${escapeHtml(k.label)}</td><td class="value">${escapeHtml(k.value)}</td><td>${kindBadge(k.provenance)}</td><td class="source">${escapeHtml(k.source ?? '')}</td></tr>`,
    )
    .join('\n');
  return [
    `<div class="answer">${results.summary.answer
      .split('\n')
      .map((line) => `<p>${escapeHtml(line)}</p>`)
      .join('')}</div>`,
    '<table class="key-numbers">',
    '<tr><th>key number</th><th>value</th><th>figure is</th><th>from</th></tr>',
    rows,
    '</table>',
    '<p class="source">Click a legend entry to show only that series (shift-click for more, click the background to show all); hover any mark for its numbers. Every figure is labelled: <b>measured</b> (timed or counted on this machine, or an observed public price; filled points, solid lines), ',
    '<b>modeled</b> (a formula over catalogue figures; hollow points, dashed lines) or <b>assumed</b> (an input stated by the scenario; crosses, dotted lines).</p>',
  ].join('\n');
}

/** The assumptions table: every figure the scenario assumes, with where it was stated. */
function assumptionsHtml(results: ReportResults): string {
  const rows = results.assumptions ?? [];
  if (rows.length === 0) return '';
  const body = rows
    .map(
      (a) =>
        `<tr><td>${escapeHtml(a.figure)}</td><td class="value">${escapeHtml(a.value)}</td><td>${escapeHtml(a.unit)}</td><td><code>${escapeHtml(a.path)}</code></td><td class="source">${escapeHtml(a.source)}</td></tr>`,
    )
    .join('\n');
  return [
    '<h2 id="assumptions">Assumptions</h2>',
    `<p class="source">The ${rows.length} figures below are inputs the scenario states (or costsim's defaults where it is silent); nothing in them was measured. Change them in the scenario file to see how the answer moves.</p>`,
    '<table class="assumptions">',
    '<tr><th>assumed figure</th><th>value</th><th>unit</th><th>scenario path</th><th>source</th></tr>',
    body,
    '</table>',
  ].join('\n');
}

/** The page title: the scenario's name and question (never its file name). */
export function pageTitle(results: ReportResults): string {
  const question = results.scenario.question.trim();
  return question ? `${results.scenario.name}: ${question}` : results.scenario.name;
}

/**
 * The spec as the page embeds it: a single or layered chart fills its container's width
 * (`width: "container"`, re-laid out when the window resizes); concatenated and faceted charts,
 * which Vega-Lite cannot size to a container, keep their fixed widths. SVG and PNG files are
 * rendered from the fixed-width spec.
 */
export function responsiveSpec(spec: BuiltChart['spec']): BuiltChart['spec'] {
  const s = spec as unknown as Record<string, unknown>;
  const composed = ['hconcat', 'vconcat', 'concat', 'facet', 'repeat'].some((key) => s[key] !== undefined);
  if (composed || typeof s['width'] !== 'number') return spec;
  return { ...spec, width: 'container', autosize: { type: 'fit-x', contains: 'padding' } } as BuiltChart['spec'];
}

function chartHtml(chart: BuiltChart, xlsx: boolean): string {
  const kinds = chart.provenance.map(kindBadge).join(' ');
  return [
    `<figure id="figure-${chart.id}">`,
    `<div class="chart" id="chart-${chart.id}" role="img" aria-label="${escapeHtml(chart.title)}"></div>`,
    `<figcaption>Data: <a href="${chart.id}.csv">${chart.id}.csv</a>${xlsx ? ' (and a sheet of <a href="report.xlsx">report.xlsx</a>)' : ''} · static: <a href="${chart.id}.svg">SVG</a>, <a href="${chart.id}.png">PNG</a> · spec: <a href="${chart.id}.vl.json">Vega-Lite</a> · figures: ${kinds}</figcaption>`,
    `<script type="application/json" data-chart="${chart.id}">${inlineJson(responsiveSpec(chart.spec))}</script>`,
    '</figure>',
  ].join('\n');
}

/** The page's opening lines up to <body>: title, style and the inlined chart libraries. */
function pageHead(title: string, libraries: EmbedLibraries): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    `<script>${inlineScript(libraries.vega)}</script>`,
    `<script>${inlineScript(libraries.vegaLite)}</script>`,
    `<script>${inlineScript(libraries.vegaEmbed)}</script>`,
    '</head>',
    '<body>',
  ];
}

/** The whole page for `results` and its built `charts`. Deterministic: same input, same bytes. */
export function renderHtml(results: ReportResults, charts: readonly BuiltChart[], libraries: EmbedLibraries, options: { xlsx?: boolean } = {}): string {
  const sections: string[] = [];
  let current = '';
  for (const chart of charts) {
    if (chart.section !== current) {
      current = chart.section;
      sections.push(`<h2>${escapeHtml(current.charAt(0).toUpperCase() + current.slice(1))}</h2>`);
    }
    sections.push(chartHtml(chart, options.xlsx === true));
  }
  const provenance = Object.entries(results.provenance)
    .map(([key, value]) => `<tr><td>${escapeHtml(key)}</td><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  return [
    ...pageHead(pageTitle(results), libraries),
    `<h1>${escapeHtml(results.scenario.name)}</h1>`,
    `<p class="question">${escapeHtml(results.scenario.question)}</p>`,
    summaryHtml(results),
    ...sections,
    assumptionsHtml(results),
    '<footer>',
    `<p>Scenario seed ${results.scenario.seed}${results.scenario.file ? `, file ${escapeHtml(results.scenario.file)}` : ''}. All artefacts and their provenance: <a href="report.json">report.json</a>; the rows behind every chart: <a href="results.json">results.json</a> (re-render with <code>costsim report &lt;dir&gt;</code>).</p>`,
    `<table class="provenance">${provenance}</table>`,
    '</footer>',
    `<script>${BOOT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The page of `costsim compare`: both scenarios' questions, their key numbers side by side, the
 * per-provider numbers with b − a, then the charts with both scenarios' series. Deterministic.
 */
export function renderComparisonHtml(
  comparison: Comparison,
  sides: { a: string; b: string },
  charts: readonly BuiltChart[],
  libraries: EmbedLibraries,
): string {
  const keyRows = comparison.keyNumbers
    .map((k) => `<tr><td>${escapeHtml(k.label)}</td><td class="value">${escapeHtml(k.a ?? '–')}</td><td class="value">${escapeHtml(k.b ?? '–')}</td></tr>`)
    .join('\n');
  const numberRows = comparison.numbers
    .map(
      (n) =>
        `<tr><td>${escapeHtml(n.provider)}</td><td>${escapeHtml(n.metric)}</td><td>${formatComparedNumber(n.a)}</td><td>${formatComparedNumber(n.b)}</td><td class="value">${formatComparedNumber(n.difference)}</td><td>${formatRelativeChange(n.relativeDifference)}</td><td class="source">${escapeHtml(n.unit)}</td></tr>`,
    )
    .join('\n');
  const title = `${sides.a} vs ${sides.b}`;
  return [
    ...pageHead(title, libraries),
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="question">a: ${escapeHtml(sides.a)}${comparison.a.question ? ` (${escapeHtml(comparison.a.question)})` : ''}<br>b: ${escapeHtml(sides.b)}${comparison.b.question ? ` (${escapeHtml(comparison.b.question)})` : ''}</p>`,
    '<table class="key-numbers">',
    `<tr><th>key number</th><th>a: ${escapeHtml(sides.a)}</th><th>b: ${escapeHtml(sides.b)}</th></tr>`,
    keyRows,
    '</table>',
    '<h2>Per provider, final period</h2>',
    '<table class="key-numbers">',
    '<tr><th>provider</th><th>metric</th><th>a</th><th>b</th><th>b − a</th><th>change</th><th>unit</th></tr>',
    numberRows,
    '</table>',
    '<p class="source">Every market figure is simulated (modeled) from each scenario\'s assumptions; each side\'s own report, with its measured and assumed inputs, is in its report directory. In the charts, colour is the provider and line style the scenario (solid a, dashed b); click a legend entry to show only that series.</p>',
    '<h2>Both scenarios, period by period</h2>',
    ...charts.map((c) => chartHtml(c, false)),
    '<footer><p>The numbers above: <a href="comparison.json">comparison.json</a>; the rows behind every chart: its CSV.</p></footer>',
    `<script>${BOOT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
