/**
 * One training step run under tf.profile: what it executed (traced FLOPs), how much tensor
 * memory it peaked at, and how much of its time the kernels themselves took.
 */
import { tf, type LayersModel } from '../../runtime/tf.ts';
import { countKernels, type KernelRecord, type TracedFlops } from '../flops/traced.ts';
import type { Task } from '../zoo/task.ts';
import { trainStep, trainableVariables } from './loop.ts';
import type { Segment } from '../../runtime/index.ts';

/** Bytes of the task's own tensors (the data set held on the backend). */
export function taskBytes(task: Task): number {
  return [task.train.x, task.train.y, task.validation.x, task.validation.y, task.test.x, task.test.y].reduce((n, t) => n + t.size * 4, 0);
}

export interface ProfiledStep {
  traced: TracedFlops;
  /** Peak tfjs tensor bytes during the step, not counting the task's data set: weights, optimizer state, activations, gradients. */
  peakBytes: number;
  /** Peak bytes above what was held when the step started (activations, gradients, accumulators). */
  transientPeakBytes: number;
  /** Sum of per-kernel times reported by the profiler (ms; wall time around each kernel on cpu/wasm). */
  kernelMs: number;
  /** Wall time of the profiled step (ms; profiling adds overhead, so use for ratios only with care). */
  wallMs: number;
}

/** Run one real optimizer step over `indices` (k·b samples) under tf.profile. The step updates the model. */
export async function profileTrainStep(
  model: LayersModel,
  task: Task,
  optimizer: tf.Optimizer,
  indices: Int32Array,
  accumulationSteps: number,
  segments?: readonly Segment[],
): Promise<ProfiledStep> {
  const variables = trainableVariables(model);
  const startBytes = tf.memory().numBytes;
  const start = performance.now();
  const info = await tf.profile(() => {
    trainStep(model, task, optimizer, indices, accumulationSteps, false, variables, segments);
  });
  const wallMs = performance.now() - start;
  const kernels = info.kernels as unknown as Array<KernelRecord & { kernelTimeMs: number | { error: string } }>;
  let kernelMs = 0;
  for (const k of kernels) if (!k.name.endsWith('__op') && typeof k.kernelTimeMs === 'number') kernelMs += k.kernelTimeMs;
  return {
    traced: countKernels(kernels, info.peakBytes),
    peakBytes: info.peakBytes - taskBytes(task),
    transientPeakBytes: Math.max(0, info.peakBytes - startBytes),
    kernelMs,
    wallMs,
  };
}
