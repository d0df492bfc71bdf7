/**
 * Re-rendering re-uses the previous report's SVG, PNG and CSV only when they cannot be stale:
 * same spec bytes, same renderer, intact files. Shown by planting a marked SVG (with its hash
 * updated in report.json): an unchanged re-render keeps the plant, a changed spec, a different
 * renderer or a file whose bytes no longer match its hash is rendered afresh.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.ts';
import { fixtureResults } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'costsim-reuse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const options = { now: new Date('2026-01-01T00:00:00Z'), costsimVersion: 'test' };

function results(seed = 7) {
  const full = fixtureResults(seed);
  return { ...full, rows: { pareto: full.rows.pareto, shares: full.rows.shares } };
}

/** Replace `file` in `dir` with `text`, updating its hash in report.json (or not). */
function plant(dir: string, file: string, text: string, updateHash = true): void {
  writeFileSync(join(dir, file), text);
  if (!updateHash) return;
  const reportFile = join(dir, 'report.json');
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { artefacts: Array<{ file: string; sha256: string }> };
  for (const a of report.artefacts) if (a.file === file) a.sha256 = createHash('sha256').update(text).digest('hex');
  writeFileSync(reportFile, JSON.stringify(report));
}

const PLANT = '<svg xmlns="http://www.w3.org/2000/svg"><!-- planted --></svg>';

describe('re-use of rendered files', () => {
  it('keeps an unchanged chart’s SVG and CSV, renders a changed one afresh', async () => {
    const dir = join(root, 'a');
    await writeReport(dir, results(), options);
    plant(dir, 'cost-to-accuracy.svg', PLANT);
    plant(dir, 'market-shares.csv', 'planted\n');
    plant(dir, 'cost-to-accuracy.csv', 'planted\n');
    await writeReport(dir, results(), options);
    expect(readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8')).toBe(PLANT);
    expect(readFileSync(join(dir, 'market-shares.csv'), 'utf8')).toBe('planted\n');
    // Another seed: the cost-to-accuracy rows change (new spec and table, both made again); the
    // fixture's shares do not depend on the seed, so their CSV is rightly kept.
    await writeReport(dir, results(8), options);
    expect(readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    expect(readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8')).not.toBe(PLANT);
    expect(readFileSync(join(dir, 'cost-to-accuracy.csv'), 'utf8')).toMatch(/^label,model,/);
    expect(readFileSync(join(dir, 'market-shares.csv'), 'utf8')).toBe('planted\n');
  }, 60_000);

  it('renders afresh when a file no longer matches its hash, or the renderer differs', async () => {
    const dir = join(root, 'b');
    await writeReport(dir, results(), options);
    const good = readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8');
    plant(dir, 'cost-to-accuracy.svg', PLANT, false); // bytes changed behind report.json's back
    await writeReport(dir, results(), options);
    expect(readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8')).toBe(good);
    plant(dir, 'cost-to-accuracy.svg', PLANT);
    const reportFile = join(dir, 'report.json');
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { renderer: string };
    expect(report.renderer).toMatch(/^vega \d+\.\d+\.\d+, vega-lite \d+\.\d+\.\d+, resvg \d+\.\d+\.\d+/);
    writeFileSync(reportFile, JSON.stringify({ ...report, renderer: 'vega 0.0.0' }));
    await writeReport(dir, results(), options);
    expect(readFileSync(join(dir, 'cost-to-accuracy.svg'), 'utf8')).toBe(good);
  }, 60_000);
});
