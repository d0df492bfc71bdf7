/**
 * Run a pruning study: dense parents (one per seed) and every level in one resumable sweep
 * over worker processes, each level waiting for its parent; then, when more than one worker
 * process ran, a serial pass that times every level's latency and then its training step again
 * in one worker process alone, after the pool has exited (two workers on a two-core machine
 * would otherwise time one model while the other trains). Every pruning result is appended to
 * the BenchRecord store as it arrives, and again with its serial timings (the newest line per
 * key wins); a rerun skips levels the store already holds and dense parents whose checkpoint
 * exists (or whose levels are all done), keeps their stored timings, and completes the serial
 * pass of levels whose saved models are still on disk (a pass that was interrupted).
 *
 * Queue mode (--queue) runs the points on `costsim worker` processes elsewhere: their latency
 * and training step stay the ones timed in the queue worker, labelled so, and no serial pass
 * runs, since the models would be on the workers' machines and timing them here would price
 * another machine.
 */
import { moduleFile } from '../../util/module-file.ts';
import { appendRecord, readRecords } from '../store.ts';
import { runSweep, type SweepEvent, type SweepPoint, type SweepSummary } from '../../sweep/runner.ts';
import { hasCheckpoint } from './checkpoint.ts';
import { environmentKey } from './environment.ts';
import { createConcurrencyTracker, latencyTiming, type ConcurrencyTracker } from './latency-timing.ts';
import { hasLevelModels, levelModelPaths, removeLevelModels } from './level-models.ts';
import { planPruneStudy, type LatencyPointParams, type PruneStudyOptions, type PruneStudyPlan, type PruneWorkerParams } from './plan.ts';
import { isPruneRecord, withTiming, type PruneRecord, type SerialTiming } from './record.ts';
import type { PruneWorkerSetup } from './worker.ts';
import type { Device } from '../../devices/catalog.ts';

const WORKER_MODULE = moduleFile('./worker.ts', import.meta.url);

/** Where and how to run a study. */
export interface StudyRunOptions {
  /** Backend name every worker forces (chosen once in the parent). */
  backend: string;
  deviceId: string;
  /** The device itself when it is not in the catalogue (a scenario's own `devices:` entry); workers price the records as it. */
  device?: Device;
  storePath: string;
  workers: number;
  /** Sweep events; dense-parent keys start with "dense-", level keys with "prune-". */
  onEvent?: (event: SweepEvent) => void;
  /** Called once before the serial pass after the sweep starts, with the number of levels it will time again. */
  onSerialPass?: (levels: number) => void;
  /** Events of the serial pass (latency, then training step) after the sweep; keys are "latency-" + the level's key. */
  onLatencyEvent?: (event: SweepEvent) => void;
  signal?: AbortSignal;
  /** Redis URL of a job queue to run the points on instead of local workers (src/sweep/queue/). */
  queue?: string;
}

/** The study's plan, the records answering its points (newest per key), and what failed. */
export interface StudyResult {
  plan: PruneStudyPlan;
  records: Map<string, PruneRecord>;
  /** The whole sweep, and its dense-parent and level points separately. */
  summary: SweepSummary;
  dense: SweepSummary;
  prune: SweepSummary;
  /** The serial pass, latency and training step (empty when none ran: one worker process, queue mode, or nothing to re-time). */
  latency: SweepSummary;
}

/** Key prefix of the serial pass's points: "latency-" + the level's key. */
export const LATENCY_PREFIX = 'latency-';
const NOTHING: SweepSummary = { ran: [], skipped: [], failed: [], aborted: false };

function phaseOf(key: string): 'dense' | 'prune' {
  return key.startsWith('dense-') ? 'dense' : 'prune';
}

function splitSummary(summary: SweepSummary, phase: 'dense' | 'prune'): SweepSummary {
  const mine = (key: string) => phaseOf(key) === phase;
  return { ran: summary.ran.filter(mine), skipped: summary.skipped.filter(mine), failed: summary.failed.filter((f) => mine(f.key)), aborted: summary.aborted };
}

function pruneRecordsByKey(storePath: string): Map<string, PruneRecord> {
  const byKey = new Map<string, PruneRecord>();
  for (const record of readRecords(storePath)) if (isPruneRecord(record)) byKey.set(record.cacheKey, record);
  return byKey;
}

/** A stored level whose latency or training step was timed in a pool worker beside other workers: the serial pass should time it again. */
function needsSerialTiming(record: PruneRecord): boolean {
  const contended = (timing: PruneRecord['prune']['latencyTiming']): boolean => timing?.where === 'pool-worker' && !timing.timedAlone;
  return contended(record.prune.latencyTiming) || contended(record.prune.trainStepTiming);
}

/**
 * The serial pass: every level of `plan` whose saved models are on disk and whose stored
 * timings were contended, timed again in one worker process (the pool has exited), one level
 * after another: latency, then the training step (which trains the loaded models further, as
 * in the experiment). Each result replaces the record's latency and training step (appended as
 * the key's newest record) and deletes the saved models.
 */
async function retimeLatencySerially(plan: PruneStudyPlan, run: StudyRunOptions, tracker: ConcurrencyTracker): Promise<SweepSummary> {
  const current = pruneRecordsByKey(run.storePath);
  const points: Array<SweepPoint<LatencyPointParams>> = [];
  for (const point of plan.prune) {
    const models = levelModelPaths(point.params.spec.checkpointPath, point.key);
    const record = current.get(point.key);
    if (!record || !hasLevelModels(models)) continue;
    // Left behind after the re-timed record was stored, or timed alone already: nothing to do.
    if (!needsSerialTiming(record)) removeLevelModels(models);
    else points.push({ key: `${LATENCY_PREFIX}${point.key}`, params: { kind: 'latency', spec: point.params.spec, levelKey: point.key, models } });
  }
  if (points.length === 0) return NOTHING;
  run.onSerialPass?.(points.length);
  const workerProcesses = 1;
  const setupArgs: PruneWorkerSetup = {
    backend: run.backend,
    deviceId: run.deviceId,
    ...(run.device ? { device: run.device } : {}),
    latency: { where: 'pool-worker', workerProcesses, saveModels: false },
    skipGemm: true,
  };
  const byKey = new Map(points.map((p) => [p.key, p.params]));
  return runSweep<LatencyPointParams, SerialTiming>({
    workerModule: WORKER_MODULE,
    workers: workerProcesses,
    setupArgs,
    ...(run.signal ? { signal: run.signal } : {}),
    points,
    onResult: (key, retimed) => {
      const params = byKey.get(key) as LatencyPointParams;
      const record = current.get(params.levelKey) as PruneRecord;
      const timing = latencyTiming('serial', workerProcesses, tracker.peak(key) ?? null);
      appendRecord(run.storePath, withTiming(record, timing, retimed));
      removeLevelModels(params.models);
    },
    onEvent: (event) => {
      tracker.observe(event);
      run.onLatencyEvent?.(event);
    },
  });
}

/** Run (or resume) a study and collect its records from the store. */
export async function runPruneStudy(options: PruneStudyOptions, run: StudyRunOptions): Promise<StudyResult> {
  const plan = planPruneStudy(options, environmentKey(run.backend), run.deviceId);
  const stored = pruneRecordsByKey(run.storePath);
  const pendingDense = new Set(plan.prune.filter((p) => !stored.has(p.key)).map((p) => p.params.denseKey));
  const denseDone = (key: string): boolean =>
    !pendingDense.has(key) || hasCheckpoint(plan.dense.find((p) => p.key === key)?.params.spec.checkpointPath as string);
  const isDone = (key: string): boolean => (phaseOf(key) === 'dense' ? denseDone(key) : stored.has(key));
  // One sweep, so worker processes start once: each level waits for its dense parent.
  const points: Array<SweepPoint<PruneWorkerParams>> = [...plan.dense, ...plan.prune.map((p) => ({ ...p, after: [p.params.denseKey] }))];
  // The pool starts one process per point left to run, at most `workers` (runner.ts); unknown in queue mode.
  const workerProcesses = run.queue ? null : Math.min(points.filter((p) => !isDone(p.key)).length, Math.max(1, run.workers));
  const where = run.queue ? 'queue-worker' : 'pool-worker';
  const saveModels = workerProcesses !== null && workerProcesses > 1;
  const setupArgs: PruneWorkerSetup = {
    backend: run.backend,
    deviceId: run.deviceId,
    ...(run.device ? { device: run.device } : {}),
    latency: { where, workerProcesses, saveModels },
  };
  const tracker = createConcurrencyTracker();
  const summary = await runSweep({
    workerModule: WORKER_MODULE,
    workers: run.workers,
    setupArgs,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.queue ? { queue: run.queue } : {}),
    points,
    isDone,
    onResult: (key, result: unknown) => {
      // A dense point's result is its checkpoint file; a level's is a BenchRecord for the store.
      if (!isPruneRecord(result as PruneRecord)) return;
      // A local worker cannot see the others; the parent counts the points that ran beside it.
      const record = run.queue ? (result as PruneRecord) : withTiming(result as PruneRecord, latencyTiming(where, workerProcesses, tracker.peak(key) ?? null));
      appendRecord(run.storePath, record);
    },
    onEvent: (event) => {
      tracker.observe(event);
      run.onEvent?.(event);
    },
  });
  const latency = run.queue || summary.aborted ? NOTHING : await retimeLatencySerially(plan, run, tracker);
  const all = pruneRecordsByKey(run.storePath);
  const records = new Map<string, PruneRecord>();
  for (const point of plan.prune) {
    const record = all.get(point.key);
    if (record) records.set(point.key, record);
  }
  return { plan, records, summary, dense: splitSummary(summary, 'dense'), prune: splitSummary(summary, 'prune'), latency };
}
