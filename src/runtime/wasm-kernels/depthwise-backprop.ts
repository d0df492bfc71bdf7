/**
 * DepthwiseConv2dNativeBackpropFilter and ...BackpropInput for the wasm backend, which lacks
 * both. Direct loops over the wasm heap: depthwise layers are a small share of FLOPs.
 * Filter layout [kH, kW, inC, multiplier]; output channel c·multiplier + m.
 */
import type { KernelConfig, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs-core';
import { type BackendWasm, convGeometry, heapView, zeroOutput } from './heap.ts';

interface DepthwiseAttrs {
  strides: [number, number];
  dilations: [number, number] | number;
  pad: unknown;
  dimRoundingMode?: unknown;
  filterShape?: number[];
  inputShape?: number[];
}

type KernelArgs = { inputs: Record<string, TensorInfo | undefined>; backend: unknown; attrs?: NamedAttrMap };

/**
 * Visit every (input element, filter element, output element) triple the forward
 * depthwise convolution multiplies, as flat indices.
 */
function forEachTap(info: ReturnType<typeof convGeometry>, visit: (xIndex: number, wIndex: number, yIndex: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const multiplier = outChannels / inChannels;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const yBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw * dilationWidth - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wBase = (kh * filterWidth + kw) * inChannels * multiplier;
            for (let c = 0; c < inChannels; c++) {
              for (let m = 0; m < multiplier; m++) {
                visit(xBase + c, wBase + c * multiplier + m, yBase + c * multiplier + m);
              }
            }
          }
        }
      }
    }
  }
}

function backpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  const filterShape = attrs.filterShape as number[];
  const info = convGeometry(x.shape, filterShape, attrs, true);
  const out = zeroOutput(backend, filterShape);
  const xs = heapView(backend, x);
  const dys = heapView(backend, dy);
  const dw = heapView(backend, out);
  forEachTap(info, (xi, wi, yi) => {
    dw[wi] = (dw[wi] as number) + (xs[xi] as number) * (dys[yi] as number);
  });
  return out;
}

function backpropInput(args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  const inputShape = attrs.inputShape as number[];
  const info = convGeometry(inputShape, filter.shape, attrs, true);
  const out = zeroOutput(backend, inputShape);
  const ws = heapView(backend, filter);
  const dys = heapView(backend, dy);
  const dx = heapView(backend, out);
  forEachTap(info, (xi, wi, yi) => {
    dx[xi] = (dx[xi] as number) + (ws[wi] as number) * (dys[yi] as number);
  });
  return out;
}

export const depthwiseBackpropFilterConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: backpropFilter as KernelConfig['kernelFunc'],
};

export const depthwiseBackpropInputConfig: KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: backpropInput as KernelConfig['kernelFunc'],
};
