import { describe, expect, it } from 'vitest';
import { csvCell, tableColumns, toCsv } from '../../src/report/csv.ts';

/** A small RFC 4180 reader, independent of the writer: quoted fields, doubled quotes, commas inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
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

describe('CSV through danfojs', () => {
  it('quotes text per RFC 4180 and leaves plain cells alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(0.25)).toBe('0.25');
    expect(csvCell(true)).toBe('true');
  });

  it('unions columns in first-seen order', () => {
    expect(tableColumns([{ a: 1 }, { b: 2, a: 3 }, { c: null }])).toEqual(['a', 'b', 'c']);
  });

  it('writes a table that an independent RFC 4180 reader reads back cell for cell', async () => {
    const rows = [
      { provider: 'Zhipu, GLM', priceUsd: 0.14, date: '2024-05-11', note: 'cut "to ¥1"' },
      { provider: 'DeepSeek', priceUsd: 1e-7, date: '2024-05-06', note: null },
    ];
    const text = await toCsv(rows);
    expect(parseCsv(text)).toEqual([
      ['provider', 'priceUsd', 'date', 'note'],
      ['Zhipu, GLM', '0.14', '2024-05-11', 'cut "to ¥1"'],
      ['DeepSeek', '1e-7', '2024-05-06', ''],
    ]);
    expect(await toCsv(rows)).toBe(text);
  });

  it('writes a header only for an empty table', async () => {
    expect(await toCsv([])).toBe('\n');
  });
});
