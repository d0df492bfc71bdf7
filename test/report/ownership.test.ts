import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.ts';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { REPORT_MARKER } from '../../src/report/ownership.ts';
import { readResults } from '../../src/report/results-file.ts';
import { checkReportTarget, writeReport } from '../../src/report/write.ts';
import { fixtureResults } from './fixtures.ts';

const options = { now: new Date('2026-01-01T00:00:00Z'), costsimVersion: 'test' };
const repo = fileURLToPath(new URL('../..', import.meta.url));
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'costsim-ownership-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function small(seed = 7) {
  const full = fixtureResults(seed);
  return { ...full, rows: { pareto: full.rows.pareto, shares: full.rows.shares, survival: full.rows.survival } };
}

/** Every file under `dir` with its content, for before/after comparisons. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[join(entry.parentPath, entry.name).slice(dir.length)] = readFileSync(join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('report ownership: never delete what costsim did not write', () => {
  it('`costsim run --out .` in a project folder with a results.json leaves every file in place (exit 2)', async () => {
    const project = join(root, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'index.ts'), 'export const precious = 1;\n');
    writeFileSync(join(project, 'results.json'), '{"mine": true}\n');
    writeFileSync(join(project, 'report.json'), '{"quarterly": "report"}\n');
    const before = snapshot(project);
    const ctx = capture(project);
    expect(await main(['run', join(repo, 'scenarios', 'calvano-baseline.yaml'), '--out', '.'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/not written by costsim.*refusing to replace it/);
    expect(snapshot(project)).toEqual(before);
  });

  it("`costsim report <dir>` refuses a directory whose results.json sits beside a user's notes", async () => {
    const dir = join(root, 'projG');
    await writeReport(dir, small(), options);
    mkdirSync(join(dir, 'notes'));
    writeFileSync(join(dir, 'notes', 'meeting.md'), '# keep me\n');
    const ctx = capture(root);
    expect(await main(['report', dir], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/also holds files costsim did not write \(notes\)/);
    expect(readFileSync(join(dir, 'notes', 'meeting.md'), 'utf8')).toBe('# keep me\n');
  });

  it('replaces its own report (marker lists every file), and a report from before the marker existed', async () => {
    const dir = join(root, 'own');
    await writeReport(dir, small(7), options);
    expect(JSON.parse(readFileSync(join(dir, REPORT_MARKER), 'utf8')).files).toContain('index.html');
    await writeReport(dir, small(8), options);
    expect(readResults(join(dir, 'results.json'))).toEqual(JSON.parse(JSON.stringify(small(8))));
    unlinkSync(join(dir, REPORT_MARKER)); // as written by costsim 0.1.0: report.json lists the artefacts
    await writeReport(dir, small(9), options);
    expect(readResults(join(dir, 'results.json'))).toEqual(JSON.parse(JSON.stringify(small(9))));
  });

  it('a kill between the two renames is recovered on the next start: the new, complete report is put in place', async () => {
    const dir = join(root, 'killed');
    await writeReport(dir, small(7), options);
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'test/report/fixtures/killed-swap.ts'), dir, '8'], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(child.signal).toBe('SIGKILL');
    expect(existsSync(dir)).toBe(false); // the state a crash leaves
    const leftovers = readdirSync(root).filter((f) => f.startsWith('.killed.'));
    expect(leftovers.map((f) => f.replace(/-\d+$/, '')).sort()).toEqual(['.killed.old', '.killed.staging']);
    const notes: string[] = [];
    checkReportTarget(dir, (n) => notes.push(n));
    expect(notes.join('\n')).toMatch(/recovered .*killed from an interrupted write \(the new report, complete\)/);
    expect(readResults(join(dir, 'results.json'))).toEqual(JSON.parse(JSON.stringify(small(8))));
    expect(readdirSync(root).filter((f) => f.startsWith('.killed.'))).toEqual([]);
  });

  it('an unfinished staging directory (no marker) is discarded and the previous report restored', async () => {
    const dir = join(root, 'half');
    await writeReport(dir, small(7), options);
    const pid = deadPid();
    renameSync(dir, join(root, `.half.old-${pid}`));
    mkdirSync(join(root, `.half.staging-${pid}`));
    writeFileSync(join(root, `.half.staging-${pid}`, 'results.json'), '{');
    const notes: string[] = [];
    checkReportTarget(dir, (n) => notes.push(n));
    expect(notes.join('\n')).toMatch(/the previous report/);
    expect(readResults(join(dir, 'results.json'))).toEqual(JSON.parse(JSON.stringify(small(7))));
    expect(readdirSync(root).filter((f) => f.startsWith('.half.'))).toEqual([]);
  });

  it('fails fast on an output path under /proc and creates no directory on failure', () => {
    if (existsSync('/proc/self')) expect(() => checkReportTarget('/proc/costsim-x/report')).toThrow(OutputError);
    const nested = join(root, 'a', 'b', 'c');
    checkReportTarget(nested);
    expect(existsSync(join(root, 'a'))).toBe(false);
  });
});
