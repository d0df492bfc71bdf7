/**
 * Write a whole report directory atomically: every file is built in a temporary sibling
 * directory, then the directory is renamed into place. An interrupted run, or any failure
 * before the rename, leaves the previous report exactly as it was.
 *
 * Layout of `<dir>`: index.html, report.json, results.json, per chart `<id>.vl.json`,
 * `<id>.svg`, `<id>.png`, `<id>.csv`, and the marker `.costsim-report` (written last) that
 * lets a later run replace the directory. A directory costsim did not write is never
 * replaced (ownership.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError } from '../errors.ts';
import { buildCharts, type BuiltChart, type ChartOptions, type TableRow } from './charts/index.ts';
import { toXlsx } from './xlsx.ts';
import { toCsv } from './csv.ts';
import { loadEmbedLibraries, renderComparisonHtml, renderHtml } from './html.ts';
import type { Comparison } from './compare.ts';
import type { ComparedSides } from './charts/compare.ts';
import { PNG_SCALE } from './theme.ts';
import { readPreviousReport, rendererFingerprint, reusableCsv, reusableRender, tableHash } from './reuse.ts';
import { formatResults, RESULTS_FILE } from './results-file.ts';
import { assertReplaceable, formatMarker, recoverInterruptedSwap, REPORT_MARKER } from './ownership.ts';
import type { ProvenanceKind, ReportResults } from './rows.ts';

// vega, vega-lite, resvg and the schema validator take seconds to load and compile: loaded only when a chart must be rendered.
type Renderer = { render: typeof import('./render.ts'); validate: typeof import('./validate.ts') };
let renderer: Promise<Renderer> | undefined;
function loadRenderer(): Promise<Renderer> {
  renderer ??= Promise.all([import('./render.ts'), import('./validate.ts')]).then(([render, validate]) => ({ render, validate }));
  return renderer;
}

/** File name of the workbook `--xlsx` adds to a report directory. */
export const XLSX_FILE = 'report.xlsx';

/** One file of a report as listed in report.json. */
export interface Artefact {
  file: string;
  kind: 'page' | 'results' | 'spec' | 'svg' | 'png' | 'csv' | 'xlsx';
  /** Chart id the file belongs to, when it belongs to one. */
  chart?: string;
  title?: string;
  /** Kinds of figures it shows. */
  provenance: ProvenanceKind[];
  /** For a CSV: hash of the rows it was written from (lets a re-render re-use it). */
  tableSha256?: string;
  bytes: number;
  sha256: string;
}

/** What `writeReport` did. */
export interface WrittenReport {
  dir: string;
  charts: BuiltChart[];
  artefacts: Artefact[];
}

/** Options: `now` is recorded in report.json (passed in so the writer reads no clock itself). */
export interface WriteOptions {
  now: Date;
  costsimVersion: string;
  /** Also write XLSX_FILE: one workbook, a sheet per chart's data and one of the assumptions. */
  xlsx?: boolean;
  /** Called once per chart rendered (progress). */
  onChart?: (chart: BuiltChart, index: number, total: number) => void;
  /** Called with what was done to put right an interrupted earlier write (one line each). */
  onNotice?: (message: string) => void;
  /** Fault injection for tests: `betweenRenames` runs after the old report moved aside. */
  faults?: { betweenRenames?: () => void };
}

/** Chart options (labels only) from the saved results: price unit and the calendar of the period axes. */
export function chartOptionsOf(results: ReportResults): ChartOptions {
  const s = results.scenario;
  return {
    ...(s.priceUnit !== undefined ? { priceUnit: s.priceUnit } : {}),
    calendar: { ...(s.periodDays !== undefined ? { periodDays: s.periodDays } : {}), ...(s.calendarStart !== undefined ? { start: s.calendarStart } : {}) },
  };
}

/** Spec text as written to `<id>.vl.json`: stable, indented, newline-terminated. */
export function formatSpec(chart: BuiltChart): string {
  return `${JSON.stringify(chart.spec, null, 2)}\n`;
}

function fail(dir: string, error: unknown): never {
  if (error instanceof OutputError) throw error;
  throw new OutputError(`cannot write the report to ${dir}: ${(error as Error).message}. The previous report there, if any, is unchanged.`);
}

/** The nearest ancestor of `path` that exists (itself when it exists). */
function nearestExisting(path: string): string {
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

/**
 * Create the missing parents of `target` one level at a time (Node's recursive mkdir spins
 * forever under /proc); returns what was created, outermost first, so a failure can undo it.
 */
function createParents(target: string): string[] {
  const missing: string[] = [];
  for (let dir = dirname(target); !existsSync(dir); dir = dirname(dir)) {
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  const created: string[] = [];
  try {
    for (const dir of missing) {
      mkdirSync(dir);
      created.push(dir);
    }
  } catch (error) {
    removeCreated(created);
    throw error;
  }
  return created;
}

function removeCreated(created: string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // Not empty or gone already: leave it.
    }
  }
}

/**
 * Check, before any long work, that a report could be written to `dir`: an interrupted earlier
 * write is put right (`onNotice` hears what was done), the directory is replaceable, and its
 * nearest existing ancestor accepts a new directory (probed and removed again; nothing is left
 * created). Throws OutputError (exit 2).
 */
export function checkReportTarget(dir: string, onNotice?: (message: string) => void): void {
  const target = resolve(dir);
  try {
    for (const note of recoverInterruptedSwap(target)) onNotice?.(note);
  } catch (error) {
    fail(dir, error);
  }
  assertReplaceable(target, dir);
  const ancestor = nearestExisting(dirname(target));
  if (!statSync(ancestor).isDirectory())
    throw new OutputError(`cannot write the report to ${dir}: ${ancestor} is a file, not a directory. Choose another output path.`);
  const probe = join(ancestor, `.costsim-probe-${process.pid}`);
  try {
    mkdirSync(probe);
  } catch (error) {
    fail(dir, error);
  }
  removeQuietly(probe);
}

/**
 * Render `results` into `dir` (created or replaced as a whole). Throws OutputError (exit 2)
 * when the directory cannot be written or holds something that is not a costsim report.
 */
export async function writeReport(dir: string, results: ReportResults, options: WriteOptions): Promise<WrittenReport> {
  const target = resolve(dir);
  checkReportTarget(dir, options.onNotice);
  const charts = buildCharts(results.rows, chartOptionsOf(results));
  // Everything is rendered in memory first: a rendering bug is a bug (exit 1), not an output error.
  const files: PendingFile[] = [];
  const put: Put = (file, data, meta) => files.push({ file, data, meta });
  put(RESULTS_FILE, formatResults(results), { kind: 'results', provenance: ['assumed', 'measured', 'modeled'] });
  await putCharts(target, charts, put, options.onChart);
  if (options.xlsx) {
    const sheets = [
      ...charts.map((c) => ({ name: c.id, rows: c.table })),
      ...(results.assumptions?.length ? [{ name: 'assumptions', rows: results.assumptions as unknown as TableRow[] }] : []),
    ];
    put(XLSX_FILE, await toXlsx(sheets), { kind: 'xlsx', provenance: ['assumed', 'measured', 'modeled'] });
  }
  put('index.html', renderHtml(results, charts, loadEmbedLibraries(), { xlsx: options.xlsx === true }), {
    kind: 'page',
    provenance: ['assumed', 'measured', 'modeled'],
  });
  const artefacts = commitReport(dir, target, files, options, {
    scenario: results.scenario,
    summary: results.summary,
    provenance: results.provenance,
  });
  return { dir: target, charts, artefacts };
}

/**
 * Write the page of `costsim compare` into `dir` (created or replaced as a whole, with the same
 * ownership rules as a report): index.html, comparison.json and each chart's spec, SVG, PNG and
 * CSV. `costsim report` does not re-render it (it has no results.json).
 */
export async function writeComparisonReport(
  dir: string,
  comparison: Comparison,
  sides: ComparedSides,
  charts: readonly BuiltChart[],
  options: WriteOptions,
): Promise<WrittenReport> {
  const target = resolve(dir);
  checkReportTarget(dir, options.onNotice);
  const files: PendingFile[] = [];
  const put: Put = (file, data, meta) => files.push({ file, data, meta });
  put(COMPARISON_FILE, `${JSON.stringify(comparison, null, 1)}\n`, { kind: 'results', provenance: ['modeled'] });
  await putCharts(target, charts, put, options.onChart);
  put('index.html', renderComparisonHtml(comparison, sides, charts, loadEmbedLibraries()), { kind: 'page', provenance: ['modeled'] });
  const artefacts = commitReport(dir, target, files, options, { comparison: { a: comparison.a, b: comparison.b } });
  return { dir: target, charts: [...charts], artefacts };
}

/** File name of a comparison page's numbers. */
export const COMPARISON_FILE = 'comparison.json';

type ArtefactMeta = Omit<Artefact, 'file' | 'bytes' | 'sha256'>;
interface PendingFile {
  file: string;
  data: string | Uint8Array;
  meta: ArtefactMeta;
}
type Put = (file: string, data: string | Uint8Array, meta: ArtefactMeta) => void;

/** Each chart's spec, SVG, PNG and CSV; an identical spec or table in the report already at `target` is reused. */
async function putCharts(target: string, charts: readonly BuiltChart[], put: Put, onChart: WriteOptions['onChart']): Promise<void> {
  const fingerprint = rendererFingerprint(PNG_SCALE);
  const previous = readPreviousReport(target, fingerprint);
  for (const [index, chart] of charts.entries()) {
    const meta = { chart: chart.id, title: chart.title, provenance: chart.provenance };
    const specText = formatSpec(chart);
    put(`${chart.id}.vl.json`, specText, { kind: 'spec', ...meta });
    // An identical spec already rendered by the same renderer was validated then; otherwise validate and render now.
    let rendered = reusableRender(previous, chart.id, specText);
    if (!rendered) {
      const { render, validate } = await loadRenderer();
      const errors = validate.vegaLiteSchemaErrors(chart.spec);
      if (errors.length > 0) throw new Error(`chart ${chart.id}: spec fails the Vega-Lite schema: ${errors.join('; ')}`);
      const svg = await render.renderSvg(chart.spec);
      rendered = { svg, png: render.svgToPng(svg, PNG_SCALE) };
    }
    put(`${chart.id}.svg`, rendered.svg, { kind: 'svg', ...meta });
    put(`${chart.id}.png`, rendered.png, { kind: 'png', ...meta });
    const hash = tableHash(chart.table);
    put(`${chart.id}.csv`, reusableCsv(previous, chart.id, hash) ?? (await toCsv(chart.table)), { kind: 'csv', ...meta, tableSha256: hash });
    onChart?.(chart, index, charts.length);
  }
}

/** Add report.json (artefacts with hashes, plus `header`) and the marker, stage everything and swap it into place. */
function commitReport(dir: string, target: string, files: PendingFile[], options: WriteOptions, header: Record<string, unknown>): Artefact[] {
  const artefacts: Artefact[] = files.map(({ file, data, meta }) => {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    return { file, ...meta, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  });
  const reportJson = {
    version: 1,
    generatedAt: options.now.toISOString(),
    costsimVersion: options.costsimVersion,
    renderer: rendererFingerprint(PNG_SCALE),
    ...header,
    provenanceKinds: {
      measured: 'timed or counted on this machine, or an observed public price',
      modeled: 'computed by a formula over catalogue figures (formula and source in the rows)',
      assumed: 'an input stated by the scenario',
    },
    artefacts,
  };
  files.push({ file: 'report.json', data: `${JSON.stringify(reportJson, null, 1)}\n`, meta: { kind: 'results', provenance: [] } });
  // The marker goes in last: a staging directory that has it is complete (see ownership.ts).
  files.push({
    file: REPORT_MARKER,
    data: formatMarker(
      files.map((f) => f.file),
      options.costsimVersion,
      options.now,
    ),
    meta: { kind: 'results', provenance: [] },
  });
  const staging = join(dirname(target), `.${basename(target)}.staging-${process.pid}`);
  let created: string[] = [];
  try {
    created = createParents(target);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    for (const { file, data } of files) writeFileSync(join(staging, file), data);
    swapIntoPlace(staging, target, options.faults);
  } catch (error) {
    removeQuietly(staging);
    removeCreated(created);
    fail(dir, error);
  }
  return artefacts;
}

/** Best-effort cleanup that never masks the error being reported. */
function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Nothing to clean up where the path cannot even be reached.
  }
}

/** Replace `target` with `staging` by renames only; on failure put the old directory back. */
function swapIntoPlace(staging: string, target: string, faults: WriteOptions['faults']): void {
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const old = join(dirname(target), `.${basename(target)}.old-${process.pid}`);
  rmSync(old, { recursive: true, force: true });
  renameSync(target, old);
  faults?.betweenRenames?.();
  try {
    renameSync(staging, target);
  } catch (error) {
    renameSync(old, target);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}
