/**
 * Binary elementwise kernels for the `native` backend (Add, Sub, Multiply, RealDiv,
 * SquaredDifference) with tfjs broadcasting, one pass in the addon. Profiling a CNN training
 * step showed batch norm and its gradient (and tfjs-core's Mean gradient) spending ~100 ms per
 * step in the wasm backend's broadcasting Multiply/Sub on 1.6M-element tensors.
 * Non-float32 inputs and empty tensors go to the wasm kernels. Also the Square gradient as one pass.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, wasmKernel, type KernelArgs } from './matmul.ts';

/** Op codes of the addon's `binary` for the tfjs kernels of these names (native/src/kernels.h BinaryOp). */
export const BINARY_OPS = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, SquaredDifference: 4 } as const;

/** The Square gradient dy·(2x) in one pass (tfjs: two multiplies), registered for the native backend only. */
export const SQUARE_GRAD_KERNEL = 'CostsimNativeSquareGrad';
const TWICE_PRODUCT = 5;

/** A broadcast collapsed to few dims: output extents and each input's element strides (0 = broadcast). */
export interface BroadcastPlan {
  shape: Int32Array;
  aStrides: Int32Array;
  bStrides: Int32Array;
}

/**
 * Plan `a op b` over the broadcast output shape `outShape`: size-1 output dims are dropped and
 * adjacent dims where each input is broadcast (or not) alike are merged, so e.g. [64,28,28,32]
 * by [32] becomes extents [50176, 32] with a-strides [32, 1] and b-strides [0, 1].
 */
export function broadcastPlan(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): BroadcastPlan {
  const rank = outShape.length;
  const pad = (shape: readonly number[]): number[] => [...new Array<number>(rank - shape.length).fill(1), ...shape];
  const aPad = pad(aShape);
  const bPad = pad(bShape);
  const dims: Array<{ size: number; aFull: boolean; bFull: boolean }> = [];
  for (let d = 0; d < rank; d++) {
    const size = outShape[d] as number;
    if (size === 1) continue;
    const aFull = aPad[d] === size;
    const bFull = bPad[d] === size;
    const last = dims[dims.length - 1];
    if (last && last.aFull === aFull && last.bFull === bFull) last.size *= size;
    else dims.push({ size, aFull, bFull });
  }
  const strides = (full: (d: (typeof dims)[number]) => boolean): Int32Array => {
    const out = new Int32Array(dims.length);
    let stride = 1;
    for (let d = dims.length - 1; d >= 0; d--) {
      const dim = dims[d] as (typeof dims)[number];
      if (full(dim)) {
        out[d] = stride;
        stride *= dim.size;
      }
    }
    return out;
  };
  return { shape: Int32Array.from(dims, (d) => d.size), aStrides: strides((d) => d.aFull), bStrides: strides((d) => d.bFull) };
}

const empty = (shape: readonly number[]): boolean => shape.some((d) => d === 0);

/** out = a op b with broadcasting, allocated on the wasm heap; both inputs float32 and non-empty. */
function runBinary(addon: NativeAddon, backend: BackendWasm, op: number, a: TensorInfo, b: TensorInfo): TensorInfo {
  const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const out = backend.makeOutput(outShape, 'float32');
  const plan = broadcastPlan(a.shape, b.shape, outShape);
  addon.binary(op, floats(backend, a), floats(backend, b), floats(backend, out), plan.shape, plan.aStrides, plan.bStrides);
  return out;
}

function binary(addon: NativeAddon, kernelName: keyof typeof BINARY_OPS, args: KernelArgs): TensorInfo | TensorInfo[] {
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || empty(a.shape) || empty(b.shape)) return wasmKernel(kernelName, args);
  return runBinary(addon, args.backend as BackendWasm, BINARY_OPS[kernelName], a, b);
}

/** The binary elementwise kernel configs for backend `backendName`. */
export function elementwiseKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  const squareGrad = (args: KernelArgs): TensorInfo => {
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    return runBinary(addon, args.backend as BackendWasm, TWICE_PRODUCT, dy, x);
  };
  return [
    ...(Object.keys(BINARY_OPS) as Array<keyof typeof BINARY_OPS>).map((kernelName) => ({
      kernelName,
      backendName,
      kernelFunc: ((args: KernelArgs) => binary(addon, kernelName, args)) as unknown as KernelFunc,
    })),
    { kernelName: SQUARE_GRAD_KERNEL, backendName, kernelFunc: squareGrad as unknown as KernelFunc },
  ];
}
