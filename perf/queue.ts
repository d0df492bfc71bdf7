/**
 * `npm run bench:queue [-- --runs N] [--periods P]`: the same Monte Carlo sweep (startup-vs-incumbent,
 * N runs of P periods, one run per point; default 1,000 runs of 1 period, about 10 s in all:
 * jobs of about a millisecond, so the queue's own cost per job dominates the wall time and the
 * difference of walls measures it; with 8-period jobs of ~0.3 s, run-to-run noise of a few
 * percent of the wall swamped a few milliseconds per job) on the local worker pool and through the BullMQ
 * queue on a loopback redis-server this script starts, with 1 and with 2 worker processes.
 * Prints jobs/s of each and the queue's overhead per job: (queue wall − local-pool wall) /
 * jobs at the same number of worker processes, so both pay the same process start-up and
 * simulation work and the difference is what the queue adds (enqueue, fetch, lock, store,
 * collect). All five sweeps run in this one process, back to back, so the ratios are fair
 * on a shared machine; the load average is printed with them. Every result is checked
 * byte-identical to the local pool's.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../src/scenario/parse.ts';
import { assembleSimulation } from '../src/market/montecarlo.ts';
import type { RunResult } from '../src/market/types.ts';
import type { MarketWorkerSetup } from '../src/market/worker.ts';
import { runSweep } from '../src/sweep/runner.ts';
import { runQueueWorker } from '../src/sweep/queue/worker.ts';
import { parseQueueUrl } from '../src/sweep/queue/url.ts';
import { startRedis } from '../test/helpers/redis.ts';

/** A positive integer flag's value, or `fallback`. */
function intFlag(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got ${process.argv[at + 1]})`);
  return value;
}
const runs = intFlag('--runs', 1000);
const file = 'scenarios/startup-vs-incumbent.yaml';
const text = readFileSync(file, 'utf8');
const scenario = parseScenario(text, file);
const periods = intFlag('--periods', 1);
const setupArgs: MarketWorkerSetup = { scenarioText: text, fileName: file, seed: scenario.seed, periods, records: [], plans: [] };
const workerModule = fileURLToPath(new URL('../src/market/worker.ts', import.meta.url));
const points = Array.from({ length: runs }, (_, run) => ({ key: `run:${run}`, params: { runs: [run] } }));

async function sweep(extra: { workers?: number; queue?: string }): Promise<{ seconds: number; output: string }> {
  const results: RunResult[] = [];
  const t0 = performance.now();
  const summary = await runSweep<{ runs: number[] }, RunResult[]>({ points, workerModule, setupArgs, onResult: (_k, r) => results.push(...r), ...extra });
  const seconds = (performance.now() - t0) / 1000;
  if (summary.failed.length > 0) throw new Error(`sweep failed: ${JSON.stringify(summary.failed[0])}`);
  return { seconds, output: JSON.stringify(assembleSimulation(scenario, new Map(), results, periods)) };
}

/**
 * Where a queued job's time goes inside the workers, from their events: storing the result
 * (finished − started − the point's own wall time) and a worker process idle between its
 * points (next started − previous finished). The rest of the overhead is the submitter's.
 */
interface WorkerSplit {
  storeMs: number;
  idleMs: number;
}

async function queued(db: number, processes: number): Promise<{ seconds: number; output: string; split: WorkerSplit }> {
  const url = `redis://127.0.0.1:${redis.port}/${db}`;
  const stop = new AbortController();
  const store: number[] = [];
  const idle: number[] = [];
  const workers = Array.from({ length: processes }, () => {
    let startedAt = 0;
    let finishedAt: number | undefined;
    return runQueueWorker({
      target: parseQueueUrl(url),
      concurrency: 1,
      signal: stop.signal,
      onEvent: (e) => {
        const now = performance.now();
        if (e.type === 'started') {
          if (finishedAt !== undefined) idle.push(now - finishedAt);
          startedAt = now;
        } else if (e.type === 'finished') {
          store.push(now - startedAt - 1000 * e.wallSeconds);
          finishedAt = now;
        }
      },
    });
  });
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  try {
    const result = await sweep({ queue: url });
    return { ...result, split: { storeMs: mean(store), idleMs: mean(idle) } };
  } finally {
    stop.abort();
    await Promise.all(workers);
  }
}

const redis = await startRedis();
const loadBefore = loadavg()[0] ?? 0;
try {
  const local1 = await sweep({ workers: 1 });
  const queue1 = await queued(1, 1);
  const local2 = await sweep({ workers: 2 });
  const queue2 = await queued(2, 2);
  for (const [name, r] of [
    ['queue, 1 worker', queue1],
    ['local pool, 2 workers', local2],
    ['queue, 2 workers', queue2],
  ] as const) {
    if (r.output !== local1.output) throw new Error(`${name}: result differs from the local pool's (must be byte-identical)`);
  }
  const rate = (r: { seconds: number }) => runs / r.seconds;
  const overheadMs = (q: { seconds: number }, l: { seconds: number }) => (1000 * (q.seconds - l.seconds)) / runs;
  console.log(
    `bench:queue: ${runs} Monte Carlo runs of ${scenario.name} (${periods} periods), one job per run; redis-server on loopback; measured on this machine`,
  );
  console.log(`load average (1 min): ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after`);
  console.log(`local pool, 1 worker : ${rate(local1).toFixed(1)} jobs/s (${local1.seconds.toFixed(2)} s)`);
  console.log(
    `queue, 1 worker      : ${rate(queue1).toFixed(1)} jobs/s (${queue1.seconds.toFixed(2)} s); ${(rate(queue1) / rate(local1)).toFixed(2)}× the local pool; overhead ${overheadMs(queue1, local1).toFixed(2)} ms/job`,
  );
  console.log(`local pool, 2 workers: ${rate(local2).toFixed(1)} jobs/s (${local2.seconds.toFixed(2)} s)`);
  console.log(
    `queue, 2 workers     : ${rate(queue2).toFixed(1)} jobs/s (${queue2.seconds.toFixed(2)} s); ${(rate(queue2) / rate(local2)).toFixed(2)}× the local pool; overhead ${overheadMs(queue2, local2).toFixed(2)} ms/job; ${(rate(queue2) / rate(queue1)).toFixed(2)}× 1 queue worker`,
  );
  for (const [name, q] of [
    ['1 worker', queue1],
    ['2 workers', queue2],
  ] as const)
    console.log(
      `  in the workers (${name}): storing a result ${q.split.storeMs.toFixed(2)} ms, a process idle between points ${q.split.idleMs.toFixed(2)} ms (per job)`,
    );
  console.log('goal: queue overhead < 5 ms per job on loopback (issue #17); all outputs byte-identical to the local pool');
} finally {
  await redis.stop();
}
