/**
 * The training kernels costsim registers for wasm, checked against tfjs's cpu backend
 * (an independent implementation) on the same inputs: 1e-4 relative.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { loadWasmAndCpu, maxRelativeError, onBackend, seededValues } from '../backend-helpers.ts';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

beforeAll(loadWasmAndCpu);

describe('Conv2DBackpropFilter on wasm', () => {
  const cases: Array<{ x: [number, number, number, number]; k: number; co: number; stride: [number, number]; pad: Pad }> = [
    { x: [2, 9, 9, 3], k: 3, co: 4, stride: [1, 1], pad: 'same' },
    { x: [2, 9, 9, 3], k: 3, co: 4, stride: [2, 2], pad: 'same' },
    { x: [1, 10, 7, 2], k: 3, co: 5, stride: [2, 1], pad: 'valid' },
    { x: [3, 8, 8, 4], k: 5, co: 2, stride: [1, 1], pad: 'valid' },
    {
      x: [2, 7, 7, 3],
      k: 3,
      co: 3,
      stride: [2, 2],
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
  ];
  for (const c of cases) {
    it(`matches cpu for x=${c.x} k=${c.k} stride=${c.stride} pad=${JSON.stringify(c.pad)}`, async () => {
      const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.co];
      const xValues = seededValues(size(c.x), 1);
      const compute = (): Float32Array => {
        const x = tf.tensor4d(xValues, c.x);
        const y = tf.conv2d(x, tf.zeros(filterShape) as tf.Tensor4D, c.stride, c.pad);
        const dy = tf.tensor4d(seededValues(size(y.shape), 2), y.shape as [number, number, number, number]);
        const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape }) as tf.Tensor;
        const values = dw.dataSync() as Float32Array;
        tf.dispose([x, y, dy, dw]);
        return values;
      };
      const wasm = await onBackend('wasm', compute);
      const cpu = await onBackend('cpu', compute);
      expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-4);
    });
  }

  it('gives the conv2d weight gradient through autodiff and leaks no tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seededValues(2 * 6 * 6 * 2, 3), [2, 6, 6, 2]);
    const w = tf.variable(tf.tensor4d(seededValues(3 * 3 * 2 * 3, 4), [3, 3, 2, 3]));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const grads = tf.variableGrads(() => tf.conv2d(x, w, 1, 'same').square().sum() as tf.Scalar, [w]);
      tf.dispose([grads.value, ...Object.values(grads.grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});

/**
 * Insert (dilation − 1) zeros between filter taps: a dilated convolution equals an undilated
 * one with this filter. tfjs's cpu depthwise backprops ignore dilation, so the reference for
 * dilated cases is the cpu result on the expanded filter at dilation 1.
 */
function dilateFilter(
  values: Float32Array,
  shape: [number, number, number, number],
  d: number,
): { values: Float32Array; shape: [number, number, number, number] } {
  const [kh, kw, c, m] = shape;
  const eh = (kh - 1) * d + 1;
  const ew = (kw - 1) * d + 1;
  const out = new Float32Array(eh * ew * c * m);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let q = 0; q < c * m; q++) out[(i * d * ew + j * d) * c * m + q] = values[(i * kw + j) * c * m + q] as number;
    }
  }
  return { values: out, shape: [eh, ew, c, m] };
}

/** The taps of an expanded-filter gradient that correspond to the real (dilated) filter. */
function undilateGradient(values: Float32Array, shape: [number, number, number, number], d: number): Float32Array {
  const [kh, kw, c, m] = shape;
  const ew = (kw - 1) * d + 1;
  const out = new Float32Array(kh * kw * c * m);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let q = 0; q < c * m; q++) out[(i * kw + j) * c * m + q] = values[(i * d * ew + j * d) * c * m + q] as number;
    }
  }
  return out;
}

describe('DepthwiseConv2dNative backprops on wasm', () => {
  const cases: Array<{ x: [number, number, number, number]; k: number; mult: number; stride: number; dilation: number; pad: Pad }> = [
    { x: [2, 8, 8, 3], k: 3, mult: 1, stride: 1, dilation: 1, pad: 'same' },
    { x: [2, 9, 9, 2], k: 3, mult: 2, stride: 2, dilation: 1, pad: 'same' },
    { x: [1, 10, 10, 3], k: 3, mult: 2, stride: 1, dilation: 2, pad: 'valid' },
    { x: [2, 9, 8, 2], k: 3, mult: 1, stride: 1, dilation: 2, pad: 'same' },
    {
      x: [2, 7, 7, 2],
      k: 2,
      mult: 3,
      stride: 2,
      dilation: 1,
      pad: [
        [0, 0],
        [1, 0],
        [0, 1],
        [0, 0],
      ],
    },
  ];
  for (const c of cases) {
    it(`filter and input grads match the cpu reference: x=${c.x} k=${c.k} mult=${c.mult} stride=${c.stride} dilation=${c.dilation} pad=${JSON.stringify(c.pad)}`, async () => {
      const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.mult];
      const filterValues = seededValues(size(filterShape), 6);
      const xValues = seededValues(size(c.x), 5);
      const run = (filter: { values: Float32Array; shape: [number, number, number, number] }, dilation: number): [Float32Array, Float32Array] => {
        const attrs = { strides: [c.stride, c.stride], dilations: [dilation, dilation], pad: c.pad };
        const x = tf.tensor4d(xValues, c.x);
        const w = tf.tensor4d(filter.values, filter.shape);
        const y = tf.depthwiseConv2d(x, w, c.stride, c.pad, 'NHWC', dilation);
        const dy = tf.tensor4d(seededValues(size(y.shape), 7), y.shape as [number, number, number, number]);
        const dw = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: filter.shape }) as tf.Tensor;
        const dx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x }) as tf.Tensor;
        const out: [Float32Array, Float32Array] = [dw.dataSync() as Float32Array, dx.dataSync() as Float32Array];
        tf.dispose([x, w, y, dy, dw, dx]);
        return out;
      };
      const [wasmDw, wasmDx] = await onBackend('wasm', () => run({ values: filterValues, shape: filterShape }, c.dilation));
      const expanded = dilateFilter(filterValues, filterShape, c.dilation);
      const [cpuDwExpanded, cpuDx] = await onBackend('cpu', () => run(expanded, 1));
      const cpuDw = undilateGradient(cpuDwExpanded, filterShape, c.dilation);
      expect(maxRelativeError(wasmDw, cpuDw)).toBeLessThan(1e-4);
      expect(maxRelativeError(wasmDx, cpuDx)).toBeLessThan(1e-4);
    });
  }
});

describe('UnsortedSegmentSum on wasm', () => {
  it('matches cpu, including repeated and out-of-range ids', async () => {
    const ids = [0, 3, 3, 1, 0, 7, -1, 2];
    const compute = (): Float32Array => {
      const x = tf.tensor3d(seededValues(8 * 2 * 3, 8), [8, 2, 3]);
      const s = tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), 5);
      const v = s.dataSync() as Float32Array;
      tf.dispose([x, s]);
      return v;
    };
    const wasm = await onBackend('wasm', compute);
    const cpu = await onBackend('cpu', compute);
    expect(wasm.length).toBe(5 * 2 * 3);
    expect(maxRelativeError(wasm, cpu)).toBeLessThan(1e-4);
  });
});
