/**
 * Batch normalisation for the `native` backend: FusedBatchNorm forward in one pass, and a
 * gradient that computes dx, dmean, dvariance, dscale and doffset in two passes of the addon
 * instead of tfjs-core's ~15 broadcasting ops on the full activation (FusedBatchNorm_grad.ts).
 * Covers statistics over the last axis (rank-1 mean/variance/scale/offset of the channel
 * count: what tfjs-layers' BatchNormalization and LayerNormalization-free models use); other
 * shapes and dtypes go to the wasm kernel and tfjs's own gradient.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, wasmKernel, type KernelArgs } from './matmul.ts';
import { overrideGradient } from './gradients.ts';

/** Name of the backward kernel registered for the native backend only (called from the gradient). */
export const BATCH_NORM_GRAD_KERNEL = 'CostsimNativeFusedBatchNormGrad';

/** Whether x with these statistics is the per-channel case the addon handles. */
function perChannel(x: TensorInfo, ...stats: Array<TensorInfo | undefined>): boolean {
  const channels = x.shape[x.shape.length - 1];
  return (
    x.dtype === 'float32' &&
    x.shape.length >= 1 &&
    x.shape.every((d) => d > 0) &&
    stats.every((s) => s === undefined || (s.dtype === 'float32' && s.shape.length === 1 && s.shape[0] === channels))
  );
}

function forward(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, mean, variance, offset, scale } = args.inputs as {
    x: TensorInfo;
    mean: TensorInfo;
    variance: TensorInfo;
    offset?: TensorInfo;
    scale?: TensorInfo;
  };
  const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
  if (!perChannel(x, mean, variance, offset, scale)) return wasmKernel('FusedBatchNorm', args);
  const channels = x.shape[x.shape.length - 1] as number;
  const out = backend.makeOutput(x.shape, 'float32');
  const view = (t: TensorInfo | undefined): Float32Array | null => (t ? floats(backend, t) : null);
  addon.batchNorm(
    floats(backend, x),
    floats(backend, mean),
    floats(backend, variance),
    view(offset),
    view(scale),
    varianceEpsilon,
    floats(backend, out),
    tf.util.sizeFromShape(x.shape) / channels,
    channels,
  );
  return out;
}

function backward(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, dy, mean, variance, scale } = args.inputs as { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; variance: TensorInfo; scale?: TensorInfo };
  const { varianceEpsilon } = args.attrs as unknown as { varianceEpsilon: number };
  const channels = x.shape[x.shape.length - 1] as number;
  const dx = backend.makeOutput(x.shape, 'float32');
  const stats = [0, 1, 2, 3].map(() => backend.makeOutput([channels], 'float32'));
  const [dMean, dVariance, dScale, dOffset] = stats.map((t) => floats(backend, t)) as [Float32Array, Float32Array, Float32Array, Float32Array];
  addon.batchNormGrad(
    floats(backend, x),
    floats(backend, dy),
    floats(backend, mean),
    floats(backend, variance),
    scale ? floats(backend, scale) : null,
    varianceEpsilon,
    tf.util.sizeFromShape(x.shape) / channels,
    channels,
    floats(backend, dx),
    dMean,
    dVariance,
    dScale,
    dOffset,
  );
  return [dx, ...stats];
}

/** FusedBatchNorm and its backward kernel for backend `backendName`. */
export function batchNormKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  return [
    { kernelName: 'FusedBatchNorm', backendName, kernelFunc: ((args: KernelArgs) => forward(addon, args)) as unknown as KernelFunc },
    { kernelName: BATCH_NORM_GRAD_KERNEL, backendName, kernelFunc: ((args: KernelArgs) => backward(addon, args)) as unknown as KernelFunc },
  ];
}

/** Register the native-path FusedBatchNorm gradient once per process. */
export function registerBatchNormGradient(nativeBackendName: string): void {
  overrideGradient('FusedBatchNorm', nativeBackendName, (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => {
    const [x, mean, variance, scale] = saved as [Tensor, Tensor, Tensor, Tensor | undefined];
    if (!perChannel(x, mean, variance, scale) || dy.dtype !== 'float32') return undefined;
    const inputs: Record<string, Tensor> = { x, dy, mean, variance };
    if (scale) inputs.scale = scale;
    const [dx, dMean, dVariance, dScale, dOffset] = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL, inputs, attrs) as Tensor[] as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    return { x: () => dx, mean: () => dMean, variance: () => dVariance, scale: () => dScale, offset: () => dOffset };
  });
}
