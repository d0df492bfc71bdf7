/**
 * `costsim worker` processes against a real redis-server: one is killed with SIGKILL in
 * the middle of a point; another takes the point over (BullMQ stalled-job detection), the
 * sweep completes and every point is in the store exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep, type SweepEvent } from '../../../src/sweep/runner.ts';
import { appendLine } from '../../../src/util/atomic-write.ts';
import type { QueueWorkerEvent } from '../../../src/sweep/queue/worker.ts';
import { redisServerPath, redisSkipReason, startRedis, type TestRedis } from '../../helpers/redis.ts';

const bin = fileURLToPath(new URL('../../../bin/costsim.js', import.meta.url));
const square = fileURLToPath(new URL('../fixtures/square-worker.ts', import.meta.url));

/** A `costsim worker --json` process and the events it printed so far. */
function startWorker(
  url: string,
  concurrency: number,
): { child: ChildProcess; events: QueueWorkerEvent[]; waitFor(test: (e: QueueWorkerEvent) => boolean): Promise<QueueWorkerEvent> } {
  const child = spawn(process.execPath, [bin, 'worker', '--queue', url, '--concurrency', String(concurrency), '--lock-seconds', '1', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: QueueWorkerEvent[] = [];
  const waiters: Array<{ test: (e: QueueWorkerEvent) => boolean; resolve: (e: QueueWorkerEvent) => void }> = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as QueueWorkerEvent;
      events.push(event);
      for (const w of waiters.splice(0)) {
        if (w.test(event)) w.resolve(event);
        else waiters.push(w);
      }
    }
  });
  return {
    child,
    events,
    waitFor: (test) =>
      new Promise((resolve) => {
        const seen = events.find(test);
        if (seen) resolve(seen);
        else waiters.push({ test, resolve });
      }),
  };
}

const exited = (child: ChildProcess): Promise<unknown> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', r));

let redis: TestRedis;

describe.skipIf(!redisServerPath)(`costsim worker${redisSkipReason}`, () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('a worker killed mid-point has the point taken over; every point lands in the store exactly once', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'queue-kill-')), 'results.jsonl');
    const victim = startWorker(redis.url, 1);
    let rescuer: ReturnType<typeof startWorker> | undefined;
    try {
      await victim.waitFor((e) => e.type === 'ready');
      const events: SweepEvent[] = [];
      const points = Array.from({ length: 4 }, (_, n) => ({ key: `p:${n}`, params: { n, delayMs: 1500 } }));
      const sweep = runSweep({
        queue: redis.url,
        points,
        workerModule: square,
        onResult: (key, result) => appendLine(store, JSON.stringify({ key, result })),
        onEvent: (e) => events.push(e),
      });
      const started = await victim.waitFor((e) => e.type === 'started');
      const killedKey = started.type === 'started' ? started.key : '';
      victim.child.kill('SIGKILL');
      await exited(victim.child);
      rescuer = startWorker(redis.url, 2);
      const summary = await sweep;
      expect(summary.failed).toEqual([]);
      const lines = readFileSync(store, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { key: string; result: { n: number; square: number; pid: number } });
      expect(lines.map((l) => l.key).sort()).toEqual(points.map((p) => p.key).sort());
      for (const l of lines) expect(l.result.square).toBe(l.result.n ** 2);
      // The killed point was reported stalled and retried, and the rescuer ran it again from the start.
      expect(events.some((e) => e.type === 'failed' && e.key === killedKey && e.willRetry)).toBe(true);
      expect(rescuer.events.some((e) => e.type === 'started' && e.key === killedKey && e.attempt >= 2)).toBe(true);
      expect(victim.events.some((e) => e.type === 'finished')).toBe(false);
    } finally {
      victim.child.kill('SIGKILL');
      rescuer?.child.kill('SIGTERM');
      await Promise.all([exited(victim.child), rescuer ? exited(rescuer.child) : undefined]);
    }
  });
});
