/**
 * Gradient checkpointing measured against plain training on the same model, in this process:
 * for each variant a warm-up step and one profiled step (tfjs peak tensor bytes), then
 * `timedSteps` timed steps of each, alternating (the fastest, as least disturbed by other load); the gradients of both from the
 * same weights on one batch (largest difference); and, for the transformer, the placement
 * model's prediction for `recompute=full` set beside the measurement.
 */
import { tf, type LayersModel } from '../../runtime/tf.ts';
import { createAdamOptimizer, type Segment } from '../../runtime/index.ts';
import { predictSegmentRecompute, transformerGraph, type TransformerShape } from '../../placement/index.ts';
import { countFlops } from '../flops/index.ts';
import { zooSegmentLayers } from '../zoo/segments.ts';
import { additionLayout } from '../data/addition.ts';
import type { Task } from '../zoo/task.ts';
import type { BenchConfig, CheckpointPhysical } from '../record.ts';
import { EpochSampler, batchGradients, trainStep, trainableVariables } from './loop.ts';
import { profileTrainStep } from './profile.ts';
import type { Rng } from '../../util/rng.ts';

/** One variant's measurement: tfjs logical bytes at the step's peak and the fastest seconds per optimizer step. */
export interface CheckpointVariant {
  /** tfjs peak tensor bytes during one step, the data set excluded (tf.profile). */
  peakBytes: number;
  /** Peak bytes above what was held when the step began (activations, gradients). */
  transientPeakBytes: number;
  stepSeconds: number;
  /**
   * Matmul and convolution FLOPs the profiled step executed (traced from tf.profile's kernel list,
   * exact; 1 multiply-add = 2): the recomputation shows here as one extra forward pass per segment,
   * independent of machine load (added field; stepSeconds is unchanged).
   */
  tracedMatmulConvFlops: number;
  /** Physical high-water marks of this variant run alone in a fresh process (see checkpoint-physical.ts). */
  physical?: CheckpointPhysical;
}

/** The placement model's prediction for the same shape: ratios of recompute=full to recompute=none. */
export interface CheckpointPrediction {
  /** Σ activation bytes with full recomputation ÷ without (Korthikanti et al. 2022, §4.1; other chains: Chen et al. 2016, §3). */
  activationBytesRatio: number;
  /** Forward + backward FLOPs per step with full recomputation ÷ without (one extra forward per block). */
  stepFlopsRatio: number;
  /**
   * The same ratio over matmul and convolution FLOPs only (the analytic counter's exact part,
   * what tracedMatmulConvFlops measures); MLP and CNN (the transformer's model counts only those).
   */
  matmulConvFlopsRatio?: number;
  /** The cost-graph name the prediction came from. */
  graph: string;
}

/** Plain vs checkpointed, measured; the prediction where the placement model has one. */
export interface CheckpointComparison {
  plain: CheckpointVariant;
  checkpointed: CheckpointVariant;
  /** Largest |g_plain − g_checkpointed| ÷ max(1, max |g_plain|) over all variables, one batch, same weights. */
  gradientMaxRelativeDifference: number;
  predicted?: CheckpointPrediction;
}

/**
 * The MLP's and CNN's checkpointing predicted from their analytic per-layer counts
 * (src/placement/recompute.ts, segments as zooSegments cuts them): all FLOPs (matmul/conv exact,
 * the rest the counter's per-element convention) and matmul/conv FLOPs alone.
 */
function predictChainCheckpointing(config: BenchConfig, model: LayersModel): CheckpointPrediction | undefined {
  const segments = zooSegmentLayers(config.model, model);
  if (!segments) return undefined;
  const rows = countFlops(model, { batchSize: config.batchSize, optimizer: config.optimizer }).layers;
  const bytes = (elements: number): number => elements * 4; // float32 activations
  const all = predictSegmentRecompute(
    rows.map((r) => ({ name: r.name, forwardFlops: r.forwardFlops, backwardFlops: r.backwardFlops, activationBytes: bytes(r.activationElements) })),
    segments,
  );
  const matmul = predictSegmentRecompute(
    rows.map((r) => ({ name: r.name, forwardFlops: r.matmulForwardFlops, backwardFlops: r.matmulBackwardFlops, activationBytes: bytes(r.activationElements) })),
    segments,
  );
  return {
    activationBytesRatio: all.activationBytesRatio,
    stepFlopsRatio: all.stepFlopsRatio,
    matmulConvFlopsRatio: matmul.stepFlopsRatio,
    graph: `${config.model} (analytic per-layer counts, batch ${config.batchSize}), segments ${segments.map((s) => s.join('+')).join(' | ')}`,
  };
}

/** The placement model's recompute=full vs none ratios for the zoo model of `config` (the transformer's closed form; chains per layer). */
export function predictCheckpointing(config: BenchConfig, model?: LayersModel): CheckpointPrediction | undefined {
  if (config.model !== 'transformer') return model ? predictChainCheckpointing(config, model) : undefined;
  const o = config.modelOptions as Record<string, number>;
  const base: TransformerShape = {
    layers: o.layers as number,
    hidden: o.dModel as number,
    heads: o.heads as number,
    seq: additionLayout(o.digits as number).inputLength,
    vocab: 12,
    batch: config.batchSize,
    accum: config.accumulationSteps,
    dtype: 'fp32',
    optimizer: config.optimizer === 'sgd' ? 'sgd' : 'adam',
    ffn: (o.mlpRatio as number) * (o.dModel as number),
    kvHeads: o.heads as number,
    mlp: 'gelu',
    recompute: 'none',
    mode: 'train',
  };
  const none = transformerGraph(base);
  const full = transformerGraph({ ...base, recompute: 'full' });
  const sum = (g: typeof none, f: (l: (typeof none)['layers'][number]) => number): number => g.layers.reduce((s, l) => s + f(l), 0);
  return {
    activationBytesRatio: sum(full, (l) => l.activationBytes) / sum(none, (l) => l.activationBytes),
    stepFlopsRatio: sum(full, (l) => l.forwardFlops + l.backwardFlops) / sum(none, (l) => l.forwardFlops + l.backwardFlops),
    graph: full.name,
  };
}

/** Largest relative gradient difference between plain backprop and checkpointing, from the model's current weights. */
function gradientDifference(model: LayersModel, task: Task, segments: readonly Segment[], indices: Int32Array): number {
  const variables = trainableVariables(model);
  const state = model.nonTrainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
  const before = state.map((v) => tf.clone(v));
  const { x, y } = task.batch(indices);
  try {
    const plain = batchGradients(model, task, x, y, variables);
    state.forEach((v, i) => v.assign(before[i] as tf.Tensor));
    const checkpointed = batchGradients(model, task, x, y, variables, segments);
    state.forEach((v, i) => v.assign(before[i] as tf.Tensor));
    let worst = 0;
    for (const key of Object.keys(plain.grads)) {
      const a = plain.grads[key] as tf.Tensor;
      const b = checkpointed.grads[key] as tf.Tensor;
      const [diff, scale] = tf.tidy(() => [tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number, tf.max(tf.abs(a)).dataSync()[0] as number]);
      worst = Math.max(worst, (diff as number) / Math.max(1, scale as number));
    }
    tf.dispose([plain.value, checkpointed.value, ...Object.values(plain.grads), ...Object.values(checkpointed.grads)]);
    return worst;
  } finally {
    tf.dispose([x, y, ...before]);
  }
}

/** Measure plain and checkpointed training of `model` (it trains while measured). */
export async function compareCheckpointing(options: {
  model: LayersModel;
  task: Task;
  segments: readonly Segment[];
  config: BenchConfig;
  timedSteps: number;
  rng: Rng;
}): Promise<CheckpointComparison> {
  const { model, task, segments, config } = options;
  const n = config.batchSize * config.accumulationSteps;
  const sampler = new EpochSampler(task.train.count, options.rng);
  const variables = trainableVariables(model);
  const gradientMaxRelativeDifference = gradientDifference(model, task, segments, sampler.next(config.batchSize));
  const optimizer = config.optimizer === 'sgd' ? tf.train.sgd(config.learningRate) : createAdamOptimizer(config.learningRate);
  const step = async (withSegments: readonly Segment[] | undefined): Promise<number> => {
    const t0 = performance.now();
    trainStep(model, task, optimizer, sampler.next(n), config.accumulationSteps, false, variables, withSegments);
    await (variables[0] as tf.Variable).data();
    return (performance.now() - t0) / 1000;
  };
  const profile = async (withSegments: readonly Segment[] | undefined) => {
    await step(withSegments); // warm-up: kernel set-up, optimizer state
    return profileTrainStep(model, task, optimizer, sampler.next(n), config.accumulationSteps, withSegments);
  };
  // The fastest of the alternating steps: on a shared machine, the one least disturbed by other load.
  const fastest = (xs: number[]): number => Math.min(...xs);
  try {
    const plainProfile = await profile(undefined);
    const checkpointedProfile = await profile(segments);
    // Timed steps alternate plain / checkpointed, so a machine whose load drifts slows both alike.
    const plainTimes: number[] = [];
    const checkpointedTimes: number[] = [];
    for (let i = 0; i < options.timedSteps; i++) {
      plainTimes.push(await step(undefined));
      checkpointedTimes.push(await step(segments));
    }
    const variant = (p: typeof plainProfile, times: number[]): CheckpointVariant => ({
      peakBytes: p.peakBytes,
      transientPeakBytes: p.transientPeakBytes,
      stepSeconds: fastest(times),
      tracedMatmulConvFlops: p.traced.matmulConvFlops,
    });
    const predicted = predictCheckpointing(config, model);
    return {
      plain: variant(plainProfile, plainTimes),
      checkpointed: variant(checkpointedProfile, checkpointedTimes),
      gradientMaxRelativeDifference,
      ...(predicted ? { predicted } : {}),
    };
  } finally {
    optimizer.dispose();
  }
}
