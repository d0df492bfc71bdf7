/**
 * The native backend's OpenBLAS kernels against tfjs's pure-JS cpu backend (the independent
 * reference), forward and backward, at 1e-4 relative.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../../src/runtime/native/addon.ts';
import { tf } from '../../../src/runtime/tf.ts';
import { expectNativeMatchesCpu, nativeBuilt, seededInputs, setUpBackends, skipReason, withGrads } from './helpers.ts';

type Activation = 'linear' | 'relu' | 'relu6' | 'elu' | 'leakyrelu' | 'sigmoid';
const ACTIVATIONS: Activation[] = ['linear', 'relu', 'relu6', 'elu', 'leakyrelu', 'sigmoid'];

describe.skipIf(!nativeBuilt)(`native matmul kernels${skipReason}`, () => {
  beforeAll(setUpBackends);

  for (const [transposeA, transposeB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    it(`matMul and its gradients, transposeA=${transposeA} transposeB=${transposeB}`, async () => {
      const a = transposeA ? [13, 7] : [7, 13];
      const b = transposeB ? [9, 13] : [13, 9];
      await expectNativeMatchesCpu(
        [a, b],
        withGrads((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, transposeA, transposeB)),
      );
    });
  }

  // (tfjs's own BatchMatMul gradient does not reduce broadcast batch dims, so broadcast cases check the forward pass.)
  it('batched matMul with a shared right-hand matrix (folded into one GEMM)', async () => {
    await expectNativeMatchesCpu(
      [
        [2, 3, 5, 4],
        [4, 6],
      ],
      (x, y) => tf.matMul(x, y),
    );
    await expectNativeMatchesCpu(
      [
        [2, 3, 5, 4],
        [6, 4],
      ],
      (x, y) => tf.matMul(x, y, false, true),
    );
  });

  it('batched matMul, same batch on both sides, forward and backward', async () => {
    await expectNativeMatchesCpu(
      [
        [4, 3, 5],
        [4, 5, 2],
      ],
      withGrads((x, y) => tf.matMul(x, y)),
    );
    await expectNativeMatchesCpu(
      [
        [1, 3, 5],
        [4, 5, 2],
      ],
      (x, y) => tf.matMul(x, y),
    );
  });

  it('batched matMul broadcasting batch dims on both sides matches a hand-written triple loop', async () => {
    // cpu and wasm both mis-handle [2,1]×[3] batch broadcasting (NaN here), so the reference is a plain loop.
    const [a, b] = seededInputs(3, [
      [2, 1, 4, 5],
      [3, 6, 4],
    ]) as [Float32Array, Float32Array];
    await tf.setBackend('native');
    const y = tf.matMul(tf.tensor(a, [2, 1, 4, 5]), tf.tensor(b, [3, 6, 4]), true, true);
    expect(y.shape).toEqual([2, 3, 5, 6]);
    const got = await y.data();
    let worst = 0;
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 3; j++)
        for (let m = 0; m < 5; m++)
          for (let n = 0; n < 6; n++) {
            let sum = 0;
            // out[i,j] = a[i,0]ᵀ · b[j]ᵀ: a[i,0,k,m] · b[j,n,k]
            for (let k = 0; k < 4; k++) sum += (a[i * 20 + k * 5 + m] as number) * (b[j * 24 + n * 4 + k] as number);
            worst = Math.max(worst, Math.abs((got[((i * 3 + j) * 5 + m) * 6 + n] as number) - sum));
          }
    expect(worst).toBeLessThan(1e-5);
  });

  for (const activation of ACTIVATIONS) {
    it(`fused matMul + bias + ${activation}, forward and backward`, async () => {
      await expectNativeMatchesCpu(
        [[6, 11], [11, 8], [8]],
        withGrads((x, w, bias) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation, leakyreluAlpha: 0.3 })),
      );
    });
  }

  it('fused matMul falls back to wasm for prelu and matches', async () => {
    await expectNativeMatchesCpu([[5, 4], [4, 3], [3], [3]], (x, w, bias, alpha) =>
      tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: 'prelu', preluActivationWeights: alpha }),
    );
  });
});

describe.skipIf(!nativeBuilt)(`native convolution kernels${skipReason}`, () => {
  beforeAll(setUpBackends);

  const cases: Array<{
    name: string;
    x: number[];
    filter: number[];
    strides: number | [number, number];
    pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
    dilations?: number | [number, number];
  }> = [
    { name: '3×3 same stride 1', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
    { name: '3×3 valid stride 2', x: [2, 9, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'valid' },
    { name: '3×2 same strides [2,1]', x: [1, 7, 9, 2], filter: [3, 2, 2, 5], strides: [2, 1], pad: 'same' },
    {
      name: '3×3 explicit padding',
      x: [2, 6, 7, 3],
      filter: [3, 3, 3, 2],
      strides: 1,
      pad: [
        [0, 0],
        [1, 2],
        [0, 1],
        [0, 0],
      ],
    },
    { name: '1×1 pointwise', x: [2, 5, 4, 6], filter: [1, 1, 6, 3], strides: 1, pad: 'valid' },
    { name: '5×5 single channel', x: [3, 12, 12, 1], filter: [5, 5, 1, 4], strides: 1, pad: 'same' },
    // Few input channels take the direct input-gradient path; 11 output channels cover its 8-lane dot product and tail.
    { name: '3×3 two channels, 11 filters (direct dx)', x: [2, 7, 6, 2], filter: [3, 3, 2, 11], strides: 1, pad: 'same' },
    { name: '3×3 five channels (GEMM + col2im dx)', x: [1, 6, 6, 5], filter: [3, 3, 5, 4], strides: 2, pad: 'same' },
  ];

  for (const c of cases) {
    it(`conv2d ${c.name}: output, dx and dW`, async () => {
      await expectNativeMatchesCpu(
        [c.x, c.filter],
        withGrads((x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilations ?? 1)),
      );
    });
  }

  it('conv2d with dilation 2 (forward only: tfjs has no gradient for dilated conv2d)', async () => {
    await expectNativeMatchesCpu(
      [
        [1, 10, 9, 2],
        [3, 3, 2, 3],
      ],
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same', 'NHWC', 2),
    );
    await expectNativeMatchesCpu(
      [
        [2, 11, 10, 3],
        [2, 3, 3, 2],
      ],
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid', 'NHWC', [2, 3]),
    );
  });

  for (const activation of ['linear', 'relu', 'elu', 'sigmoid'] as Activation[]) {
    it(`fused conv2d + bias + ${activation}, forward and backward`, async () => {
      await expectNativeMatchesCpu(
        [[2, 8, 8, 3], [3, 3, 3, 5], [5]],
        withGrads((x, w, bias) => tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias, activation })),
      );
    });
  }
});

describe.skipIf(!nativeBuilt)(`native kernels really run in the addon${skipReason}`, () => {
  beforeAll(setUpBackends);

  it('a dense layer and a conv layer forward and backward call the addon, not the wasm fallback', async () => {
    const state = loadNativeAddon();
    if (!state.ok) throw new Error(state.reason);
    const spies = (['gemm', 'conv2d', 'conv2dBackpropFilter', 'conv2dBackpropInput'] as const).map((name) => vi.spyOn(state.addon, name));
    await tf.setBackend('native');
    const [x, w, img, k] = [tf.ones([4, 3]), tf.ones([3, 2]), tf.ones([1, 5, 5, 2]), tf.ones([3, 3, 2, 4])];
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) =>
      tf.add(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D).sum(), tf.conv2d(c as tf.Tensor4D, d as tf.Tensor4D, 1, 'same').sum()),
    )([x, w, img, k]);
    await Promise.all(grads.map((g) => g.data()));
    for (const spy of spies) expect(spy, spy.getMockName()).toHaveBeenCalled();
    spies.forEach((spy) => spy.mockRestore());
    tf.dispose([x, w, img, k, ...grads]);
  });
});
