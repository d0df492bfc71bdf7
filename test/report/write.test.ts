import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputError, InputError } from '../../src/errors.ts';
import { readResults } from '../../src/report/results-file.ts';
import { writeReport } from '../../src/report/write.ts';
import { fixtureResults } from './fixtures.ts';

const now = new Date('2026-01-01T00:00:00Z');
const options = { now, costsimVersion: 'test' };
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'costsim-report-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The fixture with only three cheap charts, to keep the suite fast. */
function smallResults(seed = 7) {
  const full = fixtureResults(seed);
  return { ...full, rows: { pareto: full.rows.pareto, shares: full.rows.shares, survival: full.rows.survival } };
}

describe('writeReport', () => {
  it('writes page, report.json, results.json and SVG, PNG, CSV, spec per chart; report.json hashes match the files', async () => {
    const dir = join(root, 'one');
    const written = await writeReport(dir, smallResults(), options);
    const files = readdirSync(dir).sort();
    const perChart = written.charts.flatMap((c) => ['csv', 'png', 'svg', 'vl.json'].map((ext) => `${c.id}.${ext}`));
    expect(files).toEqual(['.costsim-report', 'index.html', 'report.json', 'results.json', ...perChart].sort());
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as {
      artefacts: Array<{ file: string; sha256: string; bytes: number; provenance: string[] }>;
    };
    expect(report.artefacts.map((a) => a.file).sort()).toEqual(files.filter((f) => f !== 'report.json' && f !== '.costsim-report').sort());
    for (const a of report.artefacts) {
      const bytes = readFileSync(join(dir, a.file));
      expect(a.bytes).toBe(bytes.length);
      expect(a.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    const png = readFileSync(join(dir, 'cost-to-accuracy.png'));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a'); // PNG signature
    expect(readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8')).toContain('What does accuracy cost?');
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(html).toContain('href="cost-to-accuracy.csv"');
    expect(html).not.toMatch(/<script[^>]+src=/); // libraries inlined, nothing fetched
    expect(html).toContain('Who survives a price war between three providers?');
  });

  it('round-trips results.json, and re-rendering gives byte-identical specs and CSVs', async () => {
    const dir = join(root, 'two');
    const results = smallResults();
    await writeReport(dir, results, options);
    expect(readResults(join(dir, 'results.json'))).toEqual(JSON.parse(JSON.stringify(results)));
    const before = readdirSync(dir)
      .filter((f) => f.endsWith('.csv') || f.endsWith('.vl.json'))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
    await writeReport(dir, readResults(join(dir, 'results.json')), { ...options, now: new Date('2027-01-01T00:00:00Z') });
    const after = before.map(([f]) => [f, readFileSync(join(dir, f as string), 'utf8')]);
    expect(after).toEqual(before);
  });

  it('leaves the previous report intact when rendering fails, and leaves no staging directory behind', async () => {
    const dir = join(root, 'three');
    await writeReport(dir, smallResults(), options);
    const before = readFileSync(join(dir, 'index.html'));
    // Fail half-way through rendering, as an interrupted or crashing run would.
    const interrupted = {
      ...options,
      onChart: (_chart: unknown, index: number) => {
        if (index === 1) throw new Error('interrupted');
      },
    };
    await expect(writeReport(dir, smallResults(8), interrupted)).rejects.toThrow('interrupted');
    expect(readFileSync(join(dir, 'index.html')).equals(before)).toBe(true);
    expect(readdirSync(root).filter((f) => f.includes('staging'))).toEqual([]);
  });

  it('refuses to replace a directory that is not a report', async () => {
    const dir = join(root, 'not-a-report');
    mkdirSync(dir);
    writeFileSync(join(dir, 'thesis.tex'), 'precious');
    await expect(writeReport(dir, smallResults(), options)).rejects.toBeInstanceOf(OutputError);
    expect(readFileSync(join(dir, 'thesis.tex'), 'utf8')).toBe('precious');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unwritable parent directory as OutputError (exit 2)', async () => {
    const parent = join(root, 'locked');
    mkdirSync(parent);
    chmodSync(parent, 0o500);
    try {
      const error = await writeReport(join(parent, 'r'), smallResults(), options).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutputError);
      expect((error as OutputError).exitCode).toBe(2);
    } finally {
      chmodSync(parent, 0o700);
    }
  });

  it('reports a parent that is a file as OutputError (exit 2), even as root', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    const error = await writeReport(join(file, 'r'), smallResults(), options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
  });

  it('names the file and the field of a malformed results.json', () => {
    const dir = join(root, 'bad-results');
    mkdirSync(dir);
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ ...smallResults(), version: 2 }));
    expect(() => readResults(join(dir, 'results.json'))).toThrow(InputError);
    expect(() => readResults(join(dir, 'results.json'))).toThrow(/results\.json version/);
    writeFileSync(join(dir, 'results.json'), '{ not json');
    expect(() => readResults(join(dir, 'results.json'))).toThrow(/not valid JSON/);
  });
});
