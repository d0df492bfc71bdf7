/**
 * `costsim worker --queue redis://host:port[/db] [--concurrency N] [--lock-seconds S] [--json]`:
 * run sweep points from the job queue (src/sweep/queue/) until stopped (Ctrl-C / SIGTERM
 * lets running points finish). Each point runs in a worker process of its own.
 */
import { resolveWorkerCount, parseQueueUrl, resolveQueueUrl, type QueueWorkerEvent } from '../../sweep/index.ts';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../../errors.ts';
import { positiveInt } from '../flags.ts';

function describe(event: QueueWorkerEvent): string {
  switch (event.type) {
    case 'ready':
      return `worker: listening on ${event.url} (costsim ${event.version}, ${event.concurrency} at a time)`;
    case 'started':
      return `worker: started ${event.key} (sweep ${event.sweepId}, attempt ${event.attempt})`;
    case 'finished':
      return `worker: finished ${event.key} in ${event.wallSeconds.toFixed(2)} s${event.stored ? '' : ' (already stored by another worker)'}`;
    case 'skipped':
      return `worker: skipped ${event.key} (already stored)`;
    case 'failed':
      return `worker: ${event.key} failed${event.final ? '' : ' (will be retried)'}: ${event.message}`;
    case 'log':
      return `worker[${event.slot}]: ${event.line}`;
  }
}

/** Register `costsim worker`. */
export function registerWorker(program: Command, ctx: CliContext): void {
  program
    .command('worker')
    .description('Run sweep points (bench, prune, simulate) from a shared Redis job queue until stopped; start one per machine.')
    .option('--queue <url>', 'Redis of the job queue, redis://host:port[/db] (default: COSTSIM_QUEUE)')
    .option('--concurrency <n>', 'points run at once, one worker process each (default: 1)')
    .option('--lock-seconds <s>', "how long a job's lock lasts unrenewed; a killed worker's job is taken over after one to two of these (default: 30)")
    .option('--json', 'print one JSON object per event on stdout')
    .action(async (options: { queue?: string; concurrency?: string; lockSeconds?: string; json?: boolean }) => {
      const url = resolveQueueUrl(options.queue, ctx.env);
      if (!url) throw new UsageError('--queue', 'is required (or set COSTSIM_QUEUE)', 'redis://host:port[/db]');
      // One process per point: the same core cap as --workers (COSTSIM_MAX_WORKERS raises it).
      const concurrency = resolveWorkerCount(positiveInt('--concurrency', options.concurrency) ?? 1, ctx.env, undefined, '--concurrency');
      const lockSeconds = options.lockSeconds === undefined ? 30 : Number(options.lockSeconds);
      if (!Number.isFinite(lockSeconds) || lockSeconds < 0.2) throw new UsageError('--lock-seconds', `must be a number >= 0.2 (got "${options.lockSeconds}")`);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        // BullMQ and ioredis load only for this command, not for every costsim invocation.
        const { runQueueWorker } = await import('../../sweep/index.ts');
        await runQueueWorker({
          target: parseQueueUrl(url),
          concurrency,
          lockMs: Math.round(lockSeconds * 1000),
          signal: stop.signal,
          onEvent: (event) => (options.json ? ctx.out(JSON.stringify(event)) : ctx.err(describe(event))),
        });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
