/**
 * Conv2DBackpropFilter for the wasm backend, which lacks it: dW = im2col(x)ᵀ · dy.
 * The patch matrix is built in JS (memory-bound, one pass) and the product runs in the wasm
 * backend's own XNNPACK BatchMatMul, so the FLOPs execute at the backend's GEMM speed.
 */
import type { KernelConfig, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import { type BackendWasm, convGeometry, heapView } from './heap.ts';

/**
 * Fill `cols` [batch·outH·outW, kH·kW·inC] with the input patches each output pixel sees
 * (zeros where the window hangs over the padding). Row-major, columns ordered (kh, kw, ci)
 * to match the filter layout [kH, kW, inC, outC].
 */
export function im2col(x: Float32Array, info: tf.backend_util.Conv2DInfo, cols: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const rowLength = filterHeight * filterWidth * inChannels;
  let row = 0;
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * inWidth * inChannels;
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, row++) {
        let col = row * rowLength;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh * dilationHeight - top;
          for (let kw = 0; kw < filterWidth; kw++, col += inChannels) {
            const iw = ow * strideWidth + kw * dilationWidth - left;
            if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth) {
              cols.fill(0, col, col + inChannels);
            } else {
              const src = xBatch + (ih * inWidth + iw) * inChannels;
              cols.set(x.subarray(src, src + inChannels), col);
            }
          }
        }
      }
    }
  }
}

function conv2DBackpropFilter(args: { inputs: { x?: TensorInfo; dy?: TensorInfo }; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as { strides: [number, number]; pad: unknown; dimRoundingMode?: unknown; dataFormat?: unknown; filterShape: number[] };
  const info = convGeometry(x.shape, attrs.filterShape, attrs, false);
  const rows = info.batchSize * info.outHeight * info.outWidth;
  const k = info.filterHeight * info.filterWidth * info.inChannels;
  const cols = backend.makeOutput([1, rows, k], 'float32');
  im2col(heapView(backend, x) as Float32Array, info, heapView(backend, cols) as Float32Array);
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matMul) throw new Error('wasm backend has no BatchMatMul kernel');
  const dyMatrix: TensorInfo = { dataId: dy.dataId, shape: [1, rows, info.outChannels], dtype: dy.dtype };
  const product = matMul.kernelFunc({
    inputs: { a: cols, b: dyMatrix },
    backend: backend as never,
    attrs: { transposeA: true, transposeB: false },
  }) as TensorInfo;
  backend.disposeData(cols.dataId);
  return { dataId: product.dataId, shape: attrs.filterShape, dtype: 'float32' };
}

export const conv2DBackpropFilterConfig: KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as KernelConfig['kernelFunc'],
};
