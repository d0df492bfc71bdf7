/**
 * The memory/time trade-off of gradient accumulation: at a fixed number of samples per
 * optimizer step, more micro-batches (k) mean smaller activations in memory but more, smaller
 * kernel launches. For each k this measures the peak tensor memory of one profiled step and
 * the median wall seconds of `timedSteps` unprofiled steps, in the same process.
 */
import { createAdamOptimizer, tf, type LayersModel } from '../../runtime/index.ts';
import { UsageError } from '../../errors.ts';
import type { Rng } from '../../util/rng.ts';
import type { Task } from '../zoo/task.ts';
import { EpochSampler, trainStep, trainableVariables } from './loop.ts';
import { profileTrainStep } from './profile.ts';

/** One k's measurements. Bytes are tfjs tensor bytes; seconds are wall time per optimizer step. */
export interface AccumulationPoint {
  accumulationSteps: number;
  microBatchSize: number;
  samplesPerStep: number;
  /** Peak tensor bytes during a step, excluding the data set (measured, tf.profile). */
  peakBytes: number;
  /** Peak bytes above the resident weights and optimizer state (measured). */
  transientPeakBytes: number;
  /** Median wall seconds per optimizer step (measured). */
  stepSeconds: number;
}

/**
 * Measure each k in `ks` (each must divide `samplesPerStep`) on `model`. The model trains while
 * measured (the figures are about the step, not the weights). `timedSteps` ≥ 1 per k after one
 * untimed warm-up step.
 */
export async function measureAccumulation(options: {
  model: LayersModel;
  task: Task;
  samplesPerStep: number;
  ks: readonly number[];
  timedSteps: number;
  rng: Rng;
  learningRate?: number;
}): Promise<AccumulationPoint[]> {
  const { model, task, samplesPerStep, timedSteps } = options;
  for (const k of options.ks) {
    if (!Number.isInteger(k) || k <= 0 || samplesPerStep % k !== 0)
      throw new UsageError('accumulation steps', `${k} must be a positive integer dividing ${samplesPerStep} samples per step`);
  }
  const optimizer = createAdamOptimizer(options.learningRate ?? 1e-3);
  const sampler = new EpochSampler(task.train.count, options.rng);
  const variables = trainableVariables(model);
  const points: AccumulationPoint[] = [];
  try {
    for (const k of options.ks) {
      trainStep(model, task, optimizer, sampler.next(samplesPerStep), k, false, variables); // warm-up (kernel set-up, optimizer state)
      const profiled = await profileTrainStep(model, task, optimizer, sampler.next(samplesPerStep), k);
      const times: number[] = [];
      for (let i = 0; i < timedSteps; i++) {
        const start = performance.now();
        trainStep(model, task, optimizer, sampler.next(samplesPerStep), k, false, variables);
        // Reading one weight back makes sure asynchronous backends have finished the step.
        await (variables[0] as tf.Variable).data();
        times.push((performance.now() - start) / 1000);
      }
      // Median: the machine may be shared, and one preempted step should not decide the comparison.
      const stepSeconds = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
      points.push({
        accumulationSteps: k,
        microBatchSize: samplesPerStep / k,
        samplesPerStep,
        peakBytes: profiled.peakBytes,
        transientPeakBytes: profiled.transientPeakBytes,
        stepSeconds,
      });
    }
  } finally {
    optimizer.dispose();
  }
  return points;
}
