/**
 * GatherV2 and UnsortedSegmentSum (its gradient) for the `native` backend: the embedding lookup
 * and its backward scatter-add, one addon call each. The wasm GatherV2 reads the indices back to
 * JS to check them and then walks every output element through generic strides: ~1 ms for the
 * zoo transformer's 768-row lookup from a 14 × 64 table (measured on native, 1 thread), about 8%
 * of its training step, where copying 768 rows of 256 bytes is microseconds. UnsortedSegmentSum
 * was a JS loop on the wasm heap (wasm-kernels/unsorted-segment-sum.ts). Other dtypes and empty
 * tensors go to the wasm kernels.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, wasmKernel, type KernelArgs, kernelConfigMaker } from './matmul.ts';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const ints = (backend: BackendWasm, info: TensorInfo): Int32Array => backend.typedArrayFromHeap(info) as Int32Array;

function gatherV2(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
  if (x.dtype !== 'float32' || indices.dtype !== 'int32' || size(x.shape) === 0 || size(indices.shape) === 0) return wasmKernel('GatherV2', args);
  const parsedAxis = tf.util.parseAxisParam(axis, x.shape)[0] as number;
  const info = tf.backend_util.segment_util.collectGatherOpShapeInfo(x as tf.Tensor, indices as tf.Tensor, parsedAxis, batchDims);
  const out = backend.makeOutput(info.outputShape, 'float32');
  const count = size(indices.shape) / info.batchSize;
  const bad = addon.gather(
    floats(backend, x),
    ints(backend, indices),
    floats(backend, out),
    info.batchSize,
    info.outerSize,
    info.dimSize,
    info.sliceSize,
    count,
  );
  if (bad >= 0) {
    backend.disposeData(out.dataId);
    // The wasm kernel's message (tfjs-backend-wasm GatherV2.ts).
    const index = ints(backend, indices)[bad] as number;
    throw new Error(`GatherV2: the index value ${index} is not in [0, ${info.dimSize - 1}]`);
  }
  return out;
}

function unsortedSegmentSum(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (args.attrs as unknown as { numSegments: number }).numSegments;
  if (x.dtype !== 'float32' || segmentIds.dtype !== 'int32' || size(x.shape) === 0) return wasmKernel('UnsortedSegmentSum', args);
  const innerShape = x.shape.slice(segmentIds.shape.length);
  const out = backend.makeOutput([numSegments, ...innerShape], 'float32');
  addon.segmentSum(floats(backend, x), ints(backend, segmentIds), floats(backend, out), size(segmentIds.shape), size(innerShape), numSegments);
  return out;
}

/** The gather kernel configs for backend `backendName` (none for an addon built without them). */
export function gatherKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  // An addon built before these kernels existed: keep the wasm ones.
  if (typeof addon.gather !== 'function' || typeof addon.segmentSum !== 'function') return [];
  const config = kernelConfigMaker(backendName);
  return [config('GatherV2', (args) => gatherV2(addon, args)), config('UnsortedSegmentSum', (args) => unsortedSegmentSum(addon, args))];
}
