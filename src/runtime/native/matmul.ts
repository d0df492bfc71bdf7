/**
 * BatchMatMul and _FusedMatMul for the `native` backend: OpenBLAS sgemm straight on the wasm
 * heap (inputs are heap views, the output is allocated on the heap first, nothing is copied).
 * Batch dimensions broadcast as in tfjs; bias over the last axis and the common activations
 * run fused in the addon. Anything else (prelu, non-float32, empty tensors, odd bias shapes)
 * goes to the wasm kernel of the same name.
 */
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import { NATIVE_ACTIVATIONS, type NativeAddon } from './addon.ts';

/** Arguments tfjs passes a kernel function. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: unknown;
  attrs?: NamedAttrMap;
}

/** Kernel configs for `backendName`: `config(kernelName, run)` registers `run` (args → outputs) under that kernel name. */
export function kernelConfigMaker(backendName: string): (kernelName: string, run: (args: KernelArgs) => TensorInfo | TensorInfo[]) => KernelConfig {
  return (kernelName, run) => ({ kernelName, backendName, kernelFunc: run as unknown as KernelFunc });
}

/** Run the wasm backend's own kernel for `name` (the fallback for cases the addon does not cover). */
export function wasmKernel(name: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`native backend: wasm has no ${name} kernel to fall back to`);
  return kernel.kernelFunc(args as Parameters<KernelFunc>[0]);
}

/** A float32 heap view of a tensor the wasm backend holds. */
export function floats(backend: BackendWasm, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Per-output-batch element offsets [a, b, c]* for broadcast batch dims (row-major). */
export function batchOffsets(aBatch: number[], bBatch: number[], outBatch: number[], aMatrix: number, bMatrix: number, cMatrix: number): Int32Array {
  const count = size(outBatch);
  const offsets = new Int32Array(3 * count);
  const rank = outBatch.length;
  const aPad = [...new Array<number>(rank - aBatch.length).fill(1), ...aBatch];
  const bPad = [...new Array<number>(rank - bBatch.length).fill(1), ...bBatch];
  for (let i = 0; i < count; i++) {
    let rest = i;
    let aIndex = 0;
    let bIndex = 0;
    let aStride = 1;
    let bStride = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const extent = outBatch[d] as number;
      const coordinate = rest % extent;
      rest = Math.floor(rest / extent);
      const aExtent = aPad[d] as number;
      const bExtent = bPad[d] as number;
      if (aExtent !== 1) aIndex += coordinate * aStride;
      if (bExtent !== 1) bIndex += coordinate * bStride;
      aStride *= aExtent;
      bStride *= bExtent;
    }
    offsets[3 * i] = aIndex * aMatrix;
    offsets[3 * i + 1] = bIndex * bMatrix;
    offsets[3 * i + 2] = i * cMatrix;
  }
  return offsets;
}

interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation?: string;
  leakyreluAlpha?: number;
}

function nativeMatMul(addon: NativeAddon, kernelName: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
  const attrs = args.attrs as unknown as MatMulAttrs;
  const activation = NATIVE_ACTIVATIONS[(attrs.activation ?? 'linear') as keyof typeof NATIVE_ACTIVATIONS] as number | undefined;
  const rankA = a.shape.length;
  const rankB = b.shape.length;
  const m = (attrs.transposeA ? a.shape[rankA - 1] : a.shape[rankA - 2]) as number;
  const k = (attrs.transposeA ? a.shape[rankA - 2] : a.shape[rankA - 1]) as number;
  const n = (attrs.transposeB ? b.shape[rankB - 2] : b.shape[rankB - 1]) as number;
  const unsupported =
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    activation === undefined ||
    preluActivationWeights !== undefined ||
    (bias !== undefined && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== n)) ||
    m * n * k === 0;
  if (unsupported) return wasmKernel(kernelName, args);
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const out = backend.makeOutput([...outBatch, m, n], 'float32');
  // Views after the last heap allocation: growing the heap detaches earlier views.
  const aView = floats(backend, a);
  const bView = floats(backend, b);
  const outView = floats(backend, out);
  const biasView = bias ? floats(backend, bias) : null;
  const alpha = attrs.leakyreluAlpha ?? 0;
  if (size(bBatch) === 1 && !attrs.transposeA) {
    // One shared right-hand matrix: fold every batch entry into the rows of a single GEMM.
    addon.gemm(false, attrs.transposeB, size(outBatch) * m, n, k, aView, bView, outView, null, biasView, activation, alpha);
  } else {
    const offsets = size(outBatch) === 1 ? null : batchOffsets(aBatch, bBatch, outBatch, m * k, k * n, m * n);
    addon.gemm(attrs.transposeA, attrs.transposeB, m, n, k, aView, bView, outView, offsets, biasView, activation, alpha);
  }
  return out;
}

/** The two matmul kernel configs for backend `backendName`. */
export function matMulKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  return ['BatchMatMul', '_FusedMatMul'].map((kernelName) => ({
    kernelName,
    backendName,
    kernelFunc: ((args: KernelArgs) => nativeMatMul(addon, kernelName, args)) as unknown as KernelFunc,
  }));
}
