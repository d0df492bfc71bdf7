/**
 * Cheaper gradients on the `native` backend for ops every training step differentiates:
 * Mean and Sum (tfjs-core builds a ones-array of the input's full shape on the host, uploads
 * it and multiplies; here the gradient is a Tile of dy, one memcpy pass in the addon), ReLU
 * (tfjs: step, cast, multiply: three passes; here one addon pass), Square (two multiplies → one
 * pass, kernel in elementwise.ts), and a Cast to the same dtype
 * that shares the data instead of copying it (as tfjs's cpu backend does).
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, wasmKernel, type KernelArgs } from './matmul.ts';
import { overrideGradient } from './gradients.ts';
import { SQUARE_GRAD_KERNEL } from './elementwise.ts';

/** Name of the ReLU backward kernel registered for the native backend only. */
export const RELU_GRAD_KERNEL = 'CostsimNativeReluGrad';

/** dy of a reduction over `axis` broadcast back to x's shape (optionally divided by the reduced count). */
function broadcastBack(dy: Tensor, x: Tensor, attrs: NamedAttrMap, mean: boolean): Record<string, () => Tensor> | undefined {
  if (x.dtype !== 'float32' || x.size === 0) return undefined;
  const axes = tf.util.parseAxisParam((attrs as unknown as { axis: number | number[] }).axis, x.shape);
  const expanded = x.shape.slice();
  const reps = x.shape.map(() => 1);
  let reduced = 1;
  for (const a of axes) {
    expanded[a] = 1;
    reps[a] = x.shape[a] as number;
    reduced *= x.shape[a] as number;
  }
  // tfjs divides (dy · 1) by the count; dividing dy first gives the same float32 values.
  return { x: () => tf.tile(tf.reshape(mean ? tf.div(dy, reduced) : dy, expanded), reps) };
}

function reluGrad(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
  const out = backend.makeOutput(x.shape, 'float32');
  addon.reluGrad(floats(backend, dy), floats(backend, x), floats(backend, out));
  return out;
}

function cast(args: KernelArgs): TensorInfo | TensorInfo[] {
  const { x } = args.inputs as { x: TensorInfo };
  const { dtype } = args.attrs as unknown as { dtype: string };
  if (x.dtype !== dtype || dtype === 'string') return wasmKernel('Cast', args);
  (args.backend as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The ReLU-gradient and same-dtype Cast kernels for backend `backendName`. */
export function gradientKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  return [
    { kernelName: RELU_GRAD_KERNEL, backendName, kernelFunc: ((args: KernelArgs) => reluGrad(addon, args)) as unknown as KernelFunc },
    { kernelName: 'Cast', backendName, kernelFunc: cast as unknown as KernelFunc },
  ];
}

/** Register the native-path Mean, Sum, Relu and Square gradients once per process. */
export function registerReductionGradients(nativeBackendName: string): void {
  overrideGradient('Mean', nativeBackendName, (dy, saved, attrs) => broadcastBack(dy, saved[0] as Tensor, attrs, true));
  overrideGradient('Sum', nativeBackendName, (dy, saved, attrs) => broadcastBack(dy, saved[0] as Tensor, attrs, false));
  overrideGradient('Relu', nativeBackendName, (dy, saved) => {
    const x = saved[0] as Tensor;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.size === 0) return undefined;
    return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy, x }, {}) as Tensor };
  });
  overrideGradient('Square', nativeBackendName, (dy, saved) => {
    const x = saved[0] as Tensor;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.size === 0) return undefined;
    return { x: () => tf.engine().runKernel(SQUARE_GRAD_KERNEL, { dy, x }, {}) as Tensor };
  });
}
