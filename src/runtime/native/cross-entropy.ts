/**
 * Softmax cross-entropy for the `native` backend, one addon call each way: per-row losses and
 * log-sum-exp forward, dLogits backward. tfjs's ops (logSoftmax, multiply by the labels, sum)
 * keep several logits-sized tensors alive for the backward pass — at GPT-2 small's 50,257-token
 * vocabulary and 512 positions each is 103 MB — where this keeps one row statistic. Registered
 * under costsim's own names for the native backend only, reached through runtime/cross-entropy.ts.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, type KernelArgs, kernelConfigMaker } from './matmul.ts';

/** Kernel names (native backend only). */
export const CROSS_ENTROPY_KERNELS = {
  forward: 'CostsimNativeSoftmaxCrossEntropy',
  backward: 'CostsimNativeSoftmaxCrossEntropyGrad',
  /** Inputs logits, labels; attr divisor. Outputs the scalar Σ rows' losses / divisor, then logSumExp per row. */
  mean: 'CostsimNativeSoftmaxCrossEntropyMean',
  /** Inputs logits, labels, logSumExp, dy (scalar); attr divisor. Output dLogits. */
  meanGrad: 'CostsimNativeSoftmaxCrossEntropyMeanGrad',
} as const;

function rowsOf(logits: TensorInfo): { rows: number; classes: number; rowShape: number[] } {
  const classes = logits.shape[logits.shape.length - 1] as number;
  return { rows: tf.util.sizeFromShape(logits.shape) / classes, classes, rowShape: logits.shape.slice(0, -1) };
}

/** Inputs logits, labels (same shape, float32). Outputs loss and logSumExp, both of the logits' shape without the last axis. */
function forward(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { logits, labels } = args.inputs as { logits: TensorInfo; labels: TensorInfo };
  const { rows, classes, rowShape } = rowsOf(logits);
  const loss = backend.makeOutput(rowShape, 'float32');
  const logSumExp = backend.makeOutput(rowShape, 'float32');
  addon.softmaxCrossEntropy(floats(backend, logits), floats(backend, labels), floats(backend, loss), floats(backend, logSumExp), rows, classes);
  return [loss, logSumExp];
}

/** Inputs logits, labels, logSumExp, dy (per-row loss gradient). Output dLogits. */
function backward(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { logits, labels, logSumExp, dy } = args.inputs as { logits: TensorInfo; labels: TensorInfo; logSumExp: TensorInfo; dy: TensorInfo };
  const { rows, classes } = rowsOf(logits);
  const dLogits = backend.makeOutput(logits.shape, 'float32');
  addon.softmaxCrossEntropyGrad(
    floats(backend, logits),
    floats(backend, labels),
    floats(backend, logSumExp),
    floats(backend, dy),
    floats(backend, dLogits),
    rows,
    classes,
  );
  return dLogits;
}

/**
 * The rows' losses summed and divided by `divisor` (a training loss: the mean over samples and
 * positions) without a per-row loss tensor or the two tfjs kernels (Sum, RealDiv) and their four
 * gradient kernels. The sum accumulates in float64 (as tfjs's cpu Sum does) and is rounded to float32 once, after the division.
 */
function mean(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { logits, labels } = args.inputs as { logits: TensorInfo; labels: TensorInfo };
  const { divisor } = args.attrs as unknown as { divisor: number };
  const { rows, classes, rowShape } = rowsOf(logits);
  const logSumExp = backend.makeOutput(rowShape, 'float32');
  const out = backend.makeOutput([], 'float32');
  const losses = new Float32Array(rows);
  addon.softmaxCrossEntropy(floats(backend, logits), floats(backend, labels), losses, floats(backend, logSumExp), rows, classes);
  let total = 0;
  for (let r = 0; r < rows; r++) total += losses[r] as number;
  floats(backend, out)[0] = total / divisor;
  return [out, logSumExp];
}

/** dLogits of {@link mean}: every row's loss gradient is dy / divisor. */
function meanGrad(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { logits, labels, logSumExp, dy } = args.inputs as { logits: TensorInfo; labels: TensorInfo; logSumExp: TensorInfo; dy: TensorInfo };
  const { divisor } = args.attrs as unknown as { divisor: number };
  const { rows, classes } = rowsOf(logits);
  const dLogits = backend.makeOutput(logits.shape, 'float32');
  const perRow = new Float32Array(rows).fill((floats(backend, dy)[0] as number) / divisor);
  addon.softmaxCrossEntropyGrad(floats(backend, logits), floats(backend, labels), floats(backend, logSumExp), perRow, floats(backend, dLogits), rows, classes);
  return dLogits;
}

/** The cross-entropy kernel configs for backend `backendName`; none for an addon built without them (the op then uses tfjs's). */
export function crossEntropyKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  if (typeof addon.softmaxCrossEntropy !== 'function' || typeof addon.softmaxCrossEntropyGrad !== 'function') return [];
  const config = kernelConfigMaker(backendName);
  return [
    config(CROSS_ENTROPY_KERNELS.forward, (args) => forward(addon, args)),
    config(CROSS_ENTROPY_KERNELS.backward, (args) => backward(addon, args)),
    config(CROSS_ENTROPY_KERNELS.mean, (args) => mean(addon, args)),
    config(CROSS_ENTROPY_KERNELS.meanGrad, (args) => meanGrad(addon, args)),
  ];
}
