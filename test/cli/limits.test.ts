/**
 * Resource limits and non-finite results through the CLI (issue 11): each refusal exits with
 * its code, names the flag or field and the limit, prints nothing on stdout and writes nothing.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

const calvano = resolve('scenarios/calvano-baseline.yaml');

/** Run the CLI in a fresh directory; returns exit code, output and what the directory holds afterwards. */
async function inTemp(args: (dir: string) => string[], files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'costsim-limits-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const ctx = capture(dir);
  const code = await main(args(dir), ctx);
  return { code, stdout: ctx.stdout, stderr: ctx.stderr.join('\n'), left: readdirSync(dir).sort(), dir };
}

describe('limits with clear errors', () => {
  it.each([
    [['simulate', calvano, '--workers', '1000'], /--workers: 1000 worker processes is more than this machine's \d+ cores?/],
    [['run', calvano, '--workers', '1000'], /--workers: 1000 worker processes is more than/],
    [['simulate', calvano, '--runs', '10000000'], /--runs: must be at most 100,000, the same cap as monteCarlo\.runs \(got 10000000\)/],
    [['simulate', calvano, '--periods', '1000000000'], /--periods: must be at most 100,000/],
    [
      ['simulate', calvano, '--runs', '100000', '--periods', '100'],
      /--runs and --periods: --runs and --periods with 2 providers: 100,000 runs × 100 periods × 2 providers = 20,000,000 rows, more than the 2,000,000 allowed \(at ~430 bytes per row .* ~8\.6 GB\)/,
    ],
    [['bench', '--model', 'mlp', '--opt', 'width=1e9'], /model option "width": must be <= 4096 for mlp \(got 1000000000\)/],
    [['bench', '--model', 'transformer', '--opt', 'layers=100000'], /model option "layers": must be <= 12 for transformer/],
    [
      ['plan', '--model', 'transformer:layers=1000000000,hidden=4096,heads=32,seq=2048,vocab=32000', '--device', 'aws-c6a.large'],
      /--model: shape field "layers" must be <= 1,000 \(got 1000000000\)/,
    ],
  ])('%j exits 2 naming the limit and writes nothing', async (args, message) => {
    const r = await inTemp(() => args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toEqual([]);
    expect(r.left).toEqual([]);
  });

  it('an unwritable --store fails before training, exit 2, for bench and for run', async () => {
    const bench = await inTemp(() => ['bench', '--model', 'mlp', '--steps', '2', '--opt', 'width=16', '--store', 'file/records.jsonl'], {
      file: 'not a directory',
    });
    expect(bench.code).toBe(2);
    expect(bench.stderr).toMatch(/cannot write the record store .*file\/records\.jsonl \(--store\): .*file is not a directory/);
    const scenario = 'bench:\n  - { id: m, model: mlp, steps: 2, device: aws-c6a.large, modelOptions: { width: 16, dataLimit: 200 } }\n';
    const run = await inTemp(() => ['run', 's.yaml', '--store', 'file/records.jsonl'], { file: 'x', 's.yaml': scenario });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot write the record store .*\(--store\)/);
    expect(run.left).toEqual(['file', 's.yaml']);
  });

  it('training with --lr 1e30 stops at the first non-finite loss, exits 3 and stores nothing', async () => {
    const r = await inTemp(() => [
      'bench',
      '--model',
      'mlp',
      '--steps',
      '4',
      '--batch',
      '8',
      '--opt',
      'width=16',
      '--opt',
      'dataLimit=300',
      '--backend',
      'wasm',
      '--lr',
      '1e30',
      '--store',
      'store/records.jsonl',
      '--json',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/training diverged: the loss is (NaN|-?Infinity) at step 2 of 4 .*nothing was recorded\. Lower the learning rate \(--lr\)/);
    expect(r.stdout).toEqual([]);
    expect(existsSync(join(r.dir, 'store'))).toBe(false);
  });

  it('an alias bomb exits 2 naming the file; an ESC sequence in the input never reaches stderr', async () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const r = await inTemp(() => ['simulate', 'bomb.yaml'], { 'bomb.yaml': bomb });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^costsim: bomb\.yaml \(line 2\): aliases expand to too many nodes/);
    const esc = await inTemp(() => ['equilibrium', 'esc.yaml'], {
      'esc.yaml':
        'demand: { type: logit, mu: 1 }\nproviders:\n  - { name: a, quality: 1, marginalCost: 1, strategy: { type: costPlus } }\n"\\e]0;pwned\\a\\e[2J": 1\n',
    });
    expect(esc.code).toBe(2);
    expect(esc.stderr).toMatch(/esc\.yaml .*unknown key/);
    expect(esc.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('a market that overflows exits 3 naming the inputs, in this process and from worker processes alike', async () => {
    const overflow =
      'monteCarlo: { runs: 2 }\nperiods: 3\ndemand: { type: logit, mu: 0.25 }\nproviders:\n  - { name: a, quality: 2, marginalCost: 1, strategy: { type: bestResponse } }\n  - { name: b, quality: 10000, marginalCost: 1, strategy: { type: costPlus } }\n';
    for (const workers of ['1', '2']) {
      const dir = mkdtempSync(join(tmpdir(), 'costsim-limits-'));
      writeFileSync(join(dir, 'o.yaml'), overflow);
      const ctx = { ...capture(dir), env: { COSTSIM_MAX_WORKERS: '2' } };
      const code = await main(['simulate', 'o.yaml', '--workers', workers, '--json', '--quiet'], ctx);
      expect(code, `--workers ${workers}`).toBe(3);
      expect(ctx.stderr.join('\n')).toMatch(
        /^costsim: run \d is not a finite number \(the solver failed: solveLinear: singular matrix\).*\(quality − cost − outsideQuality\) \/ mu reaches 4\.00e\+4/,
      );
      expect(ctx.stdout).toEqual([]);
    }
  });

  it('a device, a directory, a too-large file or a collection key as the scenario exits 2 before reading it whole', async () => {
    for (const [args, message] of [
      [['simulate', '/dev/zero'], /^costsim: \/dev\/zero: is not a regular file \(a device, pipe or socket\); give a YAML file$/],
      [['equilibrium', '.'], /^costsim: \.: is a directory, not a scenario file/],
      [['plan', '--scenario', '/dev/zero'], /\/dev\/zero: is not a regular file/],
      [['simulate', 'big.yaml'], /^costsim: big\.yaml: the file is 1,100,000 bytes; a scenario may be at most 1,048,576 bytes/],
      [['simulate', 'key.yaml'], /^costsim: key\.yaml \(line 1\): a key must be plain text, not a list or a mapping/],
      [['simulate', calvano, '--seed', '1e300'], /--seed: must be at most 9007199254740991 \(got "1e300"\)/],
    ] as const) {
      const r = await inTemp(() => [...args], { 'big.yaml': `name: ${'x'.repeat(1_100_000 - 7)}\n`, 'key.yaml': '? [a, b]\n: 1\n' });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
