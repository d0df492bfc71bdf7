/**
 * A pruning study (levels × methods, each level after its dense parent) through the job queue
 * gives the same results as on the local pool: the same levels with the same realised sparsity,
 * test accuracy and FLOPs (the deterministic figures; latencies are measured, so they differ).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { runQueueWorker } from '../../../src/sweep/queue/worker.ts';
import { parseQueueUrl } from '../../../src/sweep/queue/url.ts';
import { redisServerPath, redisSkipReason, startRedis, type TestRedis } from '../../helpers/redis.ts';

function context(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

type Level = { mode: string; sparsity: number; realisedSparsity: number; testAccuracy: number; flops: Record<string, number> };

let redis: TestRedis;
describe.skipIf(!redisServerPath)(`costsim prune --queue${redisSkipReason}`, () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("gives the local pool's levels, sparsities, accuracies and FLOPs", { timeout: 300_000 }, async () => {
    const run = async (extra: string[]): Promise<Level[]> => {
      const store = join(mkdtempSync(join(tmpdir(), 'prune-queue-')), 'records.jsonl');
      const ctx = context();
      const code = await main(
        [
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
          '2',
          '--latency-batch',
          '8',
          '--batch-size',
          '8',
          '--store',
          store,
          '--backend',
          'wasm',
          '--volume',
          '1000',
          '--json',
          ...extra,
        ],
        ctx,
      );
      expect(code, ctx.stderr.join('\n')).toBe(0);
      const out = JSON.parse(ctx.stdout[0] as string) as { levels: Level[]; failed: unknown[] };
      expect(out.failed).toEqual([]);
      return out.levels.map((l) => ({
        mode: l.mode,
        sparsity: l.sparsity,
        realisedSparsity: l.realisedSparsity,
        testAccuracy: l.testAccuracy,
        flops: l.flops,
      }));
    };
    const local = await run(['--workers', '2']);
    expect(local).toHaveLength(4);
    const stop = new AbortController();
    const workers = [0, 1].map(() => runQueueWorker({ target: parseQueueUrl(redis.url), concurrency: 1, lockMs: 5000, signal: stop.signal }));
    try {
      expect(await run(['--queue', redis.url])).toEqual(local);
    } finally {
      stop.abort();
      await Promise.all(workers);
    }
  });
});
