/**
 * sweep/: independent jobs keyed by their sweep point, run in a pool of worker processes (one
 * per core) or through a BullMQ queue on Redis (`--queue`, `costsim worker`).
 */
import type { QueueWorkerOptions } from './queue/worker.ts';

export { resolveWorkerCount, MAX_WORKERS_OVERRIDE, WORKERS_OVERRIDE_ENV } from './workers.ts';
export { parseQueueUrl, resolveQueueUrl, QUEUE_ENV, type QueueTarget } from './queue/url.ts';
export type { QueueWorkerEvent, QueueWorkerOptions } from './queue/worker.ts';

/** Run a queue worker until `options.signal` aborts. BullMQ and ioredis load only when this is called, not for every costsim command. */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<void> {
  const { runQueueWorker: run } = await import('./queue/worker.ts');
  return run(options);
}
