/**
 * The queue backend against a real redis-server (test/helpers/redis.ts): the same Monte
 * Carlo sweep gives byte-identical results in-process, on the local pool, and through the
 * queue with one and with two workers; a killed submitter resumes; results are stored
 * once per point; other versions and failing inputs fail once, with their message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { runSweep, type SweepEvent } from '../../../src/sweep/runner.ts';
import { runQueueSweep } from '../../../src/sweep/queue/submit.ts';
import { runQueueWorker, type QueueWorkerEvent } from '../../../src/sweep/queue/worker.ts';
import { parseQueueUrl } from '../../../src/sweep/queue/url.ts';
import { readResults, storeResultOnce } from '../../../src/sweep/queue/store.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../../src/market/montecarlo.ts';
import type { RunResult } from '../../../src/market/types.ts';
import type { MarketWorkerSetup } from '../../../src/market/worker.ts';
import { QueueUnavailableError } from '../../../src/errors.ts';
import { freePort, redisServerPath, redisSkipReason, startRedis, type TestRedis } from '../../helpers/redis.ts';

const square = fileURLToPath(new URL('../fixtures/square-worker.ts', import.meta.url));
const marketWorker = fileURLToPath(new URL('../../../src/market/worker.ts', import.meta.url));
const scenarioFile = fileURLToPath(new URL('../../../scenarios/startup-vs-incumbent.yaml', import.meta.url));

let redis: TestRedis;
const urlOf = (db: number): string => `redis://127.0.0.1:${redis.port}/${db}`;

/** Queue workers in this process (their points still run in child processes); stop() waits for them. */
function startWorkers(db: number, count: number, events: QueueWorkerEvent[] = []): { stop(): Promise<void> } {
  const stop = new AbortController();
  const running = Array.from({ length: count }, () =>
    runQueueWorker({ target: parseQueueUrl(urlOf(db)), concurrency: 1, lockMs: 1000, signal: stop.signal, onEvent: (e) => events.push(e) }),
  );
  return {
    stop: async () => {
      stop.abort();
      await Promise.all(running);
    },
  };
}

describe.skipIf(!redisServerPath)(`queue sweeps on a real Redis${redisSkipReason}`, () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('gives byte-identical Monte Carlo results in-process, on the local pool and with 1 and 2 queue workers', async () => {
    const text = readFileSync(scenarioFile, 'utf8');
    const scenario = parseScenario(text, 'startup-vs-incumbent.yaml');
    const runs = 6;
    const periods = 20;
    const indices = Array.from({ length: runs }, (_, i) => i);
    const publish = (results: RunResult[]): string => JSON.stringify(assembleSimulation(scenario, new Map(), results, periods));
    // The reference: every run simulated here, in one process, no sweep at all.
    const reference = publish(simulateRuns(scenario, new Map(), indices, periods));
    const setupArgs: MarketWorkerSetup = { scenarioText: text, fileName: 'startup-vs-incumbent.yaml', seed: scenario.seed, periods, records: [], plans: [] };
    const sweep = async (extra: { workers?: number; queue?: string }): Promise<string> => {
      const results: RunResult[] = [];
      const summary = await runSweep<{ runs: number[] }, RunResult[]>({
        points: indices.map((run) => ({ key: `run:${run}`, params: { runs: [run] } })),
        workerModule: marketWorker,
        setupArgs,
        onResult: (_k, r) => results.push(...r),
        ...extra,
      });
      expect(summary.failed).toEqual([]);
      expect(summary.ran).toHaveLength(runs);
      return publish(results);
    };
    expect(await sweep({ workers: 2 })).toBe(reference);
    for (const [db, count] of [
      [1, 1],
      [2, 2],
    ] as const) {
      const events: QueueWorkerEvent[] = [];
      const workers = startWorkers(db, count, events);
      try {
        expect(await sweep({ queue: urlOf(db) })).toBe(reference);
      } finally {
        await workers.stop();
      }
      // Each run was computed once, by a queue worker's child process.
      expect(events.filter((e) => e.type === 'finished' && e.stored).length).toBe(runs);
    }
  });

  it('stores a result once per point however often it is offered', async () => {
    const client = new Redis(urlOf(3));
    try {
      const first = await storeResultOnce(client, 'sweepA', { key: 'p', result: { x: 1 }, worker: 'w1', attempt: 1, wallSeconds: 0.5 });
      const second = await storeResultOnce(client, 'sweepA', { key: 'p', result: { x: 2 }, worker: 'w2', attempt: 2, wallSeconds: 0.7 });
      expect([first, second]).toEqual([true, false]);
      const stored = await readResults(client, 'sweepA', '0', 0);
      expect(stored.map((s) => [s.stored.key, s.stored.result, s.stored.worker, s.stored.wallSeconds])).toEqual([['p', { x: 1 }, 'w1', 0.5]]);
    } finally {
      client.disconnect();
    }
  });

  it('a submitter killed mid-sweep and run again loses and duplicates nothing', async () => {
    const workers = startWorkers(4, 2);
    try {
      const store = join(mkdtempSync(join(tmpdir(), 'queue-sweep-')), 'results.jsonl');
      const script = fileURLToPath(new URL('../fixtures/run-jsonl-sweep.ts', import.meta.url));
      const start = () =>
        spawn(process.execPath, ['--import', import.meta.resolve('tsx'), script, store, '8', urlOf(4)], { stdio: ['ignore', 'pipe', 'pipe'] });
      const lines = (): Array<{ key: string; result: { square: number; n: number } }> =>
        existsSync(store)
          ? readFileSync(store, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l))
          : [];
      const first = start();
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (lines().length >= 2) {
            clearInterval(poll);
            first.kill('SIGKILL');
            resolve();
          }
        }, 10);
      });
      await new Promise((r) => first.on('exit', r));
      const afterKill = lines();
      expect(afterKill.length).toBeLessThan(8);
      const second = start();
      let out = '';
      second.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await new Promise((r) => second.on('exit', r));
      const summary = JSON.parse(out) as { ran: string[]; skipped: string[]; failed: unknown[] };
      expect(summary.failed).toEqual([]);
      expect(summary.skipped.sort()).toEqual(afterKill.map((r) => r.key).sort());
      const all = lines();
      // Every point exactly once, each with its own (independently checkable) answer.
      expect(all.map((r) => r.key).sort()).toEqual(Array.from({ length: 8 }, (_, n) => `p${n}`).sort());
      for (const r of all) expect(r.result.square).toBe(r.result.n * r.result.n);
    } finally {
      await workers.stop();
    }
  });

  it('a worker of another costsim version refuses the job, and a failing input fails once with its error', async () => {
    const workerEvents: QueueWorkerEvent[] = [];
    const workers = startWorkers(5, 1, workerEvents);
    try {
      const refused = await runQueueSweep(
        { points: [{ key: 'a', params: { n: 1 } }], workerModule: square, onResult: () => undefined },
        { target: parseQueueUrl(urlOf(5)), version: '0.0.1+000000000000' },
      );
      expect(refused.ran).toEqual([]);
      expect(refused.failed[0]?.message).toMatch(
        /refused: this worker runs costsim 0\.1\.0\+[0-9a-f]{12} but the sweep was submitted by costsim 0\.0\.1\+000000000000/,
      );
      const events: SweepEvent[] = [];
      const summary = await runSweep({
        queue: urlOf(5),
        points: [
          { key: 'ok', params: { n: 3 } },
          { key: 'bad', params: { n: 2, fail: 'throw' } },
        ],
        workerModule: square,
        onResult: () => undefined,
        onEvent: (e) => events.push(e),
      });
      expect(summary.ran).toEqual(['ok']);
      expect(summary.failed).toEqual([{ key: 'bad', message: 'Error: point 2 refused' }]);
      expect(events.filter((e) => e.type === 'failed' && e.key === 'bad').map((e) => e.type === 'failed' && e.willRetry)).toEqual([false]);
      expect(workerEvents.filter((e) => e.type === 'started' && e.key === 'bad')).toHaveLength(1);
    } finally {
      await workers.stop();
    }
  });

  it('fails clearly, naming the URL, when Redis is unreachable', async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const attempt = runSweep({ queue: url, points: [{ key: 'a', params: { n: 1 } }], workerModule: square, onResult: () => undefined });
    await expect(attempt).rejects.toThrow(QueueUnavailableError);
    await expect(attempt).rejects.toThrow(`cannot reach the job queue at ${url} (ECONNREFUSED)`);
    await expect(runQueueWorker({ target: parseQueueUrl(url) })).rejects.toThrow(`cannot reach the job queue at ${url}`);
  });
});
