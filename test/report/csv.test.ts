import { describe, expect, it } from 'vitest';
import { csvCell, tableColumns, toCsv } from '../../src/report/csv.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { marketRows } from '../../src/report/adapters/market.ts';
import { buildCharts } from '../../src/report/charts/index.ts';

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

  it('neutralises formula-like text with a leading quote (OWASP) and leaves numbers alone', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+44 20')).toBe("'+44 20");
    expect(csvCell('-x')).toBe("'-x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('a=b')).toBe('a=b');
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(-0.001)).toBe('-0.001');
  });

  it('neutralises hostile provider names and reference notes in every CSV of a market report', async () => {
    const hostile = ['=HYPERLINK("http://x","y")', '+SUM(1,2)', '@cmd', '-2+3'];
    const scenario = parseScenario(
      `name: injection
periods: 6
calendar: { start: 2024-01-01, periodDays: 30 }
demand: { type: logit, mu: 0.25 }
providers:
${hostile.map((n, i) => `  - { name: ${JSON.stringify(n)}, quality: ${1 + i / 4}, marginalCost: 1, cash: 2, strategy: { type: undercutLeader, step: 0.2 } }`).join('\n')}
references:
  - { provider: ${JSON.stringify(hostile[0])}, date: 2024-03-01, price: 1.5, source: "=cmd|' /C calc'!A0", note: "@note" }
`,
      'injection.yaml',
    );
    const runs = simulateRuns(scenario, new Map(), [0, 1]);
    const charts = buildCharts(marketRows(assembleSimulation(scenario, new Map(), runs)), { priceUnit: 'USD per unit' });
    expect(charts.length).toBeGreaterThanOrEqual(5);
    const seen = new Set<string>();
    for (const chart of charts) {
      const cells = parseCsv(await toCsv(chart.table)).flat();
      for (const cell of cells) {
        if (/^[=+\-@\t\r]/.test(cell)) {
          // The only cells allowed to start so are numbers written as numbers (e.g. a negative profit).
          expect(Number.isFinite(Number(cell)), `${chart.id}: ${cell}`).toBe(true);
        }
        if (cell.startsWith("'")) seen.add(cell.slice(1));
      }
      // Every hostile name that appears in this table appears neutralised.
      for (const name of hostile) if (chart.table.some((row) => Object.values(row).includes(name))) expect(cells, chart.id).toContain(`'${name}`);
    }
    expect([...seen].sort()).toEqual(expect.arrayContaining(hostile));
  });
});
