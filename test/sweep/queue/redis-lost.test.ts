/**
 * Redis going away in the middle of a queued sweep (issue 17): the submitting command fails
 * with a QueueUnavailableError naming the URL (exit code 1, src/errors.ts) instead of waiting
 * forever, and a rerun once Redis is back (same port, its append-only file kept) resumes:
 * every point ends up in the store exactly once, none lost, none computed twice for the store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep } from '../../../src/sweep/runner.ts';
import { runQueueWorker } from '../../../src/sweep/queue/worker.ts';
import { parseQueueUrl } from '../../../src/sweep/queue/url.ts';
import { appendLine } from '../../../src/util/atomic-write.ts';
import { QueueUnavailableError } from '../../../src/errors.ts';
import { fixedFreePort, redisServerPath, redisSkipReason, startRedis, type TestRedis } from '../../helpers/redis.ts';

const square = fileURLToPath(new URL('../fixtures/square-worker.ts', import.meta.url));
let redis: TestRedis | undefined;

describe.skipIf(!redisServerPath)(`Redis going away mid-sweep${redisSkipReason}`, () => {
  afterAll(async () => {
    await redis?.stop();
  });

  // It normally takes ~14 s. Two full-suite runs on 2026-12-02 hung here until the 120 s timeout (not reproduced alone,
  // under a CPU hog, or in ~15 runs beside other test files; once beside test/package.test.ts): a stuck attempt now
  // says on stderr which step it reached, and is retried once on a fresh Redis. The cause is not known yet.
  it('fails naming the URL, and a rerun after Redis is back loses and duplicates nothing', { timeout: 60_000, retry: 1 }, async () => {
    await redis?.stop(); // a stuck earlier attempt's Redis
    let step = 'starting Redis';
    const watchdog = setTimeout(() => process.stderr.write(`redis-lost: still waiting after 50 s at: ${step}\n`), 50_000);
    const dir = mkdtempSync(join(tmpdir(), 'queue-lost-'));
    const store = join(dir, 'results.jsonl');
    // Stopped and restarted on this port: a port another test's freePort() cannot be given meanwhile.
    const port = await fixedFreePort();
    redis = await startRedis({ port, dir });
    const url = `redis://127.0.0.1:${port}/0`;
    const points = Array.from({ length: 8 }, (_, n) => ({ key: `p${n}`, params: { n, delayMs: 400 } }));
    const lines = (): Array<{ key: string; result: { n: number; square: number } }> =>
      existsSync(store)
        ? readFileSync(store, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l))
        : [];
    const sweep = (): Promise<Awaited<ReturnType<typeof runSweep>>> => {
      const done = new Set(lines().map((l) => l.key));
      return runSweep({
        queue: url,
        points,
        workerModule: square,
        isDone: (k) => done.has(k),
        onResult: (key, result) => appendLine(store, JSON.stringify({ key, result })),
      });
    };
    const stopWorker = new AbortController();
    const worker = runQueueWorker({ target: parseQueueUrl(url), concurrency: 1, lockMs: 1000, signal: stopWorker.signal }).catch((e: unknown) => e);

    const first = sweep().catch((e: unknown) => e);
    step = 'waiting for the first 2 results';
    await new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        if (lines().length >= 2) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() - started > 40_000) {
          clearInterval(poll);
          reject(new Error(`after 40 s the queued sweep has stored ${lines().length} of ${points.length} points (expected 2 before Redis is stopped)`));
        }
      }, 20);
    });
    step = 'stopping Redis after 2 results';
    await redis.stop();
    step = 'waiting for the first sweep to fail';
    const failure = await first;
    expect(failure).toBeInstanceOf(QueueUnavailableError);
    expect((failure as QueueUnavailableError).message).toContain(`cannot reach the job queue at ${url}`);
    expect((failure as QueueUnavailableError).exitCode).toBe(1);
    // The worker gives up too, naming the URL (it would otherwise retry forever).
    step = 'waiting for the first worker to give up';
    expect(String(await worker)).toContain(url);
    const before = lines().map((l) => l.key);
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(before.length).toBeLessThan(points.length);

    // Redis back on the same port with its data; a new worker; the same command again.
    step = 'restarting Redis';
    redis = await startRedis({ port, dir });
    const stopAgain = new AbortController();
    const again = runQueueWorker({ target: parseQueueUrl(url), concurrency: 1, lockMs: 1000, signal: stopAgain.signal });
    // Awaited below; if this attempt is stuck and retried, the retry stops its Redis and this must not surface as unhandled.
    again.catch(() => undefined);
    try {
      step = 'waiting for the rerun';
      const summary = await sweep();
      expect(summary.failed).toEqual([]);
      expect(summary.skipped.sort()).toEqual([...before].sort());
      const all = lines();
      expect(all.map((l) => l.key).sort()).toEqual(points.map((p) => p.key).sort());
      for (const l of all) expect(l.result.square).toBe(l.result.n * l.result.n);
    } finally {
      step = 'stopping the second worker';
      stopAgain.abort();
      await again;
      clearTimeout(watchdog);
    }
  });
});
