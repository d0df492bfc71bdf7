/**
 * Conv2D, FusedConv2D, Conv2DBackpropFilter and Conv2DBackpropInput for the `native` backend:
 * im2col + OpenBLAS sgemm in the addon, reading and writing the wasm heap in place.
 * NHWC only; other layouts, non-float32 data and prelu go to the wasm kernels.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import { convGeometry, type BackendWasm } from '../wasm-kernels/heap.ts';
import { NATIVE_ACTIVATIONS, type NativeAddon } from './addon.ts';
import { floats, wasmKernel, type KernelArgs, kernelConfigMaker } from './matmul.ts';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: string;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  filterShape?: number[];
  inputShape?: number[];
}

const isNhwc = (format: string | undefined): boolean => format === undefined || format === 'NHWC' || format === 'channelsLast';

/** The 15 geometry fields the addon reads, in its order (native/src/kernels.h ConvGeometry). */
export function convGeometryFields(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
}

/** NHWC conv geometry, computed as the wasm training kernels compute it (callers check NHWC first). */
function geometry(xShape: number[], filterShape: number[], attrs: ConvAttrs): tf.backend_util.Conv2DInfo {
  return convGeometry(xShape, filterShape, attrs, false);
}

const empty = (shape: readonly number[]): boolean => shape.some((d) => d === 0);

function conv2d(addon: NativeAddon, kernelName: string, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, filter, bias, preluActivationWeights } = args.inputs as {
    x: TensorInfo;
    filter: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const attrs = args.attrs as unknown as ConvAttrs;
  const activation = NATIVE_ACTIVATIONS[(attrs.activation ?? 'linear') as keyof typeof NATIVE_ACTIVATIONS] as number | undefined;
  const outChannels = filter.shape[3] as number;
  const biasOk = bias === undefined || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === outChannels);
  if (!isNhwc(attrs.dataFormat) || x.dtype !== 'float32' || filter.dtype !== 'float32' || activation === undefined || preluActivationWeights || !biasOk) {
    return wasmKernel(kernelName, args);
  }
  const info = geometry(x.shape, filter.shape, attrs);
  if (empty(x.shape) || empty(filter.shape) || empty(info.outShape)) return wasmKernel(kernelName, args);
  const out = backend.makeOutput(info.outShape, 'float32');
  const biasView = bias ? floats(backend, bias) : null;
  addon.conv2d(floats(backend, x), floats(backend, filter), floats(backend, out), convGeometryFields(info), biasView, activation, attrs.leakyreluAlpha ?? 0);
  return out;
}

/**
 * Either gradient: Conv2DBackpropFilter (inputs x, dy → dw of attrs.filterShape) or
 * Conv2DBackpropInput (inputs dy, filter → dx of attrs.inputShape).
 */
function backprop(addon: NativeAddon, kernelName: 'Conv2DBackpropFilter' | 'Conv2DBackpropInput', args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const attrs = args.attrs as unknown as ConvAttrs;
  const forFilter = kernelName === 'Conv2DBackpropFilter';
  const { x, dy, filter } = args.inputs as { x?: TensorInfo; dy: TensorInfo; filter?: TensorInfo };
  const first = (forFilter ? x : dy) as TensorInfo;
  const second = (forFilter ? dy : filter) as TensorInfo;
  const outShape = (forFilter ? attrs.filterShape : attrs.inputShape) as number[];
  if (!isNhwc(attrs.dataFormat) || first.dtype !== 'float32' || second.dtype !== 'float32' || empty(first.shape) || empty(second.shape) || empty(outShape)) {
    return wasmKernel(kernelName, args);
  }
  const info = forFilter ? geometry(first.shape, outShape, attrs) : geometry(outShape, second.shape, attrs);
  const out = backend.makeOutput(outShape, 'float32');
  const run = forFilter ? addon.conv2dBackpropFilter : addon.conv2dBackpropInput;
  run(floats(backend, first), floats(backend, second), floats(backend, out), convGeometryFields(info));
  return out;
}

/** The four convolution kernel configs for backend `backendName`. */
export function convKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  const config = kernelConfigMaker(backendName);
  return [
    config('Conv2D', (args) => conv2d(addon, 'Conv2D', args)),
    config('FusedConv2D', (args) => conv2d(addon, 'FusedConv2D', args)),
    config('Conv2DBackpropFilter', (args) => backprop(addon, 'Conv2DBackpropFilter', args)),
    config('Conv2DBackpropInput', (args) => backprop(addon, 'Conv2DBackpropInput', args)),
  ];
}
