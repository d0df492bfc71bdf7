/**
 * How a level's latency (and, with the same labels, its training-step time) was timed, and
 * whether anything else of costsim was running then. On this machine two sweep workers share
 * two cores: a latency timed while the other worker trains measures contention as much as the
 * model. So each record says where its latency and training step were timed (a local sweep worker, a queue worker, or the serial pass after the sweep) and
 * how many costsim sweep points ran at once while it did, counted from the sweep's own
 * start and finish events (pure: events in, counts out).
 */
import type { SweepEvent } from '../../sweep/runner.ts';

/**
 * Where a latency was timed:
 * - `serial`: after the sweep's worker pool had exited, in one worker process alone, from the
 *   saved weights of the fine-tuned dense control and the pruned model;
 * - `pool-worker`: inside a local sweep worker, right after fine-tuning;
 * - `queue-worker`: inside a `costsim worker` of the job queue, right after fine-tuning.
 */
export type LatencyTimingPlace = 'serial' | 'pool-worker' | 'queue-worker';

/** How one level's latency, or its training step (prune.trainStepTiming), was timed. */
export interface LatencyTiming {
  where: LatencyTimingPlace;
  /** Worker processes of the sweep that timed it (1 in the serial pass); null when not known (queue). */
  workerProcesses: number | null;
  /** Most costsim sweep points running at once, the timed one included, while it ran (from the sweep's events); null when not known (queue). */
  workersRunning: number | null;
  /** True only when both counts are 1: no other costsim worker process existed while it was timed. */
  timedAlone: boolean;
}

/** A LatencyTiming with `timedAlone` derived from the two counts. */
export function latencyTiming(where: LatencyTimingPlace, workerProcesses: number | null, workersRunning: number | null): LatencyTiming {
  return { where, workerProcesses, workersRunning, timedAlone: workerProcesses === 1 && workersRunning === 1 };
}

/**
 * Counts sweep points running at once from the events of one or more sweeps fed to `observe`
 * in order: `peak(key)` is the most points running together at any moment while `key` ran
 * (itself included). Read it in the sweep's `onResult`, which runs before the point's
 * `finished` event, or any time after.
 */
export interface ConcurrencyTracker {
  observe(event: SweepEvent): void;
  /** Undefined for a key never seen starting. */
  peak(key: string): number | undefined;
  /** Points running now. */
  running(): number;
}

export function createConcurrencyTracker(): ConcurrencyTracker {
  const running = new Set<string>();
  const peaks = new Map<string, number>();
  return {
    observe(event) {
      if (event.type === 'started') {
        running.add(event.key);
        for (const key of running) peaks.set(key, Math.max(peaks.get(key) ?? 0, running.size));
      } else if (event.type === 'finished' || event.type === 'failed') running.delete(event.key);
    },
    peak: (key) => peaks.get(key),
    running: () => running.size,
  };
}

/** One line saying how a latency or training step was timed, for provenance. */
export function describeLatencyTiming(timing: LatencyTiming | undefined, loadAverage1m?: number): string {
  const load =
    loadAverage1m === undefined ? '' : `; 1-minute load average ${loadAverage1m.toFixed(2)} as timing began (every process on the machine, not only costsim's)`;
  if (!timing) return `how it was timed is not recorded (a record from before costsim recorded it)${load}`;
  if (timing.where === 'queue-worker')
    return `timed in a queue worker (costsim worker) right after fine-tuning; how many other workers shared that machine is not known, and queue mode does not re-time serially (the saved models would be on the workers' machines)${load}`;
  const others = timing.workersRunning === null ? 'an unknown number of' : String(timing.workersRunning - 1);
  if (timing.where === 'serial')
    return `timed serially after training: the sweep's worker pool had exited, one worker process alone (${others} other costsim worker(s) running), from the saved weights of the fine-tuned dense control and the pruned model${load}`;
  if (timing.timedAlone) return `timed in the sweep worker right after fine-tuning, the pool's only worker process (no other costsim worker running)${load}`;
  return `timed in the sweep worker right after fine-tuning while ${others} other costsim worker(s) ran on this machine (pool of ${timing.workerProcesses ?? 'unknown'} processes), not re-timed serially: contended${load}`;
}
