/**
 * The training loop: each optimizer step draws k·b samples, runs k micro-batches of b
 * (forward + backward, one tf.tidy each), sums their gradients, and applies the mean in one
 * update. With k = 1 it is plain minibatch training. Loss values are read back from the
 * backend only every `lossEvery` steps, so the loop does not stall on a device sync per step.
 */
import { tf, type LayersModel, type Tensor } from '../../runtime/tf.ts';
import type { Rng } from '../../util/rng.ts';
import { NonFiniteResultError, UsageError } from '../../errors.ts';
import type { Task } from '../zoo/task.ts';
import { checkpointedGradients, type Segment } from '../../runtime/index.ts';

/** Draws sample indices epoch by epoch: a fresh seeded permutation each time one runs out. */
export class EpochSampler {
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  constructor(
    readonly count: number,
    private readonly rng: Rng,
  ) {}

  /** The next `n` indices (an epoch boundary may fall inside). */
  next(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      if (this.cursor >= this.order.length) this.reshuffle();
      out[i] = this.order[this.cursor++] as number;
    }
    return out;
  }

  private reshuffle(): void {
    const order = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    for (let i = this.count - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const tmp = order[i] as number;
      order[i] = order[j] as number;
      order[j] = tmp;
    }
    this.order = order;
    this.cursor = 0;
  }
}

/** Reported after every optimizer step. `loss` (mean over the step's samples, nats) is present on logging steps only. */
export interface StepInfo {
  step: number;
  samples: number;
  wallSeconds: number;
  loss?: number;
}

export interface TrainOptions {
  model: LayersModel;
  task: Task;
  optimizer: tf.Optimizer;
  /** Micro-batch size b (samples per forward/backward pass). */
  batchSize: number;
  /** Micro-batches per optimizer step, k (≥ 1). Samples per step = k·b. */
  accumulationSteps: number;
  /** Optimizer steps to run at most. */
  steps: number;
  /** Drives sample order (fork it per run). */
  rng: Rng;
  /** Called after every optimizer update with the 1-based step number (pruning re-applies masks here). */
  onAfterUpdate?: (step: number) => void;
  onStep?: (info: StepInfo) => void;
  /** Checked after each step (after onAfterUpdate and onStep); true stops training. */
  stopWhen?: (step: number) => boolean | Promise<boolean>;
  /** Read the loss back every this many steps (default 10; the first and last step always). */
  lossEvery?: number;
  /** Steps already taken before this loop (e.g. a profiled first step), so messages count from the run's start. */
  stepOffset?: number;
  /** Reuse a sampler across calls so a run split into segments keeps one sample order. */
  sampler?: EpochSampler;
  /** Train with gradient checkpointing over these segments (zooSegments): each is recomputed during backward. */
  checkpointSegments?: readonly Segment[];
}

export interface TrainResult {
  steps: number;
  samples: number;
  wallSeconds: number;
  stoppedEarly: boolean;
  curve: Array<{ step: number; loss: number; wallSeconds: number }>;
}

/** The tf.Variables behind a model's trainable weights. */
export function trainableVariables(model: LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(name, `must be a positive integer (got ${value})`);
}

/** Mean loss of the model on a batch (training mode: batch norm uses batch statistics, dropout is active). */
function batchLoss(model: LayersModel, task: Task, x: Tensor, y: Tensor): tf.Scalar {
  const logits = model.apply(x, { training: true }) as Tensor;
  return task.loss(y, logits);
}

/**
 * Loss and gradients (by variable name) of one batch: plain backprop, or, with `segments`,
 * gradient checkpointing (each segment recomputed during backward; batch norm's moving
 * statistics restored after the recomputation so they move once, as in plain training).
 */
export function batchGradients(
  model: LayersModel,
  task: Task,
  x: Tensor,
  y: Tensor,
  variables: tf.Variable[],
  segments?: readonly Segment[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  if (!segments) return tf.variableGrads(() => batchLoss(model, task, x, y), variables);
  const state = model.nonTrainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
  return checkpointedGradients(segments, (out) => task.loss(y, out), x, variables, state);
}

/**
 * One optimizer step over `indices` (length k·b) split into k micro-batches. Returns the mean
 * loss as a scalar tensor when `keepLoss`, else undefined. Leaves no tensors behind besides it.
 * With `segments` the gradients come from gradient checkpointing (batchGradients).
 */
export function trainStep(
  model: LayersModel,
  task: Task,
  optimizer: tf.Optimizer,
  indices: Int32Array,
  accumulationSteps: number,
  keepLoss: boolean,
  variables = trainableVariables(model),
  segments?: readonly Segment[],
): tf.Scalar | undefined {
  const k = accumulationSteps;
  // The batch is gathered outside the gradient tape: on the tape, Gather would save (clone) the whole data set for its backward pass.
  if (k === 1 && segments) {
    return tf.tidy(() => {
      const { x, y } = task.batch(indices);
      const { value, grads } = batchGradients(model, task, x, y, variables, segments);
      optimizer.applyGradients(grads);
      return keepLoss ? value : undefined;
    });
  }
  if (k === 1) {
    return tf.tidy(() => {
      const { x, y } = task.batch(indices);
      return optimizer.minimize(() => batchLoss(model, task, x, y), keepLoss, variables) ?? undefined;
    });
  }
  const b = indices.length / k;
  let sums: tf.NamedTensorMap | undefined;
  let lossSum: tf.Scalar | undefined;
  for (let i = 0; i < k; i++) {
    const part = indices.subarray(i * b, (i + 1) * b);
    const batch = task.batch(part);
    const { value, grads } = batchGradients(model, task, batch.x, batch.y, variables, segments);
    batch.x.dispose();
    batch.y.dispose();
    if (!sums) sums = grads;
    else {
      for (const name of Object.keys(grads)) {
        const previous = sums[name] as Tensor;
        sums[name] = tf.add(previous, grads[name] as Tensor);
        previous.dispose();
        grads[name]?.dispose();
      }
    }
    if (keepLoss) {
      const previous = lossSum;
      lossSum = previous ? tf.add(previous, value) : tf.clone(value);
      previous?.dispose();
    }
    value.dispose();
  }
  const gradients = sums as tf.NamedTensorMap;
  tf.tidy(() => {
    const means: tf.NamedTensorMap = {};
    for (const name of Object.keys(gradients)) means[name] = tf.div(gradients[name] as Tensor, k);
    optimizer.applyGradients(means);
  });
  tf.dispose(gradients);
  if (!lossSum) return undefined;
  const mean = tf.div(lossSum, k) as tf.Scalar;
  lossSum.dispose();
  return mean;
}

/** The error for a loss that is NaN or infinite at `step` (the loss is read back every `lossEvery` steps). */
function divergedAt(step: number, steps: number, lossEvery: number, loss: number): NonFiniteResultError {
  return new NonFiniteResultError(
    `training diverged: the loss is ${loss} at step ${step} of ${steps} (read every ${lossEvery} steps, so it first went non-finite at or before that step); ` +
      'nothing was recorded. Lower the learning rate (--lr) or check the model options.',
  );
}

/** Train for `steps` optimizer steps or until `stopWhen` says stop. Wall time covers the whole loop including callbacks. */
export async function trainSteps(options: TrainOptions): Promise<TrainResult> {
  const { model, task, optimizer, batchSize, accumulationSteps, steps } = options;
  positiveInteger(batchSize, 'batchSize');
  positiveInteger(accumulationSteps, 'accumulationSteps');
  positiveInteger(steps, 'steps');
  const lossEvery = options.lossEvery ?? 10;
  const sampler = options.sampler ?? new EpochSampler(task.train.count, options.rng);
  const variables = trainableVariables(model);
  const curve: TrainResult['curve'] = [];
  const start = performance.now();
  let step = 0;
  let stoppedEarly = false;
  while (step < steps) {
    step++;
    const logging = step === 1 || step === steps || step % lossEvery === 0;
    const indices = sampler.next(batchSize * accumulationSteps);
    const lossTensor = trainStep(model, task, optimizer, indices, accumulationSteps, logging, variables, options.checkpointSegments);
    options.onAfterUpdate?.(step);
    const info: StepInfo = { step, samples: step * batchSize * accumulationSteps, wallSeconds: (performance.now() - start) / 1000 };
    if (lossTensor) {
      info.loss = (await lossTensor.data())[0] as number;
      lossTensor.dispose();
      if (!Number.isFinite(info.loss)) throw divergedAt(step + (options.stepOffset ?? 0), steps + (options.stepOffset ?? 0), lossEvery, info.loss);
      curve.push({ step, loss: info.loss, wallSeconds: info.wallSeconds });
    }
    options.onStep?.(info);
    if (options.stopWhen && (await options.stopWhen(step))) {
      stoppedEarly = step < steps;
      break;
    }
  }
  return { steps: step, samples: step * batchSize * accumulationSteps, wallSeconds: (performance.now() - start) / 1000, stoppedEarly, curve };
}

/** Test accuracy in [0, 1] of `model` on `task` (top-1 for MNIST, exact match for addition). */
export function evaluateAccuracy(model: LayersModel, task: Task): number {
  return task.evaluate(model);
}
