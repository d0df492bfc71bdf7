/**
 * `--xlsx`: report.xlsx holds one sheet per chart, named by the chart id, whose cells read back
 * (with the same library, SheetJS) equal the chart's CSV cell for cell — numbers as numbers —
 * plus a sheet of the assumptions. Also the CLI flag on `costsim report`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as XLSX from 'xlsx';
import { writeReport, XLSX_FILE } from '../../src/report/write.ts';
import { sheetName } from '../../src/report/xlsx.ts';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { fixtureResults } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'costsim-xlsx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** RFC 4180 fields of a CSV text (quoted fields, doubled quotes), independent of the writer. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (quoted && ch === '"') quoted = false;
    else if (quoted) field += ch;
    else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  return rows;
}

function results() {
  const full = fixtureResults();
  return {
    ...full,
    rows: { pareto: full.rows.pareto, priceBands: full.rows.priceBands, referencePrices: full.rows.referencePrices, marginalCost: full.rows.marginalCost },
    assumptions: [
      { figure: 'Rival: starting cash', path: 'providers[1].cash', value: '=2+2', unit: 'USD', source: 'costsim default', provenance: 'assumed' as const },
    ],
  };
}

describe('report.xlsx', () => {
  it('has a sheet per chart equal to its CSV, and the assumptions', async () => {
    const dir = join(root, 'book');
    const written = await writeReport(dir, results(), { now: new Date('2026-01-01T00:00:00Z'), costsimVersion: 'test', xlsx: true });
    expect(written.artefacts.find((a) => a.file === XLSX_FILE)?.kind).toBe('xlsx');
    const book = XLSX.read(readFileSync(join(dir, XLSX_FILE)));
    expect(book.SheetNames).toEqual([...written.charts.map((c) => c.id), 'assumptions']);
    for (const chart of written.charts) {
      const sheet = book.Sheets[chart.id] as XLSX.WorkSheet;
      const cells = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, defval: null, raw: true });
      const csv = parseCsv(readFileSync(join(dir, `${chart.id}.csv`), 'utf8'));
      expect(cells.length, chart.id).toBe(csv.length);
      csv.forEach((line, r) =>
        line.forEach((text, c) => {
          const cell = (cells[r] as unknown[])[c] ?? null;
          // The CSV neutralises formula-like text with a leading quote; the workbook stores text as text.
          const expected = /^'[=+\-@]/.test(text) ? text.slice(1) : text;
          expect(cell === null ? '' : String(cell), `${chart.id} row ${r} column ${c}`).toBe(expected);
          if (r > 0 && text !== '' && Number.isFinite(Number(text)) && !/^'/.test(text))
            expect(typeof cell, `${chart.id} ${r}:${c} is a number`).toBe('number');
        }),
      );
    }
    const assumptions = XLSX.utils.sheet_to_json<Record<string, unknown>>(book.Sheets['assumptions'] as XLSX.WorkSheet);
    expect(assumptions).toEqual([
      { figure: 'Rival: starting cash', path: 'providers[1].cash', value: '=2+2', unit: 'USD', source: 'costsim default', provenance: 'assumed' },
    ]);
    // Text that looks like a formula is stored as text, not as a formula.
    expect((book.Sheets['assumptions'] as XLSX.WorkSheet)['C2']).toMatchObject({ t: 's', v: '=2+2' });
    expect((book.Sheets['assumptions'] as XLSX.WorkSheet)['C2'].f).toBeUndefined();
  }, 60_000);

  it('is written by `costsim report <dir> --xlsx`', async () => {
    const dir = join(root, 'cli');
    await writeReport(dir, results(), { now: new Date('2026-01-01T00:00:00Z'), costsimVersion: 'test' });
    const out: string[] = [];
    const ctx: CliContext = { out: (t) => out.push(t), err: () => {}, env: {}, isTTY: false, cwd: root };
    expect(await main(['report', 'cli', '--xlsx', '--json'], ctx)).toBe(0);
    expect(XLSX.read(readFileSync(join(dir, XLSX_FILE))).SheetNames).toContain('market-prices');
  }, 60_000);

  it('names sheets as Excel allows', () => {
    expect(sheetName('a/b:c', new Set())).toBe('a-b-c');
    expect(sheetName('x'.repeat(40), new Set())).toHaveLength(31);
    expect(sheetName('prices', new Set(['prices']))).toBe('prices-2');
  });
});
