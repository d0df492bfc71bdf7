/**
 * The transformer rows of bench:peer: the zoo transformer's step time split, and training a GPT-shaped transformer (the zoo's own
 * buildTransformer at GPT-2 small's width, depth, heads and vocabulary: 12 × 768, 12 heads,
 * 50,257 tokens — Radford et al. 2019, "Language Models are Unsupervised Multitask Learners",
 * table 2) on random tokens, KV-cached decoding with src/serve/measure/decoder.ts, and where the
 * time goes: seconds inside tfjs kernels (src/runtime/kernel-timer.ts, which also times the fused
 * native Adam) against the step's wall time. Everything here is measured.
 */
import { tf, withKernelTiming, optimizerKernels, softmaxCrossEntropyRows, WasmHeapFullError, type LayersModel } from '../../src/runtime/index.ts';
import { loadNativeAddon } from '../../src/runtime/native/addon.ts';
import { nativeAdam } from '../../src/runtime/native/adam.ts';
import { buildTransformer } from '../../src/bench/zoo/models.ts';
import { createDecoder, disposeCache, disposeDecoder, forward, type DecoderShape } from '../../src/serve/measure/decoder.ts';
import { createZooModel, type Task } from '../../src/bench/zoo/index.ts';
import { EpochSampler, trainStep, trainableVariables } from '../../src/bench/train/loop.ts';
import { createRng } from '../../src/util/rng.ts';
import type { CostsimConfig } from './costsim.ts';

/** A GPT-shaped model: the decoder's shape plus the training sequence length and batch. */
export interface GptShape extends DecoderShape {
  sequence: number;
  trainBatch: number;
}

/** GPT-2 small (124M): 12 layers, 768 wide, 12 heads, 3,072 FFN, 50,257 tokens; sequence and batch are this bench's (assumed, CPU-sized). */
export const GPT2_SMALL: GptShape = { layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 50_257, sequence: 128, trainBatch: 4 };

/** Share of a measured wall time spent inside kernels (and the fused Adam), per repetition of the measured function. */
export interface TimeSplit {
  /** Wall seconds per repetition (the mean over {@link repeats}). */
  wallSeconds: number;
  kernelSeconds: number;
  /** How many back-to-back repetitions were timed together. */
  repeats: number;
  /** 1 − kernel/wall: JS autodiff, layers, allocation and launch overhead. */
  outsideFraction: number;
  /** Per repetition: milliseconds and launches. */
  topKernels: Array<{ name: string; ms: number; count: number }>;
}

/**
 * Run `fn` `repeats` times back to back under the kernel timer and split the wall time, per
 * repetition. Timing many steady-state repetitions together (after the caller's warm-up) measures
 * what a training run pays per step; a single step is dominated by whichever GC pause or
 * scheduler tick lands in it.
 */
export async function splitTime(fn: () => void, options: Parameters<typeof withKernelTiming>[1] & { repeats?: number } = {}): Promise<TimeSplit> {
  const repeats = Math.max(1, Math.round(options.repeats ?? 1));
  const start = performance.now();
  const { timing } = await withKernelTiming(() => {
    for (let i = 0; i < repeats; i++) fn();
  }, options);
  const wallSeconds = (performance.now() - start) / 1000 / repeats;
  const kernelSeconds = timing.kernelSeconds / repeats;
  const topKernels = Object.entries(timing.byKernel)
    .sort((a, b) => b[1].seconds - a[1].seconds)
    .slice(0, 6)
    .map(([name, e]) => ({ name, ms: (e.seconds * 1000) / repeats, count: e.count / repeats }));
  return { wallSeconds, kernelSeconds, repeats, outsideFraction: Math.max(0, 1 - kernelSeconds / wallSeconds), topKernels };
}

/** Repetitions that fill about `seconds` at `stepSeconds` each, at least `least`. */
function repeatsFor(stepSeconds: number, seconds: number, least: number): number {
  return Math.max(least, Math.round(seconds / Math.max(stepSeconds, 1e-4)));
}

async function activate(config: CostsimConfig): Promise<void> {
  if (!(await tf.setBackend(config.backend))) throw new Error(`backend ${config.backend} did not initialise`);
  const state = loadNativeAddon();
  if (state.ok && config.threads) state.addon.setThreads(config.threads);
}

/** One training step function for `model` on random tokens (mean cross-entropy at every position). */
function gptStep(model: LayersModel, shape: GptShape, optimizer: tf.Optimizer): () => void {
  const x = tf.randomUniformInt([shape.trainBatch, shape.sequence], 0, shape.vocab, 1);
  // float32 once here: softmaxCrossEntropy would otherwise cast the int32 one-hot (103 MB at GPT-2's vocabulary) every step.
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.randomUniformInt([shape.trainBatch, shape.sequence], 0, shape.vocab, 2), shape.vocab), 'float32'));
  return () => {
    // Mean over positions, as tf.losses.softmaxCrossEntropy; one fused kernel each way on native, which keeps no
    // logits-sized softmax/log-softmax/product tensors for the backward (tfjs's ops kept several of 103 MB each).
    const loss = optimizer.minimize(() => tf.mean(softmaxCrossEntropyRows(y, model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, true);
    loss?.dataSync();
    loss?.dispose();
  };
}

/** `error` with the GPT shape it happened at, when the wasm heap ran out (so the report names the model). */
function withShape(error: unknown, shape: GptShape, what: string): unknown {
  if (!(error instanceof WasmHeapFullError)) return error;
  const model = `${shape.layers} layers × ${shape.hidden} wide, ${shape.heads} heads, vocabulary ${shape.vocab}`;
  return new WasmHeapFullError(`${what} of the GPT-shaped transformer (${model}) at batch ${shape.trainBatch} × ${shape.sequence} tokens: ${error.message}`);
}

/** Training samples/s of the GPT-shaped transformer under `config` (after 2 warm-up steps), with one step's time split. */
export async function timeGptTraining(shape: GptShape, config: CostsimConfig, seconds: number): Promise<{ samplesPerSecond: number; split: TimeSplit }> {
  await activate(config);
  const model = buildTransformer(
    shape.sequence,
    shape.vocab,
    { dModel: shape.hidden, heads: shape.heads, layers: shape.layers, mlpRatio: shape.ffn / shape.hidden },
    0,
  );
  const optimizer = config.adam === 'fused' ? nativeAdam(1e-4) : tf.train.adam(1e-4);
  try {
    const step = gptStep(model, shape, optimizer);
    try {
      step();
      step();
    } catch (error) {
      throw withShape(error, shape, 'training');
    }
    let steps = 0;
    const start = performance.now();
    while (steps < 2 || (performance.now() - start) / 1000 < seconds) {
      step();
      steps++;
    }
    const wall = (performance.now() - start) / 1000;
    const split = await splitTime(step, { alsoTime: optimizerKernels(optimizer), repeats: repeatsFor(wall / steps, 2, 2) });
    return { samplesPerSecond: (steps * shape.trainBatch) / wall, split };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * KV-cached decode tokens/s (batch × new tokens / wall) after a `context`-token prefill, for
 * `steps` decode steps, with the time split of one more decode step.
 */
export async function timeDecode(
  shape: DecoderShape,
  batch: number,
  context: number,
  steps: number,
  config: CostsimConfig,
): Promise<{ tokensPerSecond: number; split: TimeSplit }> {
  await activate(config);
  const decoder = createDecoder(shape, 1);
  const prompt = Array.from({ length: batch }, (_, b) => Array.from({ length: context }, (_, t) => (b * 31 + t * 7) % shape.vocab));
  let { logits, cache } = forward(decoder, prompt, undefined);
  const next = (): void => {
    const ids = tf.tidy(() => tf.argMax(logits, -1)).dataSync();
    logits.dispose();
    const out = forward(
      decoder,
      Array.from(ids, (t) => [t]),
      cache,
    );
    disposeCache(cache);
    ({ logits, cache } = out);
  };
  try {
    next(); // warm-up
    const start = performance.now();
    for (let i = 0; i < steps; i++) next();
    const wall = (performance.now() - start) / 1000;
    const split = await splitTime(next, { repeats: steps });
    return { tokensPerSecond: (batch * steps) / wall, split };
  } finally {
    logits.dispose();
    disposeCache(cache);
    disposeDecoder(decoder);
  }
}

/**
 * The time split of training steps of zoo model `name` (the harness's own step) under `config`:
 * 10 warm-up steps (the JIT settles), then three rounds of about a second of steps each, timed
 * together, per step; the round with the median wall time is reported (the machine is shared: a
 * neighbour's burst lands in one round, not all three).
 */
export async function zooStepSplit(name: string, task: Task, batchSize: number, config: CostsimConfig): Promise<TimeSplit> {
  await activate(config);
  const model = createZooModel(name, task, { seed: 0 });
  const optimizer = config.adam === 'fused' ? nativeAdam(1e-3) : tf.train.adam(1e-3);
  const variables = trainableVariables(model);
  const sampler = new EpochSampler(task.train.count, createRng(3));
  const step = (): void => {
    const loss = trainStep(model, task, optimizer, sampler.next(batchSize), 1, true, variables);
    loss?.dataSync();
    loss?.dispose();
  };
  try {
    const start = performance.now();
    for (let i = 0; i < 10; i++) step();
    const stepSeconds = (performance.now() - start) / 1000 / 10;
    const rounds: TimeSplit[] = [];
    for (let round = 0; round < 3; round++)
      rounds.push(await splitTime(step, { alsoTime: optimizerKernels(optimizer), repeats: repeatsFor(stepSeconds, 1, 10) }));
    return rounds.sort((a, b) => a.wallSeconds - b.wallSeconds)[1] as TimeSplit;
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
