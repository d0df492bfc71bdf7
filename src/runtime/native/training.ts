/**
 * Memory-bound kernels that profiling showed the wasm backend runs slowly in training steps
 * (see perf/peer.ts): MaxPoolGrad (a naive kernel in wasm: half of a CNN step), Sum and Mean
 * over leading or trailing axes (bias gradients, batch-norm moments, layer-norm statistics: wasm
 * transposes first), and Identity (wasm copies the buffer; here the data is shared, as the cpu backend does).
 * Other shapes and dtypes go to the wasm kernels.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { convGeometryFields } from './conv.ts';
import { floats, wasmKernel, type KernelArgs, kernelConfigMaker } from './matmul.ts';

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function maxPoolGrad(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const attrs = args.attrs as unknown as {
    filterSize: number | [number, number];
    strides: number | [number, number];
    pad: 'valid' | 'same' | number;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  };
  // The addon indexes within one image in int32.
  const imageTooLarge = size(input.shape.slice(1)) >= 2 ** 31;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32' || size(input.shape) === 0 || imageTooLarge) return wasmKernel('MaxPoolGrad', args);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
  );
  const out = backend.makeOutput(input.shape, 'float32');
  addon.maxPoolGrad(floats(backend, dy), floats(backend, input), floats(backend, out), convGeometryFields(info));
  return out;
}

/**
 * Sum over a trailing run of axes (row sums: layer-norm statistics, softmax gradients; also the
 * full reduction) or a leading run (column sums: bias gradients, batch-norm moments), or
 * undefined when the reduction is another kind.
 */
function sumContiguousAxes(addon: NativeAddon, args: KernelArgs): TensorInfo | undefined {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const trailing = axes.length > 0 && axes.every((a, i) => a === rank - axes.length + i);
  const leading = axes.length > 0 && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !(leading || trailing) || size(x.shape) === 0) return undefined;
  const outShape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const out = backend.makeOutput(outShape, 'float32');
  if (trailing) {
    const outer = size(x.shape.slice(0, rank - axes.length));
    addon.sumTrailing(floats(backend, x), floats(backend, out), outer, size(x.shape) / outer);
  } else {
    const outer = size(x.shape.slice(0, axes.length));
    addon.sumLeading(floats(backend, x), floats(backend, out), outer, size(x.shape) / outer);
  }
  return out;
}

function sum(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  return sumContiguousAxes(addon, args) ?? wasmKernel('Sum', args);
}

function mean(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  const result = sumContiguousAxes(addon, args);
  if (!result) return wasmKernel('Mean', args);
  const count = size((args.inputs.x as TensorInfo).shape) / Math.max(size(result.shape), 1);
  const view = floats(args.backend as BackendWasm, result);
  for (let i = 0; i < view.length; i++) view[i] = (view[i] as number) / count;
  return result;
}

function identity(args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  if (x.dtype === 'string') return wasmKernel('Identity', args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** The memory-bound training kernel configs for backend `backendName`. */
export function trainingKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  const config = kernelConfigMaker(backendName);
  return [
    config('MaxPoolGrad', (args) => maxPoolGrad(addon, args)),
    config('Sum', (args) => sum(addon, args)),
    config('Mean', (args) => mean(addon, args)),
    config('Identity', identity),
  ];
}
