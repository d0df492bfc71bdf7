/**
 * Pruning results as BenchRecords. The standard metrics describe the pruned model's
 * fine-tuning run (what a BenchRecord reader expects); the full pruning measurement rides
 * along under `prune` so `costsim prune` can rebuild its table from the store alone.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { instanceMismatch, usdForSeconds } from '../../devices/pricing.ts';
import { estimateEnergy, type GridOptions } from '../energy.ts';
import type { Device } from '../../devices/catalog.ts';
import { BENCH_RECORD_VERSION, type BenchConfig, type BenchEnvironment, type BenchRecord, type Provenance } from '../record.ts';
import type { PruneMeasurement } from './experiment.ts';
import { reachesTarget } from '../train/stopping.ts';
import type { LevelLatency } from './latency.ts';
import { describeLatencyTiming, type LatencyTiming } from './latency-timing.ts';
import type { PrunePointParams } from './plan.ts';
import { DEFAULT_TRAIN_STEP_TIMING, type TrainStepComparison } from './train-step.ts';

/** A BenchRecord written by a pruning study. */
export interface PruneRecord extends BenchRecord {
  prune: PruneMeasurement & { method: string; scope: string; denseKey: string };
}

/** True for records carrying a pruning measurement. */
export function isPruneRecord(record: BenchRecord): record is PruneRecord {
  return typeof (record as Partial<PruneRecord>).prune === 'object';
}

/**
 * Cost, energy and carbon of `seconds` on `device`, by the same formulas as every bench record
 * (usdForSeconds; estimateEnergy, on `options.grid`). A pruning worker keeps one vCPU busy: its
 * CPU seconds are taken as its wall seconds. `device` carries the rate that prices the seconds
 * (bench/run.ts atGivenRate when the user gave this machine's own); `options.mismatch` is why
 * that instance is not this machine (instanceMismatch), stated in the cost's provenance.
 */
export function priceSeconds(
  seconds: number,
  device: Device,
  options: { grid?: GridOptions; mismatch?: string | undefined } = {},
): { costUsd: number; energyJoules: number; carbonGrams: number; provenance: Record<string, Provenance> } {
  const energy = estimateEnergy({
    device,
    wallSeconds: seconds,
    cpuSeconds: seconds,
    cpus: cpus().length,
    loadNote: `one worker process per core: 1 busy vCPU of ${cpus().length} (assumed)`,
    ...(options.grid ? { grid: options.grid } : {}),
  });
  const usd = device.usdPerHour;
  return {
    costUsd: usdForSeconds(seconds, usd.value),
    energyJoules: energy.energyJoules,
    carbonGrams: energy.carbonGrams,
    provenance: {
      'metrics.costUsd': {
        kind: 'modeled',
        source: `wallSeconds ÷ 3600 × ${usd.value} USD/hour (${device.id} usdPerHour: ${usd.source}, ${usd.date}${usd.unverified ? ', unverified' : ''})${options.mismatch ? `; warning: ${options.mismatch}` : ''}`,
      },
      'metrics.energyJoules': energy.provenance,
      'metrics.carbonGrams': energy.carbonProvenance,
    },
  };
}

/**
 * Whether a pruned model kept the fine-tuned dense control's quality, judged as bench's stopping
 * is (train/stopping.ts reachesTarget): on the validation split, with the control's validation
 * accuracy as the target; the test split is only reported. Records from before validation was
 * measured fall back to the test split, and say so.
 */
export function keptQuality(m: Pick<PruneMeasurement, 'testAccuracy' | 'denseTestAccuracy' | 'validationAccuracy' | 'denseValidationAccuracy'>): {
  reached: boolean;
  split: 'validation' | 'test';
  accuracy: number;
  targetAccuracy: number;
} {
  if (m.validationAccuracy !== undefined && m.denseValidationAccuracy !== undefined) {
    const reached = reachesTarget({ validationAccuracy: m.validationAccuracy }, m.denseValidationAccuracy);
    return { reached, split: 'validation', accuracy: m.validationAccuracy, targetAccuracy: m.denseValidationAccuracy };
  }
  return { reached: m.testAccuracy >= m.denseTestAccuracy, split: 'test', accuracy: m.testAccuracy, targetAccuracy: m.denseTestAccuracy };
}

/** metrics.latencyMs of a level: the pruned model's per-sample milliseconds. */
function latencyMetrics(latency: LevelLatency): NonNullable<BenchRecord['metrics']['latencyMs']> {
  return { batch1: latency.batch1.prunedMsPerSample, batchLarge: latency.batchLarge.prunedMsPerSample, largeBatchSize: latency.batchLarge.batchSize };
}

/** Provenance of metrics.latencyMs: how it was measured and where and beside what it was timed. */
function latencyProvenance(latency: LevelLatency, timing: LatencyTiming | undefined, env: BenchEnvironment): Provenance {
  return {
    kind: 'measured',
    source: `per-sample inference time, median of ${latency.batch1.rounds} rounds interleaved with the fine-tuned dense control; ${describeLatencyTiming(timing, latency.loadAverage1m)} (${env.backend} backend, ${env.cpuModel})`,
  };
}

/** Provenance of prune.trainStep: how the training step was timed, and where and beside what. */
function trainStepProvenance(trainStep: TrainStepComparison, timing: LatencyTiming | undefined, env: BenchEnvironment): Provenance {
  const rounds = trainStep.rounds ?? DEFAULT_TRAIN_STEP_TIMING.rounds;
  const steps = trainStep.steps ?? DEFAULT_TRAIN_STEP_TIMING.steps;
  return {
    kind: 'measured',
    source: `seconds per Adam step of the pruned model and of the fine-tuned dense control, median of ${rounds} interleaved rounds of ${steps} steps each after one warm-up step, timed after latency (it trains both further); ${describeLatencyTiming(timing, trainStep.loadAverage1m)} (${env.backend} backend, ${env.cpuModel})`,
  };
}

/** What the serial pass after the sweep measures for one level: latency, then training step. */
export interface SerialTiming {
  latency: LevelLatency;
  trainStep: TrainStepComparison;
}

/**
 * The record with how its latency and training step were timed stated (`timing`, for both)
 * and, when `retimed` is given (the serial pass), both replaced by those timings
 * (metrics.latencyMs, prune.latency, prune.trainStep and their provenance follow; the first
 * timings are kept as prune.latencyInWorker and prune.trainStepInWorker, and the record gets a
 * new id). The input is not modified.
 */
export function withTiming(record: PruneRecord, timing: LatencyTiming, retimed?: SerialTiming): PruneRecord {
  const m = record.prune;
  const latency = retimed?.latency ?? m.latency;
  const trainStep = retimed?.trainStep ?? m.trainStep;
  const prune: PruneRecord['prune'] = { ...m, latency, latencyTiming: timing, trainStep, trainStepTiming: timing };
  if (retimed) {
    prune.latencyInWorker = { ...m.latency, ...(m.latencyTiming ? { timing: m.latencyTiming } : {}) };
    const firstTrainStepTiming = m.trainStepTiming ?? m.latencyTiming;
    prune.trainStepInWorker = { ...m.trainStep, ...(firstTrainStepTiming ? { timing: firstTrainStepTiming } : {}) };
  }
  return {
    ...record,
    ...(retimed ? { id: randomUUID() } : {}),
    metrics: { ...record.metrics, latencyMs: latencyMetrics(latency) },
    provenance: {
      ...record.provenance,
      'metrics.latencyMs': latencyProvenance(latency, timing, record.environment),
      'prune.trainStep': trainStepProvenance(trainStep, timing, record.environment),
    },
    prune,
  };
}

/**
 * The BenchRecord of one pruning point. `gemmGflops` is the backend's GEMM rate measured in the
 * worker. `device` prices the seconds (at the rate given, when env.usdPerHourGiven says one was);
 * the carbon is on env.grid's region and PUE.
 */
export function pruneRecord(
  point: { key: string; params: PrunePointParams },
  m: PruneMeasurement,
  env: BenchEnvironment,
  device: Device,
  gemmGflops: number,
): PruneRecord {
  const { spec } = point.params;
  const judged = keptQuality(m);
  const config: BenchConfig = {
    model: spec.model,
    modelOptions: spec.modelOptions,
    batchSize: spec.batchSize,
    accumulationSteps: 1,
    maxSteps: spec.fineTuneSteps,
    learningRate: spec.learningRate,
    optimizer: 'adam',
    seed: spec.seed,
    // The quality target of a pruned model: keep the fine-tuned dense control's validation accuracy.
    targetAccuracy: judged.targetAccuracy,
    pruning: {
      method: spec.method,
      scope: spec.scope,
      schedule: spec.schedule,
      targetSparsity: m.targetSparsity,
      denseKey: point.params.denseKey,
      latencyBatchSize: spec.latencyBatchSize,
      ...(spec.dataLimit ? { dataLimit: spec.dataLimit } : {}),
    },
  };
  const wallSeconds = m.fineTune.wallSeconds;
  // Same method as a bench record: traced FLOPs of a step × steps ÷ measured seconds.
  const achievedGflops = wallSeconds > 0 ? (m.trainStepFlops.traced * m.fineTune.steps) / wallSeconds / 1e9 : 0;
  const priced = priceSeconds(wallSeconds, device, {
    ...(env.grid ? { grid: env.grid } : {}),
    ...(env.usdPerHourGiven === undefined ? { mismatch: instanceMismatch(device, { cores: env.cpuCores, model: env.cpuModel }) } : {}),
  });
  const measured = (source: string): Provenance => ({ kind: 'measured', source: `${source} (${env.backend} backend, ${env.cpuModel})` });
  return {
    version: BENCH_RECORD_VERSION,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    cacheKey: point.key,
    config,
    environment: env,
    metrics: {
      testAccuracy: m.testAccuracy,
      ...(m.validationAccuracy !== undefined ? { validationAccuracy: m.validationAccuracy } : {}),
      reachedTarget: judged.reached,
      steps: m.fineTune.steps,
      samples: m.fineTune.steps * spec.batchSize,
      wallSeconds,
      stepSeconds: m.fineTune.stepSeconds,
      flops: {
        analyticTrainStep: m.trainStepFlops.analytic,
        tracedTrainStep: m.trainStepFlops.traced,
        forwardPerSample: m.flops.dense,
        effectiveForwardPerSample: m.flops.effective,
        total: m.trainStepFlops.traced * m.fineTune.steps,
      },
      params: m.params,
      nonZeroParams: m.nonZeroParams,
      achievedGflops,
      gemmGflops,
      utilisation: gemmGflops > 0 ? achievedGflops / gemmGflops : 0,
      peakBytes: m.trainStepFlops.peakBytes,
      energyJoules: priced.energyJoules,
      carbonGrams: priced.carbonGrams,
      costUsd: priced.costUsd,
      latencyMs: latencyMetrics(m.latency),
    },
    provenance: {
      'metrics.testAccuracy': measured(
        `test split after fine-tuning (the fine-tuned dense control's: ${m.denseTestAccuracy}); ${judged.split === 'validation' ? 'reported only: reachedTarget is judged on the validation split' : 'this record predates the validation split, so reachedTarget was judged on it'}`,
      ),
      ...(m.validationAccuracy !== undefined
        ? {
            'metrics.validationAccuracy': measured(
              `validation split (held out of the training data, never trained on) after fine-tuning (the fine-tuned dense control's: ${m.denseValidationAccuracy}); reachedTarget is judged on it`,
            ),
          }
        : {}),
      'metrics.wallSeconds': measured('pruning + fine-tuning wall clock'),
      'metrics.stepSeconds': measured('fine-tuning wall clock ÷ steps, mask re-application included'),
      'metrics.flops.analyticTrainStep': { kind: 'modeled', source: 'analytic per-layer count (bench/flops/analytic.ts)' },
      'metrics.flops.tracedTrainStep': measured(
        'kernels of one profiled training step (tf.profile): matmul/conv exact from shapes, every other kernel 1 FLOP per output element (a convention, not a count)',
      ),
      'metrics.flops.forwardPerSample': { kind: 'modeled', source: 'analytic forward FLOPs of the model as executed (dense kernels)' },
      'metrics.flops.effectiveForwardPerSample': {
        kind: 'modeled',
        source: 'analytic forward FLOPs over non-zero weights only: what an ideal sparse kernel would run',
      },
      'metrics.latencyMs': latencyProvenance(m.latency, m.latencyTiming, env),
      'prune.trainStep': trainStepProvenance(m.trainStep, m.trainStepTiming, env),
      'metrics.peakBytes': measured('tf.profile peakBytes of one training step'),
      'metrics.gemmGflops': measured('GEMM microbenchmark in the same worker process'),
      'metrics.achievedGflops': measured(
        'traced FLOPs of one training step (tf.profile; matmul/conv exact, other kernels 1 FLOP per element by convention) × fine-tuning steps ÷ fine-tuning wall seconds, mask re-application included',
      ),
      'metrics.utilisation': measured('achievedGflops ÷ gemmGflops, both measured in the same worker process'),
      'metrics.reachedTarget': measured(
        `decided on the ${judged.split} split: final ${judged.split} accuracy ${judged.accuracy} ${judged.reached ? '≥' : '<'} the fine-tuned dense control's ${judged.targetAccuracy} (config.targetAccuracy; the parent fine-tuned for the same ${m.fineTune.steps} steps without pruning)${judged.split === 'validation' ? `; the test split (${m.testAccuracy} vs ${m.denseTestAccuracy}) is only reported` : ' (a record from before the validation split was measured)'}`,
      ),
      ...priced.provenance,
    },
    prune: { ...m, method: spec.method, scope: spec.scope, denseKey: point.params.denseKey },
  };
}
