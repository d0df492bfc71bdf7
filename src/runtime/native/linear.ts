/**
 * A dense projection y = x·W + b over x's last axis (any leading dims) for the `native` backend,
 * one addon GEMM forward and one kernel backward (dX = dY·Wᵀ, dW = Xᵀ·dY and db = Σ dY: two GEMMs
 * and a column sum in one call). tf.fused.matMul on a [B, T, d] activation is ~11 tfjs kernels
 * per training step once its reshapes, the bias gradient and their gradients are counted, each
 * paying the engine's per-kernel overhead; this is 2. Registered under costsim's own names for the
 * native backend only and reached through runtime/linear.ts.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import { NATIVE_ACTIVATIONS, type NativeAddon } from './addon.ts';
import { floats, type KernelArgs } from './matmul.ts';

/** Kernel names (native backend only). */
export const LINEAR_KERNELS = {
  linear: 'CostsimNativeLinear',
  linearGrad: 'CostsimNativeLinearGrad',
} as const;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Inputs x [..., K], kernel [K, N], bias [N]? Output y [..., N]. */
function linear(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, kernel, bias } = args.inputs as { x: TensorInfo; kernel: TensorInfo; bias?: TensorInfo };
  const [k, n] = kernel.shape as [number, number];
  const rows = size(x.shape) / k;
  const y = backend.makeOutput([...x.shape.slice(0, -1), n], 'float32');
  addon.gemm(
    false,
    false,
    rows,
    n,
    k,
    floats(backend, x),
    floats(backend, kernel),
    floats(backend, y),
    null,
    bias ? floats(backend, bias) : null,
    NATIVE_ACTIVATIONS.linear,
    0,
  );
  return y;
}

/** Inputs x, kernel, dy. Outputs dx (x's shape), dKernel [K, N], dBias [N]. */
function linearGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, kernel, dy } = args.inputs as { x: TensorInfo; kernel: TensorInfo; dy: TensorInfo };
  const [k, n] = kernel.shape as [number, number];
  const rows = size(x.shape) / k;
  const dx = backend.makeOutput(x.shape, 'float32');
  const dKernel = backend.makeOutput([k, n], 'float32');
  const dBias = backend.makeOutput([n], 'float32');
  // Views after the last allocation (a heap growth detaches earlier ones).
  const [xs, w, g] = [floats(backend, x), floats(backend, kernel), floats(backend, dy)];
  addon.gemm(false, true, rows, k, n, g, w, floats(backend, dx), null, null, NATIVE_ACTIVATIONS.linear, 0);
  addon.gemm(true, false, k, n, rows, xs, g, floats(backend, dKernel), null, null, NATIVE_ACTIVATIONS.linear, 0);
  addon.sumLeading(g, floats(backend, dBias), rows, n);
  return [dx, dKernel, dBias];
}

/** The linear kernel configs for backend `backendName`. */
export function linearKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  const config = (kernelName: string, run: (args: KernelArgs) => TensorInfo | TensorInfo[]): KernelConfig => ({
    kernelName,
    backendName,
    kernelFunc: run as unknown as KernelFunc,
  });
  return [config(LINEAR_KERNELS.linear, (args) => linear(addon, args)), config(LINEAR_KERNELS.linearGrad, (args) => linearGrad(addon, args))];
}
