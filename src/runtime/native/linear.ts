/**
 * A dense projection y = act(x·W + b) (act: none or ReLU) over x's last axis (any leading dims)
 * for the `native` backend: one addon GEMM with its bias/ReLU epilogue forward; backward dX = dY·Wᵀ
 * and dW = Xᵀ·dY as one GEMM kernel each and db as a column sum, each run only when tfjs needs
 * that gradient (so a first layer computes no dX, as tfjs's unfused gradient does). On a
 * [B, T, d] activation tf.fused.matMul is ~12 tfjs kernels per training step once its reshapes,
 * the bias add and their gradients are counted, each paying the engine's per-kernel overhead;
 * this is 4–5. Registered under costsim's own names for the native backend only, reached through
 * runtime/linear.ts.
 */
import type { KernelConfig, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import { NATIVE_ACTIVATIONS, type NativeAddon } from './addon.ts';
import { floats, type KernelArgs, kernelConfigMaker } from './matmul.ts';
import { RELU_GRAD_KERNEL } from './reduce-grads.ts';

/** Kernel names (native backend only). */
export const LINEAR_KERNELS = {
  linear: 'CostsimNativeLinear',
  /** The same with a ReLU epilogue: its own name so that only it saves its output for the gradient. */
  linearRelu: 'CostsimNativeLinearRelu',
  /** dX = dY·Wᵀ, inputs dy and kernel. */
  linearGradInput: 'CostsimNativeLinearGradInput',
  /** dW = Xᵀ·dY, inputs x and dy. */
  linearGradKernel: 'CostsimNativeLinearGradKernel',
} as const;

/** The activations the projection fuses: none, or ReLU (whose gradient needs only the output). */
export type LinearActivation = 'linear' | 'relu';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Inputs x [..., K], kernel [K, N], bias [N]. Output y [..., N] (ReLU applied when `activation` is relu). */
function linear(addon: NativeAddon, args: KernelArgs, activation: LinearActivation): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, kernel, bias } = args.inputs as { x: TensorInfo; kernel: TensorInfo; bias: TensorInfo };
  const [k, n] = kernel.shape as [number, number];
  const y = backend.makeOutput([...x.shape.slice(0, -1), n], 'float32');
  const code = NATIVE_ACTIVATIONS[activation];
  addon.gemm(false, false, size(x.shape) / k, n, k, floats(backend, x), floats(backend, kernel), floats(backend, y), null, floats(backend, bias), code, 0);
  return y;
}

/** Inputs dy [..., N], kernel [K, N]. Output dX [..., K]. */
function linearGradInput(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, kernel } = args.inputs as { dy: TensorInfo; kernel: TensorInfo };
  const [k, n] = kernel.shape as [number, number];
  const dx = backend.makeOutput([...dy.shape.slice(0, -1), k], 'float32');
  addon.gemm(
    false,
    true,
    size(dy.shape) / n,
    k,
    n,
    floats(backend, dy),
    floats(backend, kernel),
    floats(backend, dx),
    null,
    null,
    NATIVE_ACTIVATIONS.linear,
    0,
  );
  return dx;
}

/** Inputs x [..., K], dy [..., N]. Output dW [K, N]. */
function linearGradKernel(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const k = x.shape[x.shape.length - 1] as number;
  const n = dy.shape[dy.shape.length - 1] as number;
  const dw = backend.makeOutput([k, n], 'float32');
  addon.gemm(true, false, k, n, size(x.shape) / k, floats(backend, x), floats(backend, dy), floats(backend, dw), null, null, NATIVE_ACTIVATIONS.linear, 0);
  return dw;
}

let gradientRegistered = false;

/**
 * Register the projection's gradient once per process: ReLU masks dY by y > 0 first (one pass,
 * shared by the three gradients), then each input's gradient is its own kernel, run only if needed.
 */
export function registerLinearGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  const gradFunc = (dy: Tensor | Tensor[], saved: Tensor[]): Record<string, () => Tensor> => {
    const [x, kernel, y] = saved as [Tensor, Tensor, Tensor | undefined];
    const g = y ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: dy as Tensor, x: y }, {}) as Tensor) : (dy as Tensor);
    const leading = Array.from({ length: g.rank - 1 }, (_, i) => i);
    return {
      x: () => tf.engine().runKernel(LINEAR_KERNELS.linearGradInput, { dy: g, kernel }, {}) as Tensor,
      kernel: () => tf.engine().runKernel(LINEAR_KERNELS.linearGradKernel, { x, dy: g }, {}) as Tensor,
      bias: () => tf.sum(g, leading),
    };
  };
  tf.registerGradient({ kernelName: LINEAR_KERNELS.linear, inputsToSave: ['x', 'kernel'], gradFunc });
  tf.registerGradient({ kernelName: LINEAR_KERNELS.linearRelu, inputsToSave: ['x', 'kernel'], outputsToSave: [true], gradFunc });
}

/** The linear kernel configs for backend `backendName`. */
export function linearKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  const config = kernelConfigMaker(backendName);
  return [
    config(LINEAR_KERNELS.linear, (args) => linear(addon, args, 'linear')),
    config(LINEAR_KERNELS.linearRelu, (args) => linear(addon, args, 'relu')),
    config(LINEAR_KERNELS.linearGradInput, (args) => linearGradInput(addon, args)),
    config(LINEAR_KERNELS.linearGradKernel, (args) => linearGradKernel(addon, args)),
  ];
}
