/**
 * Helpers for kernels written against the wasm backend: read inputs as views of the wasm
 * heap (no copy) and allocate outputs there. Views die when the heap grows, so a kernel
 * takes its views after its last allocation.
 */
import type { TensorInfo, DataType } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../tf.ts';

export type { BackendWasm };

/** A view of a float32/int32 tensor's data on the wasm heap. */
export function heapView(backend: BackendWasm, info: TensorInfo): Float32Array | Int32Array {
  const view = backend.typedArrayFromHeap(info);
  if (!(view instanceof Float32Array) && !(view instanceof Int32Array)) {
    throw new Error(`wasm training kernel: unsupported dtype ${info.dtype}`);
  }
  return view;
}

/** Allocate a zero-filled output tensor on the wasm heap. */
export function zeroOutput(backend: BackendWasm, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/** Padding, strides, dilations and sizes of a 2-D convolution, NHWC, as tfjs computes them. */
export function convGeometry(
  xShape: number[],
  filterShape: number[],
  attrs: { strides: number | [number, number]; pad: unknown; dimRoundingMode?: unknown; dataFormat?: unknown; dilations?: number | [number, number] },
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC' && attrs.dataFormat !== 'channelsLast') {
    throw new Error(`wasm training kernel: only NHWC is supported (got ${String(attrs.dataFormat)})`);
  }
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as 'same' | 'valid' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
}
