/**
 * Run a pruning study: dense parents first (one per seed), then every level, each phase a
 * resumable sweep over worker processes. Every pruning result is appended to the BenchRecord
 * store as it arrives; a rerun skips levels the store already holds and dense parents whose
 * checkpoint exists (or whose levels are all done).
 */
import { fileURLToPath } from 'node:url';
import { appendRecord, readRecords } from '../store.ts';
import { runSweep, type SweepEvent, type SweepSummary } from '../../sweep/runner.ts';
import { hasCheckpoint } from './checkpoint.ts';
import { environmentKey } from './environment.ts';
import { planPruneStudy, type PruneStudyOptions, type PruneStudyPlan } from './plan.ts';
import { isPruneRecord, type PruneRecord } from './record.ts';
import type { PruneWorkerSetup } from './worker.ts';

const WORKER_MODULE = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Where and how to run a study. */
export interface StudyRunOptions {
  /** Backend name every worker forces (chosen once in the parent). */
  backend: string;
  deviceId: string;
  storePath: string;
  workers: number;
  onEvent?: (phase: 'dense' | 'prune', event: SweepEvent) => void;
  signal?: AbortSignal;
}

/** The study's plan, the records answering its points (newest per key), and what failed. */
export interface StudyResult {
  plan: PruneStudyPlan;
  records: Map<string, PruneRecord>;
  dense: SweepSummary;
  prune: SweepSummary;
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
  const common = { workerModule: WORKER_MODULE, workers: run.workers, setupArgs, ...(run.signal ? { signal: run.signal } : {}) };
  const dense = await runSweep({
    ...common,
    points: plan.dense,
    isDone: (key) => !pendingDense.has(key) || hasCheckpoint((plan.dense.find((p) => p.key === key)?.params.spec.checkpointPath) as string),
    onResult: () => undefined, // the checkpoint file is the result
    onEvent: (event) => run.onEvent?.('dense', event),
  });
  const prune = await runSweep({
    ...common,
    points: plan.prune,
    isDone: (key) => stored.has(key),
    onResult: (_key, record: PruneRecord) => appendRecord(run.storePath, record),
    onEvent: (event) => run.onEvent?.('prune', event),
  });
  const all = pruneRecordsByKey(run.storePath);
  const records = new Map<string, PruneRecord>();
  for (const point of plan.prune) {
    const record = all.get(point.key);
    if (record) records.set(point.key, record);
  }
  return { plan, records, dense, prune };
}
