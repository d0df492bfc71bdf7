import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function context(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

describe('costsim prune', () => {
  it.each([
    [['--sparsity', '0,1.5'], '--sparsity'],
    [['--sparsity', ''], '--sparsity'],
    [['--mode', 'pruney'], '--mode'],
    [['--schedule', 'step'], '--schedule'],
    [['--schedule', 'polynomial', '--begin-step', '9', '--end-step', '3'], '--begin-step'],
    [['--volume', '-5'], '--volume'],
    [['--accuracy-floor', '2'], '--accuracy-floor'],
    [['--device', 'abacus'], '--device'],
  ])('bad input %j exits 2 naming %s', async (args, flag) => {
    const ctx = context();
    expect(await main(['prune', ...args], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toContain(flag);
    expect(ctx.stdout).toEqual([]);
  });

  it('runs a tiny study in worker processes, prints one JSON object, and a rerun reuses the store', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'prune-cli-')), 'records.jsonl');
    const args = [
      'prune',
      '--model',
      'cnn',
      '--opt',
      'filters1=2',
      '--opt',
      'filters2=4',
      '--opt',
      'dense=8',
      '--data-limit',
      '200',
      '--dense-steps',
      '2',
      '--steps',
      '2',
      '--sparsity',
      '0,0.5',
      '--mode',
      'unstructured,structured',
      '--latency-rounds',
      '6',
      '--latency-ms',
      '5',
      '--latency-batch',
      '8',
      '--batch-size',
      '8',
      '--store',
      store,
      '--backend',
      'wasm',
      '--workers',
      '2',
      '--volume',
      '1000',
      '--accuracy-floor',
      '0.99',
      '--json',
    ];
    const first = context();
    expect(await main(args, first)).toBe(0);
    expect(first.stdout).toHaveLength(1);
    const out = JSON.parse(first.stdout[0] as string) as {
      levels: Array<Record<string, unknown> & { flops: Record<string, number>; latencyMs: Record<string, number>; payoff: Record<string, unknown> }>;
      failed: unknown[];
      latencyFailed: unknown[];
      latencyRetimed: number;
      trainStepRetimed: number;
    };
    expect(out.failed).toEqual([]);
    // Two workers trained side by side, so every level (2 modes × 2 sparsities × 1 seed) had its latency
    // and its training step timed again once they had exited.
    expect(out.latencyFailed).toEqual([]);
    expect(out.latencyRetimed).toBe(4);
    expect(out.trainStepRetimed).toBe(4);
    // stderr is not a terminal: plain lines, the sweep's and then the serial pass's, as `costsim run` prints them.
    const phases = first.stderr.filter((l) => /^costsim: prune: /.test(l));
    expect(phases).toEqual([
      'costsim: prune: cnn: 1 dense parent(s) and 4 pruned levels (method × sparsity × seed) in 2 worker process(es)',
      'costsim: prune: cnn: 4 level(s) timed again, latency then training step, in one worker process alone now that the pool has exited',
    ]);
    expect(first.stderr.at(-1)).toMatch(/^costsim: done in \d+ (s|min)$/);
    expect(out.levels.map((l) => [l.mode, l.sparsity])).toEqual([
      ['unstructured', 0],
      ['unstructured', 0.5],
      ['structured', 0],
      ['structured', 0.5],
    ]);
    for (const level of out.levels) {
      expect(typeof level.realisedSparsity).toBe('number');
      expect(typeof level.testAccuracy).toBe('number');
      expect(level.flops.dense).toBeGreaterThan(0);
      expect(level.flops.effective).toBeGreaterThan(0);
      expect(level.latencyMs.batch1).toBeGreaterThan(0);
      expect('breakEvenRequests' in level.payoff).toBe(true);
      expect(level.belowAccuracyFloor).toBe(true); // 2 steps of training cannot reach 99%
      expect(level.latencyTimedAlone).toBe(true);
    }
    expect(Math.abs((out.levels[1]?.realisedSparsity as number) - 0.5)).toBeLessThan(0.01);
    // Each level twice: as its worker timed it, then with the serial latency (the newer line wins).
    const lines = readFileSync(store, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    const second = context();
    expect(await main(args, second)).toBe(0);
    const again = JSON.parse(second.stdout[0] as string) as { skipped: number; latencyRetimed: number; trainStepRetimed: number; levels: unknown[] };
    expect(again.skipped).toBe(4);
    expect(again.latencyRetimed).toBe(0);
    expect(again.trainStepRetimed).toBe(0);
    // Nothing left to time again, so no serial-pass line; --quiet silences the rest.
    expect(second.stderr.filter((l) => l.includes('timed again'))).toEqual([]);
    const quiet = context();
    expect(await main([...args, '--quiet'], quiet)).toBe(0);
    expect(quiet.stderr).toEqual([]);
    expect(again.levels).toEqual(out.levels);
    expect(readFileSync(store, 'utf8').trim().split('\n')).toHaveLength(8);
  });
});
