/**
 * From a pruning study's options to sweep points (pure). Two phases: one dense training
 * point per seed (writes the checkpoint every level starts from), then one point per
 * method × sparsity × seed. Keys hash everything that changes a result plus the
 * environment key, so a rerun skips what the store already holds.
 */
import { join } from 'node:path';
import type { SweepPoint } from '../../sweep/runner.ts';
import type { ZooModelName } from '../zoo/index.ts';
import { hashKey, type EnvironmentKey } from './environment.ts';
import type { PruneMethod, PruneSpec } from './experiment.ts';
import type { LevelModelPaths } from './level-models.ts';
import { constant, polynomialDecay, type PruningSchedule } from './schedule.ts';
import type { ThresholdScope } from './unstructured.ts';

/** What the user asked for (already validated by the CLI). */
export interface PruneStudyOptions {
  model: ZooModelName;
  modelOptions: Record<string, number>;
  dataLimit?: number;
  seeds: number[];
  sparsities: number[];
  methods: PruneMethod[];
  scope: ThresholdScope;
  schedule: 'constant' | 'polynomial';
  /** Schedule settings the user gave; the rest default from fineTuneSteps. */
  scheduleOverrides: { beginStep?: number; endStep?: number; frequency?: number; power?: number; initialSparsity?: number };
  denseSteps: number;
  fineTuneSteps: number;
  batchSize: number;
  learningRate: number;
  latencyBatchSize: number;
  latencyRounds: number;
  /** Milliseconds per latency timing (default 200). */
  latencyTargetMs?: number;
  /** Directory for dense checkpoints (e.g. .costsim/prune-checkpoints). */
  checkpointDir: string;
  /** Grid region and PUE the records' carbon is computed for, when given (as `costsim bench --grid-region/--pue`); absent = world average, PUE 1. */
  grid?: { region: string; pue: number };
  /** This machine's own USD per hour, when given (as `costsim bench --usd-per-hour`), pricing the records instead of the device's catalogue rate. */
  usdPerHour?: number;
  /** Where `usdPerHour` was given, for the cost provenance (default "--usd-per-hour"). */
  usdPerHourVia?: string;
}

/**
 * How a level's record is priced and carbon-counted, when the user said (absent fields: the
 * device's catalogue rate, world grid, PUE 1). Part of a level's spec, so in its cache key only
 * when given: keys of studies without them are unchanged, and the store never hands back
 * another rate's dollars or another grid's carbon. Dense parents do not depend on it.
 */
export interface PricingSpec {
  grid?: { region: string; pue: number };
  usdPerHourGiven?: number;
  usdPerHourVia?: string;
}

/** Training settings shared by the dense and the fine-tuning phase. */
export interface TrainingSpec {
  batchSize: number;
  learningRate: number;
}

/** Phase 1: train the dense parent. */
export interface DensePointParams {
  kind: 'dense';
  spec: Omit<PruneSpec, 'method' | 'scope' | 'schedule' | 'fineTuneSteps' | 'latencyBatchSize' | 'latencyRounds' | 'latencyTargetMs' | 'trainStepTiming'> &
    TrainingSpec & { denseSteps: number };
}

/** Phase 2: prune and measure one level. */
export interface PrunePointParams {
  kind: 'prune';
  spec: PruneSpec & TrainingSpec & PricingSpec;
  denseKey: string;
}

/**
 * After the sweep: time one level's latency, then its training step, again from its saved
 * models, with no other worker running.
 */
export interface LatencyPointParams {
  kind: 'latency';
  spec: PruneSpec & TrainingSpec;
  levelKey: string;
  models: LevelModelPaths;
}

export type PruneWorkerParams = DensePointParams | PrunePointParams | LatencyPointParams;

/** The sweep points, and which point answers each requested method × sparsity × seed cell. */
export interface PruneStudyPlan {
  dense: SweepPoint<DensePointParams>[];
  prune: SweepPoint<PrunePointParams>[];
  cells: Array<{ method: PruneMethod; sparsity: number; seed: number; key: string }>;
}

/** The schedule of one level, with defaults scaled to the fine-tuning budget. */
export function scheduleFor(options: Pick<PruneStudyOptions, 'schedule' | 'scheduleOverrides' | 'fineTuneSteps'>, sparsity: number): PruningSchedule {
  const o = options.scheduleOverrides;
  const beginStep = o.beginStep ?? 0;
  if (options.schedule === 'constant') {
    // TFMOT's ConstantSparsity defaults: prune at begin and every 100 steps after (masks of a
    // constant target barely move, since pruned weights stay zero).
    return constant(sparsity, { beginStep, endStep: o.endStep ?? -1, frequency: o.frequency ?? 100 });
  }
  // Ramp over the first ~60% of fine-tuning in 10 mask updates, then recover at the final sparsity.
  const frequency = o.frequency ?? Math.max(1, Math.round((0.6 * options.fineTuneSteps) / 10));
  // Ten updates, or as many as fit before the last fine-tuning step (so a short run still ends at the target).
  const updates = Math.max(1, Math.min(10, Math.floor((options.fineTuneSteps - 1 - beginStep) / frequency)));
  const endStep = o.endStep ?? beginStep + updates * frequency;
  return polynomialDecay({
    initialSparsity: Math.min(o.initialSparsity ?? 0, sparsity),
    finalSparsity: sparsity,
    beginStep,
    endStep,
    frequency,
    ...(o.power !== undefined ? { power: o.power } : {}),
  });
}

/** Random and magnitude pruning at sparsity 0 are the same run: share one point. */
function effectiveMethod(method: PruneMethod, sparsity: number): PruneMethod {
  return sparsity === 0 && method === 'random' ? 'magnitude' : method;
}

/** The pricing fields of a level's spec: only those given. */
function pricingSpec(options: Pick<PruneStudyOptions, 'grid' | 'usdPerHour' | 'usdPerHourVia'>): PricingSpec {
  return {
    ...(options.grid ? { grid: options.grid } : {}),
    ...(options.usdPerHour !== undefined ? { usdPerHourGiven: options.usdPerHour } : {}),
    ...(options.usdPerHour !== undefined && options.usdPerHourVia ? { usdPerHourVia: options.usdPerHourVia } : {}),
  };
}

/**
 * The points of a study: dense phase and pruning phase. `deviceId` is the catalogue instance
 * the levels' records are priced as: in every level's key (a rerun priced as another device
 * must not get the first device's dollars back), not in the dense parents' (training does not
 * depend on it).
 */
export function planPruneStudy(options: PruneStudyOptions, env: EnvironmentKey, deviceId: string): PruneStudyPlan {
  const dense: SweepPoint<DensePointParams>[] = [];
  const prune: SweepPoint<PrunePointParams>[] = [];
  const cells: PruneStudyPlan['cells'] = [];
  const seen = new Set<string>();
  for (const seed of options.seeds) {
    const base = {
      model: options.model,
      modelOptions: options.modelOptions,
      seed,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      ...(options.dataLimit ? { dataLimit: options.dataLimit } : {}),
    };
    const denseKey = `dense-${hashKey({ ...base, denseSteps: options.denseSteps, env })}`;
    const checkpointPath = join(options.checkpointDir, `${denseKey}.json`);
    dense.push({ key: denseKey, params: { kind: 'dense', spec: { ...base, denseSteps: options.denseSteps, checkpointPath } } });
    for (const method of options.methods) {
      for (const sparsity of options.sparsities) {
        const spec: PruneSpec & TrainingSpec & PricingSpec = {
          ...base,
          checkpointPath,
          method: effectiveMethod(method, sparsity),
          scope: options.scope,
          schedule: scheduleFor(options, sparsity),
          fineTuneSteps: options.fineTuneSteps,
          latencyBatchSize: options.latencyBatchSize,
          latencyRounds: options.latencyRounds,
          ...(options.latencyTargetMs ? { latencyTargetMs: options.latencyTargetMs } : {}),
          ...pricingSpec(options),
        };
        // Where a rate was given changes its label, not the result: not in the key.
        const { checkpointPath: _path, usdPerHourVia: _via, ...keyed } = spec;
        const key = `prune-${hashKey({ ...keyed, denseKey, env, deviceId })}`;
        cells.push({ method, sparsity, seed, key });
        if (seen.has(key)) continue;
        seen.add(key);
        prune.push({ key, params: { kind: 'prune', spec, denseKey } });
      }
    }
  }
  return { dense, prune, cells };
}
