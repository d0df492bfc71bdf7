/**
 * One Excel workbook with a sheet per chart's data (the same rows as the chart's CSV), plus the
 * scenario's assumptions, written with SheetJS (the `xlsx` package), loaded only when asked for.
 * Numbers stay numbers and text stays text: SheetJS writes strings as string cells, never as
 * formulas, so a cell starting with "=" is not run by a spreadsheet (no CSV-style neutralising
 * is needed). Pure of the file system: rows in, bytes out.
 */
import type { TableRow } from './charts/index.ts';
import { tableColumns } from './csv.ts';

/** One sheet: its name (at most 31 characters, Excel's limit) and rows. */
export interface Sheet {
  name: string;
  rows: readonly TableRow[];
}

/** Excel's limit on a sheet name's length. */
export const SHEET_NAME_CHARS = 31;

/** A name Excel accepts: none of `[]:*?/\`, at most 31 characters, unique within the book. */
export function sheetName(name: string, taken: ReadonlySet<string>): string {
  const clean = name.replace(/[[\]:*?/\\]/g, '-').slice(0, SHEET_NAME_CHARS) || 'sheet';
  let candidate = clean;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${clean.slice(0, SHEET_NAME_CHARS - String(i).length - 1)}-${i}`;
  return candidate;
}

/** The workbook's bytes (.xlsx). Cells: finite numbers as numbers, booleans as booleans, null and non-finite numbers empty. */
export async function toXlsx(sheets: readonly Sheet[]): Promise<Uint8Array> {
  const XLSX = await import('xlsx');
  const book = XLSX.utils.book_new();
  const taken = new Set<string>();
  for (const sheet of sheets) {
    const columns = tableColumns(sheet.rows);
    const cells: unknown[][] = [
      columns,
      ...sheet.rows.map((row) =>
        columns.map((c) => {
          const v = row[c];
          return v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v;
        }),
      ),
    ];
    const name = sheetName(sheet.name, taken);
    taken.add(name.toLowerCase());
    XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(cells), name);
  }
  return new Uint8Array(XLSX.write(book, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
}
