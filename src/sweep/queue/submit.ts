/**
 * The submitting side of a queued sweep: the same contract as the local pool (runner.ts)
 * with the points run by `costsim worker` processes anywhere that reaches the Redis.
 *
 * Phases: check Redis → describe the sweep (module, setup, version) → collect results
 * stored by earlier runs → enqueue the points still missing (job id = sweep + point key,
 * so re-adding is a no-op) → collect results from the sweep's stream as workers store
 * them, enqueueing points whose dependencies just finished → resolve once every point has
 * a result or failed for good. `onResult` is called once per point, in completion order,
 * only in this process. Stopping this process loses nothing: the jobs stay queued, their
 * results stay stored, and the next run collects them.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { SweepOptions, SweepPoint, SweepSummary } from '../runner.ts';
import { connectChecked, redisOptions, unreachable } from './connection.ts';
import type { QueueTarget } from './url.ts';
import { jobIdOf, QUEUE_NAME, readResults, sweepIdOf, writeDescription, type QueueJobData, type SweepDescription } from './store.ts';
import { costsimVersion, PROJECT_ROOT } from './version.ts';
import type { QueueUnavailableError } from '../../errors.ts';

/** The queue-specific part of a queued sweep. */
export interface QueueSweepOptions {
  target: QueueTarget;
  /** Version stamped on the jobs (default: this checkout's, see version.ts). */
  version?: string;
}

/** Extra attempts for a point whose worker process died (the local pool's `retries`; default 1 here). */
const DEFAULT_RETRIES = 1;

/** Run a sweep through the queue; resolves like runSweep, rejects (naming the URL) if Redis is unreachable. */
export async function runQueueSweep<P, R>(options: SweepOptions<P, R>, queue: QueueSweepOptions): Promise<SweepSummary> {
  const summary: SweepSummary = { ran: [], skipped: [], failed: [], aborted: false };
  const byKey = new Map<string, SweepPoint<P>>();
  const pending = new Set<string>();
  const finished = new Set<string>();
  for (const point of options.points) {
    if (byKey.has(point.key)) throw new Error(`runSweep: duplicate point key "${point.key}"`);
    byKey.set(point.key, point);
    if (options.isDone?.(point.key)) {
      summary.skipped.push(point.key);
      finished.add(point.key);
      options.onEvent?.({ type: 'skipped', key: point.key });
    } else pending.add(point.key);
  }
  for (const key of pending) {
    for (const dep of byKey.get(key)?.after ?? [])
      if (!byKey.has(dep)) throw new Error(`runSweep: point "${key}" waits for "${dep}", which is not a point of this sweep`);
  }
  if (pending.size === 0 || options.signal?.aborted) {
    summary.aborted = options.signal?.aborted ?? false;
    return summary;
  }

  const { target } = queue;
  let lostError: QueueUnavailableError | undefined;
  let wake: (() => void) | undefined;
  const onLost = (error: QueueUnavailableError): void => {
    lostError ??= error;
    wake?.();
  };
  const redis = await connectChecked(target, onLost);
  const reader = new Redis(redisOptions(target));
  reader.on('error', () => undefined);
  const producer = new Redis(redisOptions(target));
  producer.on('error', () => undefined);
  const bullQueue = new Queue<QueueJobData>(QUEUE_NAME, { connection: producer });
  bullQueue.on('error', () => undefined);
  const eventsConnection = new Redis(redisOptions(target));
  eventsConnection.on('error', () => undefined);
  let events: QueueEvents | undefined;
  try {
    const workerModule = options.workerModule.startsWith('file:') ? fileURLToPath(options.workerModule) : options.workerModule;
    const moduleRel = relative(PROJECT_ROOT, workerModule).split('\\').join('/');
    if (moduleRel.startsWith('..'))
      throw new Error(`runSweep: a queued sweep's worker module must live in the project (${workerModule} is outside ${PROJECT_ROOT})`);
    const description: SweepDescription = { version: queue.version ?? costsimVersion(), workerModule: moduleRel, setupArgs: options.setupArgs ?? null };
    const sweepId = sweepIdOf(description);
    await writeDescription(redis, sweepId, description);
    const keyOfJob = new Map([...pending].map((key) => [jobIdOf(sweepId, key), key]));
    const failedKeys = new Set<string>();
    const attempts = 1 + (options.retries ?? DEFAULT_RETRIES);

    const markFailed = (key: string, message: string): void => {
      if (!pending.delete(key)) return;
      failedKeys.add(key);
      summary.failed.push({ key, message });
      options.onEvent?.({ type: 'failed', key, workerIndex: 0, message, willRetry: false });
    };
    /** Points whose dependencies all finished (enqueued now); points behind a failed one fail. */
    const enqueued = new Set<string>();
    const enqueueReady = async (): Promise<void> => {
      const ready: string[] = [];
      for (const key of pending) {
        if (enqueued.has(key)) continue;
        const deps = byKey.get(key)?.after ?? [];
        const broken = deps.find((d) => failedKeys.has(d));
        if (broken) markFailed(key, `not run: dependency "${broken}" failed`);
        else if (deps.every((d) => finished.has(d))) ready.push(key);
      }
      if (ready.length === 0) return;
      for (const key of ready) enqueued.add(key);
      const version = description.version;
      await bullQueue.addBulk(
        ready.map((key) => ({
          name: 'point',
          data: { sweepId, key, params: byKey.get(key)?.params, version },
          opts: { jobId: jobIdOf(sweepId, key), attempts, removeOnComplete: true, removeOnFail: false },
        })),
      );
    };

    // Listen before enqueueing (from the stream's current end) so no failure goes unseen.
    const lastEvent = (await redis.xrevrange(`bull:${QUEUE_NAME}:events`, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0';
    events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection, lastEventId: lastEvent, blockingTimeout: 1000 });
    events.on('error', () => undefined);
    const mine = (jobId: string): string | undefined => keyOfJob.get(jobId);
    events.on('active', ({ jobId }) => {
      const key = mine(jobId);
      if (key && pending.has(key)) options.onEvent?.({ type: 'started', key, workerIndex: 0 });
    });
    events.on('stalled', ({ jobId }) => {
      const key = mine(jobId);
      if (key && pending.has(key))
        options.onEvent?.({
          type: 'failed',
          key,
          workerIndex: 0,
          message: 'its worker stopped renewing the job (killed or hung); another worker takes it over',
          willRetry: true,
        });
    });
    events.on('waiting', ({ jobId, prev }) => {
      const key = mine(jobId);
      if (key && pending.has(key) && prev === 'failed')
        options.onEvent?.({ type: 'failed', key, workerIndex: 0, message: 'its worker process died; retrying', willRetry: true });
    });
    events.on('failed', ({ jobId, failedReason }) => {
      const key = mine(jobId);
      if (key) markFailed(key, failedReason);
    });
    await events.waitUntilReady();

    let streamId = '0';
    const collect = async (blockMs: number): Promise<number> => {
      const entries = await readResults(reader, sweepId, streamId, blockMs);
      for (const { id, stored } of entries) {
        streamId = id;
        if (!pending.has(stored.key)) continue;
        try {
          options.onResult(stored.key, stored.result as R);
        } catch (error) {
          // The result cannot be kept here (e.g. the store is not writable): stop; it stays in Redis for a rerun.
          markFailed(stored.key, `result not stored: ${(error as Error).message}`);
          summary.aborted = true;
          return 0;
        }
        pending.delete(stored.key);
        finished.add(stored.key);
        summary.ran.push(stored.key);
        options.onEvent?.({ type: 'finished', key: stored.key, workerIndex: 0, wallSeconds: stored.wallSeconds });
      }
      if (entries.length > 0) await enqueueReady();
      return entries.length;
    };

    // Results stored by earlier runs (or by workers that kept going after this command stopped).
    while ((await collect(0)) > 0 && !summary.aborted);
    // Points that failed for good in an earlier run are tried again (the user asked again).
    for (const job of await bullQueue.getFailed()) {
      if (job.id && mine(job.id) && pending.has(mine(job.id) as string)) await job.retry();
    }
    await enqueueReady();
    const aborted = new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
    const lost = new Promise<void>((resolve) => (wake = resolve));
    while (pending.size > 0 && !summary.aborted && !lostError) {
      if (options.signal?.aborted) {
        summary.aborted = true;
        break;
      }
      const round = collect(500);
      round.catch(() => undefined);
      await Promise.race([round, aborted, lost]).catch((error: unknown) => {
        throw lostError ?? unreachable(target, error);
      });
    }
    if (lostError) throw lostError;
    if (summary.aborted)
      for (const key of pending) summary.failed.push({ key, message: 'sweep stopped before this point finished (it stays queued; a rerun collects it)' });
    return summary;
  } finally {
    wake = undefined;
    await Promise.allSettled([events?.close(), bullQueue.close()]);
    for (const client of [redis, reader, producer, eventsConnection]) client.disconnect();
  }
}
