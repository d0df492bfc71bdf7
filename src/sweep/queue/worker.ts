/**
 * A queue worker: takes sweep points from the shared BullMQ queue and runs them in its own
 * worker processes (child-slot.ts), `concurrency` at a time, storing each result once
 * (store.ts). A point whose module throws fails for good (UnrecoverableError: its input is
 * wrong, running it again gives the same error); a point whose process died is retried
 * up to the job's attempts; a worker killed outright stops renewing its jobs' locks, and
 * another worker's stalled check puts them back in the queue (at most `maxStalledCount`
 * times). Jobs stamped with another costsim version are refused, naming both versions.
 */
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { ChildSlot, PointError } from './child-slot.ts';
import { connectChecked, redisOptions } from './connection.ts';
import type { QueueTarget } from './url.ts';
import { hasResult, QUEUE_NAME, readDescription, storeResultOnce, type QueueJobData, type SweepDescription } from './store.ts';
import { costsimVersion, PROJECT_ROOT } from './version.ts';
import type { QueueUnavailableError } from '../../errors.ts';

/** What a queue worker reports (the CLI prints these on stderr). */
export type QueueWorkerEvent =
  | { type: 'ready'; url: string; version: string; concurrency: number }
  | { type: 'started'; key: string; sweepId: string; attempt: number; slot: number }
  | { type: 'finished'; key: string; sweepId: string; stored: boolean; wallSeconds: number }
  | { type: 'skipped'; key: string; sweepId: string }
  | { type: 'failed'; key: string; sweepId: string; message: string; final: boolean }
  | { type: 'log'; slot: number; line: string };

export interface QueueWorkerOptions {
  target: QueueTarget;
  /** Points run at once (one worker process each); default 1. */
  concurrency?: number;
  /**
   * How long a job's lock lasts without renewal, in ms (renewed every half of it while the
   * job runs); a killed worker's job is taken over about one to two of these later. Default 30 s.
   */
  lockMs?: number;
  /** Times a job may be taken over from a worker that vanished before it fails (default 2). */
  maxStalledCount?: number;
  /**
   * Jobs taken from the queue beyond `concurrency`, waiting (locked) for a free worker process
   * (default 1): their Redis round trips (fetch, duplicate check) overlap the running point, so a
   * worker process never idles between points waiting on Redis.
   */
  prefetch?: number;
  onEvent?: (event: QueueWorkerEvent) => void;
  /** Stop taking jobs, let running ones finish, and resolve. */
  signal?: AbortSignal;
}

/** Run a queue worker until the signal stops it; rejects (naming the URL) if Redis goes away for good. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const version = costsimVersion();
  const concurrency = Math.max(1, options.concurrency ?? 1);
  const lockMs = options.lockMs ?? 30_000;
  let lost: ((error: QueueUnavailableError) => void) | undefined;
  const redis: Redis = await connectChecked(options.target, (error) => lost?.(error));
  const descriptions = new Map<string, SweepDescription>();
  const prefetch = Math.max(0, options.prefetch ?? 1);
  const free = Array.from({ length: concurrency }, (_, slot) => new ChildSlot(slot, (line) => options.onEvent?.({ type: 'log', slot, line })));
  const slots = [...free];
  const waiting: Array<(slot: ChildSlot) => void> = [];
  const acquire = (): Promise<ChildSlot> => {
    const slot = free.pop();
    return slot ? Promise.resolve(slot) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (slot: ChildSlot): void => {
    const next = waiting.shift();
    if (next) next(slot);
    else free.push(slot);
  };

  const processJob = async (job: Job<QueueJobData>): Promise<{ stored: boolean }> => {
    const { sweepId, key, params } = job.data;
    if (job.data.version !== version) {
      const message = `refused: this worker runs costsim ${version} but the sweep was submitted by costsim ${job.data.version}; run the same project version (package version and code) on every machine`;
      options.onEvent?.({ type: 'failed', key, sweepId, message, final: true });
      throw new UnrecoverableError(message);
    }
    if (await hasResult(redis, sweepId, key)) {
      options.onEvent?.({ type: 'skipped', key, sweepId });
      return { stored: false };
    }
    let description = descriptions.get(sweepId);
    if (!description) {
      description = await readDescription(redis, sweepId);
      if (!description)
        throw new UnrecoverableError(`sweep ${sweepId} has no description in the queue's Redis (was it deleted?); rerun the submitting command`);
      descriptions.set(sweepId, description);
    }
    const slot = await acquire();
    const started = performance.now();
    options.onEvent?.({ type: 'started', key, sweepId, attempt: job.attemptsStarted, slot: slot.slot });
    try {
      const modulePath = isAbsolute(description.workerModule) ? description.workerModule : join(PROJECT_ROOT, description.workerModule);
      const { result, pid } = await slot.run(sweepId, modulePath, description.setupArgs, key, params);
      const wallSeconds = (performance.now() - started) / 1000;
      const stored = await storeResultOnce(redis, sweepId, { key, result, worker: `${hostname()}:${pid}`, attempt: job.attemptsStarted, wallSeconds });
      options.onEvent?.({ type: 'finished', key, sweepId, stored, wallSeconds });
      return { stored };
    } catch (error) {
      const final = !(error instanceof PointError && error.kind === 'died') || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const message = (error as Error).message;
      options.onEvent?.({ type: 'failed', key, sweepId, message, final });
      // The module threw or could not start: the same input gives the same error, so fail once.
      if (error instanceof PointError && error.kind !== 'died') throw new UnrecoverableError(message);
      throw error;
    } finally {
      release(slot);
    }
  };

  const connection = new Redis(redisOptions(options.target));
  connection.on('error', () => undefined);
  const worker = new Worker<QueueJobData, { stored: boolean }>(QUEUE_NAME, processJob, {
    connection,
    concurrency: concurrency + prefetch,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: options.maxStalledCount ?? 2,
    drainDelay: 1,
    autorun: false,
  });
  worker.on('error', () => undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      lost = (error) => {
        void worker.close(true).finally(() => reject(error));
      };
      const stop = (): void => {
        void worker.close().then(resolve, reject);
      };
      if (options.signal?.aborted) return stop();
      options.signal?.addEventListener('abort', stop, { once: true });
      worker.run().catch(reject);
      void worker.waitUntilReady().then(() => options.onEvent?.({ type: 'ready', url: options.target.url, version, concurrency }), reject);
    });
  } finally {
    for (const slot of slots) slot.stop();
    lost = undefined;
    redis.disconnect();
    connection.disconnect();
  }
}
