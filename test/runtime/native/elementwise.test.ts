/**
 * The native backend's broadcasting binary kernels against tfjs's cpu backend (1e-4 relative),
 * forward and gradient, and the broadcast collapsing against hand-worked plans.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../../src/runtime/native/addon.ts';
import { broadcastPlan } from '../../../src/runtime/native/elementwise.ts';
import { tf } from '../../../src/runtime/tf.ts';
import { expectNativeMatchesCpu, nativeBuilt, setUpBackends, skipReason } from './helpers.ts';

describe('broadcastPlan', () => {
  it('merges a bias over NHWC into [pixels, channels]', () => {
    const plan = broadcastPlan([64, 28, 28, 32], [32], [64, 28, 28, 32]);
    expect([...plan.shape]).toEqual([64 * 28 * 28, 32]);
    expect([...plan.aStrides]).toEqual([32, 1]);
    expect([...plan.bStrides]).toEqual([0, 1]);
  });

  it('keeps alternating broadcast dims apart and drops size-1 dims', () => {
    // a [2,1,4] by b [3,1] → out [2,3,4]: a varies on dims 0 and 2, b on dim 1.
    const plan = broadcastPlan([2, 1, 4], [3, 1], [2, 3, 4]);
    expect([...plan.shape]).toEqual([2, 3, 4]);
    expect([...plan.aStrides]).toEqual([4, 0, 1]);
    expect([...plan.bStrides]).toEqual([0, 1, 0]);
    const same = broadcastPlan([1, 5, 1, 6], [1, 5, 1, 6], [1, 5, 1, 6]);
    expect([...same.shape]).toEqual([30]);
    expect([...same.aStrides]).toEqual([1]);
  });

  it('a scalar against anything is one run with stride 0', () => {
    const plan = broadcastPlan([], [3, 4], [3, 4]);
    expect([...plan.shape]).toEqual([12]);
    expect([...plan.aStrides]).toEqual([0]);
    expect([...plan.bStrides]).toEqual([1]);
  });
});

type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;
const OPS: Record<string, Binary> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  // Keep the divisor away from 0 so the comparison is about the kernel, not about conditioning.
  div: (a, b) => tf.div(a, tf.add(tf.abs(b), 0.5)),
  squaredDifference: (a, b) => tf.squaredDifference(a, b),
};

const SHAPES: Array<[number[], number[]]> = [
  [
    [3, 4, 5],
    [3, 4, 5],
  ],
  [[2, 3, 4, 6], [6]],
  [[6], [2, 3, 4, 6]],
  [
    [2, 1, 4],
    [3, 1],
  ],
  [[4, 5], []],
  [
    [1, 3, 1, 2],
    [4, 1, 5, 1],
  ],
];

describe.skipIf(!nativeBuilt)(`native binary elementwise kernels${skipReason}`, () => {
  beforeAll(setUpBackends);

  for (const [name, op] of Object.entries(OPS)) {
    it(`${name} with broadcasting, forward and both gradients`, async () => {
      for (const [aShape, bShape] of SHAPES) {
        // tfjs's own SquaredDifference gradient does not reduce broadcast dims (it fails on cpu too): forward only there.
        const gradients = name !== 'squaredDifference' || aShape.join() === bShape.join();
        await expectNativeMatchesCpu([aShape, bShape], (a, b) => {
          const y = op(a, b);
          if (!gradients) return y;
          const weights = tf.linspace(-1, 2, y.size).reshape(y.shape);
          return [y, ...tf.grads((x: tf.Tensor, z: tf.Tensor) => op(x, z).mul(weights).sum())([a, b])];
        });
      }
    });
  }

  it('runs in the addon for float32 and falls back to wasm for int32', async () => {
    const state = loadNativeAddon();
    if (!state.ok) throw new Error(state.reason);
    const spy = vi.spyOn(state.addon, 'binary');
    await tf.setBackend('native');
    const before = tf.memory().numTensors;
    const floatsOut = tf.mul(tf.ones([3, 2]), tf.tensor1d([2, 3]));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await floatsOut.data()).toEqual(new Float32Array([2, 3, 2, 3, 2, 3]));
    const ints = tf.mul(tf.tensor1d([1, 2, 3], 'int32'), tf.scalar(4, 'int32'));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(ints.dtype).toBe('int32');
    expect([...(await ints.data())]).toEqual([4, 8, 12]);
    spy.mockRestore();
    tf.dispose([floatsOut, ints]);
    // The inputs built inline above were not kept: count only what the ops left behind.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(4);
  });
});
