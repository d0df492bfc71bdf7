/**
 * End to end: `costsim run` on a small scenario (real training on tiny budgets, a transformer
 * placement, calibration, a market priced from the measured model), then the page opened in
 * headless Chromium; `costsim report` re-renders it; bad input exits 2 and leaves the report.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { checkReportPage, CHROMIUM_PATH } from './browser.ts';

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: { COSTSIM_BACKEND: 'wasm' }, isTTY: false, cwd };
}

const SCENARIO = `
name: tiny
question: Can a provider serving a tiny measured MLP survive against a cheaper rival?
seed: 3
periods: 8
unit: 1B images
monteCarlo: { runs: 4 }
bench:
  - { id: mlp-k1, model: mlp, modelOptions: { width: 32, dataLimit: 512 }, batch: 16, accum: 1, steps: 4, seed: 1, device: aws-c6a.large }
  - { id: mlp-k2, model: mlp, modelOptions: { width: 32, dataLimit: 512 }, batch: 16, accum: 2, steps: 4, seed: 1, device: aws-c6a.large }
placement:
  - { model: "transformer:layers=2,hidden=256,heads=4,seq=128,vocab=1000,batch=2", devices: [aws-c6a.large, l4] }
demand: { type: logit, mu: 0.5, outsideQuality: 0 }
providers:
  - name: Measured
    quality: { fromAccuracy: mlp-k1, mapping: { type: linear, slope: 2, intercept: 0.5 } }
    cost: { bench: mlp-k1, device: aws-c6a.large, samplesPerUnit: 1.0e9 }
    cash: 50
    fixedCostPerPeriod: 5
    strategy: { type: costPlus, markup: 0.3 }
  - name: Rival
    quality: 2
    marginalCost: { dist: uniform, min: 0.2, max: 0.4 }
    strategy: { type: undercutLeader, step: 0.1 }
`;

let root: string;
let out: string;
let runCode: number;
let runCtx: ReturnType<typeof capture>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'costsim-e2e-'));
  writeFileSync(join(root, 'tiny.yaml'), SCENARIO);
  out = join(root, 'reports', 'tiny');
  runCtx = capture(root);
  runCode = await main(['run', 'tiny.yaml', '--store', 'store/records.jsonl', '--workers', '1', '--json'], runCtx);
}, 300_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('costsim run, end to end', () => {
  it('writes reports/<name>/ with a page, report.json, and SVG, PNG and CSV per chart', () => {
    expect(runCode, runCtx.stderr.join('\n')).toBe(0);
    expect(runCtx.stdout).toHaveLength(1); // --json: one object, nothing else on stdout
    const printed = JSON.parse(runCtx.stdout[0] as string) as { dir: string; charts: Array<{ id: string }> };
    expect(printed.dir).toBe(out);
    const ids = printed.charts.map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'cost-to-accuracy',
        'gradient-accumulation',
        'placement-time',
        'placement-memory',
        'placement-calibration',
        'market-prices',
        'market-shares',
        'market-profit',
        'market-survival',
        'market-equilibrium',
      ]),
    );
    for (const id of ids) for (const ext of ['svg', 'png', 'csv']) expect(existsSync(join(out, `${id}.${ext}`)), `${id}.${ext}`).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as {
      summary: { answer: string; keyNumbers: unknown[] };
      artefacts: Array<{ file: string; provenance: string[] }>;
    };
    expect(report.summary.answer).toMatch(/Measured/);
    expect(report.summary.keyNumbers.length).toBeGreaterThan(3);
    expect(report.artefacts.find((a) => a.file === 'cost-to-accuracy.svg')?.provenance.length).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(CHROMIUM_PATH))(
    'opens offline in headless Chromium: every chart draws a non-empty SVG, no console error',
    async () => {
      const page = await checkReportPage(join(out, 'index.html'));
      const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { artefacts: Array<{ kind: string }> };
      const charts = report.artefacts.filter((a) => a.kind === 'svg').length;
      expect(page.containers).toHaveLength(charts);
      expect(page.rendered).toEqual(page.containers);
      expect(page.consoleErrors).toEqual([]);
    },
    120_000,
  );

  it('re-renders from results.json with `costsim report`: same specs and CSVs, byte for byte', async () => {
    const files = ['market-prices.vl.json', 'market-prices.csv', 'market-survival.csv', 'cost-to-accuracy.vl.json'];
    const before = files.map((f) => readFileSync(join(out, f), 'utf8'));
    const ctx = capture(root);
    expect(await main(['report', 'reports/tiny'], ctx)).toBe(0);
    expect(files.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(before);
  }, 120_000);

  it('bad input: a missing scenario, a malformed one, an unwritable output: exit 2, previous report intact', async () => {
    const page = readFileSync(join(out, 'index.html'));
    const missing = capture(root);
    expect(await main(['run', 'nope.yaml', '--out', 'reports/tiny'], missing)).toBe(2);
    expect(missing.stderr.join('\n')).toMatch(/nope\.yaml/);
    writeFileSync(join(root, 'bad.yaml'), 'name: tiny\nperiods: -3\n');
    const malformed = capture(root);
    expect(await main(['run', 'bad.yaml', '--out', 'reports/tiny'], malformed)).toBe(2);
    expect(malformed.stderr.join('\n')).toMatch(/bad\.yaml.*periods/);
    writeFileSync(join(root, 'a-file'), 'x');
    const unwritable = capture(root);
    expect(await main(['run', 'tiny.yaml', '--out', 'a-file/report'], unwritable)).toBe(2);
    expect(unwritable.stderr.join('\n')).toMatch(/a-file\/report/);
    expect(readFileSync(join(out, 'index.html')).equals(page)).toBe(true);
  });
});
