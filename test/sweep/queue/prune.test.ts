/**
 * A pruning study (levels × methods, each level after its dense parent) through the job queue
 * gives the same results as on the local pool: the same levels with the same realised sparsity,
 * test accuracy and FLOPs (the deterministic figures; latencies are measured, so they differ).
 * How latency and training step were timed differs, and each record says so: the local pool of
 * two re-times both serially, alone; the queue keeps the queue worker's timings, not re-timed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import { readRecords } from '../../../src/bench/store.ts';
import { isPruneRecord, type PruneRecord } from '../../../src/bench/prune/record.ts';
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

  it(
    "gives the local pool's levels, sparsities, accuracies and FLOPs; each record says where its latency and training step were timed",
    { timeout: 300_000 },
    async () => {
      /** The newest stored record of each level (the store's last line per key wins). */
      const storedLevels = (store: string): PruneRecord[] => {
        const byKey = new Map<string, PruneRecord>();
        for (const r of readRecords(store)) if (isPruneRecord(r)) byKey.set(r.cacheKey, r);
        return [...byKey.values()];
      };
      const stored = new Map<string, { records: PruneRecord[]; latencyRetimed: number }>();
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
        const out = JSON.parse(ctx.stdout[0] as string) as { levels: Level[]; failed: unknown[]; latencyRetimed: number };
        expect(out.failed).toEqual([]);
        stored.set(extra[0] as string, { records: storedLevels(store), latencyRetimed: out.latencyRetimed });
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
      // The local pool of two: every level's latency and training step timed again alone.
      const pool = stored.get('--workers');
      expect(pool?.latencyRetimed).toBe(4);
      expect(pool?.records).toHaveLength(4);
      for (const r of pool?.records ?? []) {
        expect(r.prune.latencyTiming?.where).toBe('serial');
        expect(r.prune.trainStepTiming?.timedAlone).toBe(true);
      }
      // The queue: timed in the queue worker, where other load is unknown, and never re-timed here.
      const queued = stored.get('--queue');
      expect(queued?.latencyRetimed).toBe(0);
      expect(queued?.records).toHaveLength(4);
      const queueTiming = { where: 'queue-worker', workerProcesses: null, workersRunning: null, timedAlone: false };
      for (const r of queued?.records ?? []) {
        expect(r.prune.latencyTiming).toEqual(queueTiming);
        expect(r.prune.trainStepTiming).toEqual(queueTiming);
        expect(r.prune.latencyInWorker).toBeUndefined();
        expect(r.prune.trainStepInWorker).toBeUndefined();
        expect(r.provenance['metrics.latencyMs']?.source).toMatch(/timed in a queue worker .* queue mode does not re-time serially/);
        expect(r.provenance['prune.trainStep']?.source).toMatch(/timed in a queue worker .* queue mode does not re-time serially/);
      }
    },
  );
});
