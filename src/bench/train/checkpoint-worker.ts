/**
 * Sweep worker module that measures one training variant (plain or checkpointed) in a fresh
 * process, so the physical high-water marks (process peak RSS, wasm heap), which only grow
 * within a process, belong to that variant alone. Reports the marks after building the model
 * and after the steps; the growth between them is the variant's own physical peak.
 */
import { initRuntime, readPhysicalMemory, tf } from '../../runtime/index.ts';
import { buildZooModel } from '../zoo/index.ts';
import { zooSegments } from '../zoo/segments.ts';
import { createRng } from '../../util/rng.ts';
import type { BenchConfig } from '../record.ts';
import { EpochSampler, trainStep, trainableVariables } from './loop.ts';
import { createAdamOptimizer } from '../../runtime/index.ts';

/** Parameters of one variant. */
export interface CheckpointVariantParams {
  config: BenchConfig;
  checkpoint: boolean;
  steps: number;
}

/** Physical figures of one variant, bytes. */
export interface PhysicalVariant {
  baselineRssBytes: number;
  peakRssBytes: number;
  baselineWasmHeapBytes?: number;
  wasmHeapBytes?: number;
}

/** Choose the backend once per worker process. */
export async function setup(args: { backend?: string }): Promise<void> {
  await initRuntime(args.backend ? { flag: args.backend } : {});
}

/** Build, read the marks, train `steps` steps of the variant, read them again. */
export async function runPoint(params: CheckpointVariantParams): Promise<PhysicalVariant> {
  const { config } = params;
  const { model, task } = buildZooModel(config.model, { ...config.modelOptions, seed: config.seed });
  const optimizer = config.optimizer === 'sgd' ? tf.train.sgd(config.learningRate) : createAdamOptimizer(config.learningRate);
  try {
    const segments = params.checkpoint ? zooSegments(config.model, model) : undefined;
    const variables = trainableVariables(model);
    const sampler = new EpochSampler(task.train.count, createRng(config.seed).fork('checkpoint-physical'));
    const before = readPhysicalMemory();
    for (let i = 0; i < params.steps; i++)
      trainStep(model, task, optimizer, sampler.next(config.batchSize * config.accumulationSteps), config.accumulationSteps, false, variables, segments);
    await (variables[0] as tf.Variable).data();
    const after = readPhysicalMemory();
    return {
      baselineRssBytes: before.peakRssBytes,
      peakRssBytes: after.peakRssBytes,
      ...(before.wasmHeapBytes !== undefined ? { baselineWasmHeapBytes: before.wasmHeapBytes } : {}),
      ...(after.wasmHeapBytes !== undefined ? { wasmHeapBytes: after.wasmHeapBytes } : {}),
    };
  } finally {
    optimizer.dispose();
    model.dispose();
    task.dispose();
  }
}
