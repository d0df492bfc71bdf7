/**
 * Tables to CSV through danfojs-node DataFrames. danfojs is loaded lazily (it pulls in
 * TensorFlow.js through the project's shim, a few seconds) and only here.
 *
 * danfojs writes cells as they are, without RFC 4180 quoting, so text cells are quoted here
 * before they go in; numbers are written by JavaScript's shortest round-trip form, so the same
 * rows always give the same bytes.
 *
 * Text that a spreadsheet would run as a formula is neutralised as the OWASP "CSV Injection" page
 * recommends: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`
 * (then quoted as usual). Numbers are written as numbers, never prefixed.
 */
import type { TableRow } from './charts/index.ts';

type Danfo = typeof import('danfojs-node');
let danfo: Promise<Danfo> | undefined;

function loadDanfo(): Promise<Danfo> {
  danfo ??= import('danfojs-node');
  return danfo;
}

/** First characters that make a spreadsheet read a cell as a formula (OWASP, CSV Injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Quote a text cell when it holds a comma, quote or line break (RFC 4180); neutralise formula-like text. */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const raw = String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Columns in first-seen order over all rows (rows of a combined table may differ). */
export function tableColumns(rows: readonly TableRow[]): string[] {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  return columns;
}

/** CSV text of `rows` (header line first, "\n" line ends), built as a danfojs DataFrame. */
export async function toCsv(rows: readonly TableRow[]): Promise<string> {
  const columns = tableColumns(rows);
  if (rows.length === 0 || columns.length === 0) return `${columns.join(',')}\n`;
  const dfd = await loadDanfo();
  // Every cell goes in pre-formatted as text: danfojs then neither re-types nor re-formats it.
  const data: Record<string, string[]> = {};
  for (const column of columns) data[column] = rows.map((row) => csvCell(row[column]));
  const frame = new dfd.DataFrame(data, { columns: columns.map(csvCell) });
  const csv = dfd.toCSV(frame, { header: true, sep: ',' }) as string;
  return csv.endsWith('\n') ? csv : `${csv}\n`;
}
