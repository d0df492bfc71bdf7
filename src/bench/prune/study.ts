/**
 * Run a pruning study: dense parents (one per seed) and every level in one resumable sweep
 * over worker processes, each level waiting for its parent. Every pruning result is appended to the BenchRecord
 * store as it arrives; a rerun skips levels the store already holds and dense parents whose
 * checkpoint exists (or whose levels are all done).
 */
import { moduleFile } from '../../util/module-file.ts';
import { appendRecord, readRecords } from '../store.ts';
import { runSweep, type SweepEvent, type SweepPoint, type SweepSummary } from '../../sweep/runner.ts';
import { hasCheckpoint } from './checkpoint.ts';
import { environmentKey } from './environment.ts';
import { planPruneStudy, type PruneStudyOptions, type PruneStudyPlan, type PruneWorkerParams } from './plan.ts';
import { isPruneRecord, type PruneRecord } from './record.ts';
import type { PruneWorkerSetup } from './worker.ts';

const WORKER_MODULE = moduleFile('./worker.ts', import.meta.url);

/** Where and how to run a study. */
export interface StudyRunOptions {
  /** Backend name every worker forces (chosen once in the parent). */
  backend: string;
  deviceId: string;
  storePath: string;
  workers: number;
  /** Sweep events; dense-parent keys start with "dense-", level keys with "prune-". */
  onEvent?: (event: SweepEvent) => void;
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
}

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

/** Run (or resume) a study and collect its records from the store. */
export async function runPruneStudy(options: PruneStudyOptions, run: StudyRunOptions): Promise<StudyResult> {
  const plan = planPruneStudy(options, environmentKey(run.backend));
  const stored = pruneRecordsByKey(run.storePath);
  const setupArgs: PruneWorkerSetup = { backend: run.backend, deviceId: run.deviceId };
  const pendingDense = new Set(plan.prune.filter((p) => !stored.has(p.key)).map((p) => p.params.denseKey));
  const denseDone = (key: string): boolean =>
    !pendingDense.has(key) || hasCheckpoint(plan.dense.find((p) => p.key === key)?.params.spec.checkpointPath as string);
  // One sweep, so worker processes start once: each level waits for its dense parent.
  const points: Array<SweepPoint<PruneWorkerParams>> = [...plan.dense, ...plan.prune.map((p) => ({ ...p, after: [p.params.denseKey] }))];
  const summary = await runSweep({
    workerModule: WORKER_MODULE,
    workers: run.workers,
    setupArgs,
    ...(run.signal ? { signal: run.signal } : {}),
    ...(run.queue ? { queue: run.queue } : {}),
    points,
    isDone: (key) => (phaseOf(key) === 'dense' ? denseDone(key) : stored.has(key)),
    onResult: (_key, result: unknown) => {
      // A dense point's result is its checkpoint file; a level's is a BenchRecord for the store.
      if (isPruneRecord(result as PruneRecord)) appendRecord(run.storePath, result as PruneRecord);
    },
    onEvent: (event) => run.onEvent?.(event),
  });
  const all = pruneRecordsByKey(run.storePath);
  const records = new Map<string, PruneRecord>();
  for (const point of plan.prune) {
    const record = all.get(point.key);
    if (record) records.set(point.key, record);
  }
  return { plan, records, summary, dense: splitSummary(summary, 'dense'), prune: splitSummary(summary, 'prune') };
}
