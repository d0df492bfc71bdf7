/**
 * Is k micro-batches of b one batch of k·b? For a model without batch statistics the mean of
 * the k micro-batch gradients is exactly the k·b batch gradient (up to float rounding). Batch
 * norm breaks that: in training mode it normalises each micro-batch with its own mean and
 * variance, and Keras-style layers update their moving averages once per forward pass, so k
 * times per optimizer step. This measures the difference from the same starting weights, with
 * plain SGD so the weight change is the gradient itself (lr × g), and restores the weights.
 */
import { tf, type LayersModel } from '../../runtime/tf.ts';
import type { Task } from '../zoo/task.ts';
import { trainStep, trainableVariables } from './loop.ts';

/** Relative differences between one step of k micro-batches and one step of a single k·b batch. */
export interface AccumulationEquivalence {
  accumulationSteps: number;
  /** ‖Δw(k micro-batches) − Δw(one batch)‖ ÷ ‖Δw(one batch)‖ over the trainable weights (SGD, so Δw = −lr·g). */
  updateRelativeDifference: number;
  /** Same, over the non-trainable weights (batch norm moving mean and variance); 0 when the model has none. */
  movingStatsRelativeDifference: number;
}

function flatten(tensors: readonly tf.Tensor[]): Float32Array {
  const parts = tensors.map((t) => t.dataSync() as Float32Array);
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function relativeDifference(a: Float32Array, b: Float32Array, base: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += ((b[i] as number) - (base[i] as number)) ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

/** One SGD step both ways over `indices` (length k·b) from the model's current weights; the model is left as it was. */
export function measureAccumulationEquivalence(
  model: LayersModel,
  task: Task,
  indices: Int32Array,
  accumulationSteps: number,
  learningRate = 0.1,
): AccumulationEquivalence {
  const start = model.getWeights().map((w) => w.clone());
  const trainableCount = model.trainableWeights.length;
  const variables = trainableVariables(model);
  const after = (k: number): { trainable: Float32Array; moving: Float32Array } => {
    model.setWeights(start);
    const optimizer = tf.train.sgd(learningRate);
    try {
      trainStep(model, task, optimizer, indices, k, false, variables);
    } finally {
      optimizer.dispose();
    }
    const weights = model.getWeights();
    // getWeights lists trainable weights first, then the non-trainable ones (moving statistics).
    return { trainable: flatten(weights.slice(0, trainableCount)), moving: flatten(weights.slice(trainableCount)) };
  };
  try {
    const base = { trainable: flatten(start.slice(0, trainableCount)), moving: flatten(start.slice(trainableCount)) };
    const one = after(1);
    const many = after(accumulationSteps);
    return {
      accumulationSteps,
      updateRelativeDifference: relativeDifference(many.trainable, one.trainable, base.trainable),
      movingStatsRelativeDifference: base.moving.length > 0 ? relativeDifference(many.moving, one.moving, base.moving) : 0,
    };
  } finally {
    model.setWeights(start);
    tf.dispose(start);
  }
}
