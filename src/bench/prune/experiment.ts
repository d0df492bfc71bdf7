/**
 * One pruning experiment, end to end, in the current process:
 *   load the dense checkpoint → prune along the schedule while fine-tuning (masks re-applied
 *   after every update) → (structured) rebuild the smaller model → measure accuracy,
 *   sparsity, FLOPs, bytes, latency and training step time against the fine-tuned dense control,
 *   side by side in this process (latency and training step may be timed again after the sweep,
 *   alone: study.ts).
 * Everything returned is measured here, except FLOPs (analytic: counted from shapes and
 * non-zero weights, labelled modeled in the record).
 */
import { tf } from '../../runtime/tf.ts';
import type { LayersModel, Tensor } from '../../runtime/tf.ts';
import { createRng } from '../../util/rng.ts';
import { countFlops } from '../flops/analytic.ts';
import { traceFlops } from '../flops/traced.ts';
import { createZooModel, loadTask, resolveModelOptions, type Task, type ZooModelName } from '../zoo/index.ts';
import { loadCheckpoint, measureModelBytes } from './checkpoint.ts';
import { inputBatch, measureLevelLatency, type LatencySettings, type LevelLatency } from './latency.ts';
import type { LatencyTiming } from './latency-timing.ts';
import { compareTrainStep, DEFAULT_TRAIN_STEP_TIMING, type Trainer, type TrainStepComparison, type TrainStepSettings } from './train-step.ts';

export type { Trainer } from './train-step.ts';
import { measureSparsity, type LayerSparsity } from './prunable.ts';
import { createPruner, type MaskPolicy } from './pruner.ts';
import { finalSparsity, type PruningSchedule } from './schedule.ts';
import { structuredPolicy } from './structured-plan.ts';
import { rebuildStructured } from './structured.ts';
import { unstructuredPolicy, type ThresholdScope } from './unstructured.ts';

/** How weights are chosen: magnitude (unstructured), random (unstructured baseline), or whole units by L1 norm. */
export type PruneMethod = 'magnitude' | 'random' | 'structured';

/** The model and data part of an experiment (what the dense checkpoint depends on). */
export interface DenseSpec {
  model: ZooModelName;
  modelOptions: Record<string, number>;
  /** Cap on data used (tests); undefined = the full MNIST/addition set. */
  dataLimit?: number;
  seed: number;
}

/** One point: the dense checkpoint plus how to prune it. */
export interface PruneSpec extends DenseSpec, LatencySettings {
  checkpointPath: string;
  /** Training micro-batch size of fine-tuning (the trainer's), for the step FLOP figures. */
  batchSize: number;
  method: PruneMethod;
  scope: ThresholdScope;
  schedule: PruningSchedule;
  fineTuneSteps: number;
  /** Interleaved training-step timing: rounds × steps per model (default 3 × 3; tests use less). */
  trainStepTiming?: TrainStepSettings;
}

/** Everything measured for one pruned model. */
export interface PruneMeasurement {
  targetSparsity: number;
  /** Fraction of prunable kernel weights that are exactly zero after fine-tuning (overall). */
  realisedSparsity: number;
  layers: LayerSparsity[];
  /** Structured only: units per producer before → after. */
  units?: Array<{ layer: string; before: number; after: number }>;
  /** Test accuracy of the final model: reported only, it decides nothing. */
  testAccuracy: number;
  /** Test accuracy of the fine-tuned dense control: the parent fine-tuned for the same steps, never pruned (the baseline). */
  denseTestAccuracy: number;
  /** Validation accuracy (held out of training) of the final model and of the fine-tuned dense control: reachedTarget is judged on these (absent in older records). */
  validationAccuracy?: number;
  denseValidationAccuracy?: number;
  /** Test accuracy of the dense parent before that fine-tuning (absent in older records). */
  denseParentTestAccuracy?: number;
  params: number;
  nonZeroParams: number;
  denseParams: number;
  /** Forward FLOPs per sample: as the executed model runs densely, counting non-zero weights only, and of the dense parent. */
  flops: { dense: number; effective: number; denseParent: number };
  modelBytes: { float32: number; gzip: number; denseFloat32: number; denseGzip: number };
  /** Batch-1 and large-batch latency of the pruned model against the fine-tuned dense control, timed interleaved in one process. */
  latency: LevelLatency;
  /** Where and alongside how many costsim workers `latency` was timed (absent in records from before it was recorded). */
  latencyTiming?: LatencyTiming;
  /** When `latency` was timed again serially after the sweep: the first timing, inside the sweep worker, and how it was timed. */
  latencyInWorker?: LevelLatency & { timing?: LatencyTiming };
  /** Seconds per optimizer step of the final model and of the fine-tuned dense control, timed interleaved after everything else. */
  trainStep: TrainStepComparison;
  /** Where and alongside how many costsim workers `trainStep` was timed (absent in records from before it was recorded). */
  trainStepTiming?: LatencyTiming;
  /** When `trainStep` was timed again serially after the sweep: the first timing, inside the sweep worker, and how it was timed. */
  trainStepInWorker?: TrainStepComparison & { timing?: LatencyTiming };
  /** One training step of the final model at the training batch size: analytic FLOPs, traced FLOPs and tfjs peak tensor bytes. */
  trainStepFlops: { analytic: number; traced: number; peakBytes: number };
  fineTune: { steps: number; wallSeconds: number; stepSeconds: number; maskUpdates: number };
  /** Structured only: max |dense-masked − rebuilt| output on test inputs before any further training (should be ~1e-6). */
  rebuildMaxAbsDiff?: number;
}

function policyFor(
  model: LayersModel,
  spec: PruneSpec,
): { policy: MaskPolicy; kept?: () => number[][] | undefined; plan?: ReturnType<typeof structuredPolicy>['plan'] } {
  if (spec.method === 'structured') {
    const p = structuredPolicy(model);
    return { policy: p, kept: p.lastKept, plan: p.plan };
  }
  const rng = createRng(spec.seed).fork('prune');
  return { policy: unstructuredPolicy(model, { criterion: spec.method, scope: spec.scope, rng }) };
}

function maxAbsDiff(a: LayersModel, b: LayersModel, x: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a.apply(x, { training: false }) as Tensor, b.apply(x, { training: false }) as Tensor))).dataSync()[0] as number);
}

/** The task (data set) of `spec`'s model, seed and data limit. */
export function loadSpecTask(spec: DenseSpec): Task {
  const resolved = resolveModelOptions(spec.model, spec.modelOptions);
  const limit = spec.dataLimit ? { dataLimit: spec.dataLimit } : {};
  return loadTask(spec.model, { seed: spec.seed, ...limit, ...(spec.model === 'transformer' ? { digits: resolved.digits as number } : {}) });
}

/** A fresh zoo model of `spec`'s architecture for `task`, with its seeded initial weights. */
export function createSpecModel(spec: DenseSpec, task: Task): LayersModel {
  const limit = spec.dataLimit ? { dataLimit: spec.dataLimit } : {};
  return createZooModel(spec.model, task, { ...resolveModelOptions(spec.model, spec.modelOptions), seed: spec.seed, ...limit });
}

/** Load the task and a fresh model carrying the checkpoint's dense weights. */
export function loadDense(spec: PruneSpec, task?: Task): { model: LayersModel; task: Task } {
  const t = task ?? loadSpecTask(spec);
  const model = createSpecModel(spec, t);
  loadCheckpoint(spec.checkpointPath, model);
  return { model, task: t };
}

/** Hooks into an experiment. */
export interface ExperimentHooks {
  /**
   * Called with the fine-tuned dense control and the final pruned model as their latency is
   * timed (before the training-step timing trains them further), e.g. to save them for a serial
   * re-timing of latency and training step after the sweep. The models are disposed by the
   * experiment.
   */
  onLatencyModels?: (control: LayersModel, pruned: LayersModel) => void;
}

/** Run one pruning experiment. Disposes everything it creates. */
export async function runPruneExperiment(spec: PruneSpec, train: Trainer, hooks: ExperimentHooks = {}): Promise<PruneMeasurement> {
  const { model, task } = loadDense(spec);
  const { model: parent } = loadDense(spec, task);
  const created: LayersModel[] = [model, parent];
  try {
    const denseParentTestAccuracy = task.evaluate(parent);
    // The fair baseline: the dense model fine-tuned exactly as the pruned one is (same steps,
    // seed and trainer) but never pruned. Accuracy, latency and FLOPs are compared against it.
    await train({ model: parent, task, steps: spec.fineTuneSteps, seed: spec.seed });
    const denseTestAccuracy = task.evaluate(parent);
    // The validation split decides whether the pruned model kept the control's quality; the test split is only reported.
    const denseValidationAccuracy = task.evaluate(parent, { split: 'validation' });
    const { policy, kept, plan } = policyFor(model, spec);
    const pruner = createPruner(policy, spec.schedule);
    const started = performance.now();
    pruner.start();
    await train({ model, task, steps: spec.fineTuneSteps, seed: spec.seed, onAfterUpdate: (step) => pruner.afterUpdate(step) });
    const wallSeconds = (performance.now() - started) / 1000;
    const sparsity = measureSparsity(model);
    let final = model;
    let rebuildMaxAbsDiff: number | undefined;
    let units: PruneMeasurement['units'];
    if (plan && kept) {
      const keptUnits = kept() ?? plan.producers.map((p) => Array.from({ length: p.units }, (_, i) => i));
      final = await rebuildStructured(model, plan, keptUnits);
      created.push(final);
      const probe = inputBatch(task.test.x, 64);
      rebuildMaxAbsDiff = maxAbsDiff(model, final, probe);
      probe.dispose();
      units = plan.producers.map((p, i) => ({ layer: p.layer.name, before: p.units, after: (keptUnits[i] as number[]).length }));
    }
    const testAccuracy = task.evaluate(final);
    const validationAccuracy = task.evaluate(final, { split: 'validation' });
    const flops = countFlops(final, { batchSize: 1 }).totals;
    const parentFlops = countFlops(parent, { batchSize: 1 }).totals;
    const bytes = measureModelBytes(final);
    const parentBytes = measureModelBytes(parent);
    hooks.onLatencyModels?.(parent, final);
    const latency = measureLevelLatency(parent, final, task.test.x, spec);
    // Last, because it trains both models further (their accuracy is already recorded).
    const trainStep = await compareTrainStep(parent, final, task, train, spec.seed, spec.trainStepTiming ?? DEFAULT_TRAIN_STEP_TIMING);
    const traced = await traceFlops(() => train({ model: final, task, steps: 1, seed: spec.seed }));
    const trainStepFlops = {
      analytic: countFlops(final, { batchSize: spec.batchSize }).totals.trainStepFlops,
      traced: traced.totalFlops,
      peakBytes: traced.peakBytes,
    };
    const result: PruneMeasurement = {
      targetSparsity: finalSparsity(spec.schedule),
      realisedSparsity: sparsity.realisedSparsity,
      layers: sparsity.layers,
      testAccuracy,
      denseTestAccuracy,
      validationAccuracy,
      denseValidationAccuracy,
      denseParentTestAccuracy,
      params: flops.params,
      nonZeroParams: flops.nonZeroParams,
      denseParams: parentFlops.params,
      flops: { dense: flops.forwardFlops, effective: flops.effectiveForwardFlops, denseParent: parentFlops.forwardFlops },
      modelBytes: { float32: bytes.float32Bytes, gzip: bytes.gzipBytes, denseFloat32: parentBytes.float32Bytes, denseGzip: parentBytes.gzipBytes },
      latency,
      trainStep,
      trainStepFlops,
      fineTune: {
        steps: spec.fineTuneSteps,
        wallSeconds,
        stepSeconds: spec.fineTuneSteps > 0 ? wallSeconds / spec.fineTuneSteps : 0,
        maskUpdates: pruner.maskUpdates,
      },
    };
    if (units) result.units = units;
    if (rebuildMaxAbsDiff !== undefined) result.rebuildMaxAbsDiff = rebuildMaxAbsDiff;
    return result;
  } finally {
    for (const m of created) m.dispose();
    task.dispose();
  }
}
