/**
 * The native backend's batch norm (forward and fused gradient), ReLU gradient, Mean/Sum
 * gradients and same-dtype Cast against tfjs's cpu backend at 1e-4 relative.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { loadNativeAddon } from '../../../src/runtime/native/addon.ts';
import { tf } from '../../../src/runtime/tf.ts';
import { expectNativeMatchesCpu, nativeBuilt, setUpBackends, skipReason, withGrads } from './helpers.ts';

const positive = (v: tf.Tensor): tf.Tensor => tf.add(tf.abs(v), 0.3);

describe.skipIf(!nativeBuilt)(`native batch norm and gradient kernels${skipReason}`, () => {
  beforeAll(setUpBackends);

  it('batchNorm with independent statistics, scale and offset: output and all five gradients', async () => {
    await expectNativeMatchesCpu(
      [[2, 5, 4, 6], [6], [6], [6], [6]],
      withGrads((x, mean, v, offset, scale) => tf.batchNorm(x, mean, positive(v), offset, scale, 1e-3)),
    );
  });

  it('batchNorm without scale and offset, rank 2 (forward: tfjs cannot save an absent scale for the gradient)', async () => {
    await expectNativeMatchesCpu([[7, 3], [3], [3]], (x, mean, v) => tf.batchNorm(x, mean, positive(v), undefined, undefined, 0.01));
  });

  it('training-mode batch norm (statistics from moments, as tfjs-layers does) through ReLU', async () => {
    await expectNativeMatchesCpu(
      [[3, 4, 4, 5], [5], [5]],
      withGrads((x, scale, offset) => {
        const { mean, variance } = tf.moments(x, [0, 1, 2]);
        return tf.relu(tf.batchNorm(x, mean, variance, offset, scale, 1e-3));
      }),
    );
  });

  it('broadcast statistics ([1,1,C]) fall back to the wasm kernel and still match (forward: tfjs has no gradient for them)', async () => {
    await expectNativeMatchesCpu(
      [
        [2, 3, 4],
        [1, 1, 4],
        [1, 1, 4],
        [1, 1, 4],
        [1, 1, 4],
      ],
      (x, mean, v, offset, scale) => tf.batchNorm(x, mean, positive(v), offset, scale),
    );
  });

  it('mean and sum gradients over leading, inner and all axes', async () => {
    for (const axis of [[0], [1, 2], [0, 2], undefined]) {
      await expectNativeMatchesCpu(
        [[3, 4, 5]],
        withGrads((x) => tf.mean(x, axis, true)),
      );
      await expectNativeMatchesCpu(
        [[3, 4, 5]],
        withGrads((x) => tf.sum(x, axis)),
      );
    }
  });

  it('square gradient, same shape and through a broadcast', async () => {
    await expectNativeMatchesCpu(
      [[4, 6], [6]],
      withGrads((x, b) => tf.square(tf.sub(x, b))),
    );
  });

  it('relu gradient, including exact zeros', async () => {
    await expectNativeMatchesCpu(
      [[4, 6]],
      withGrads((x) => tf.relu(tf.sub(tf.round(tf.mul(x, 2)), 0))),
    );
  });

  it('the fused kernels run in the addon and leak no tensors', async () => {
    const state = loadNativeAddon();
    if (!state.ok) throw new Error(state.reason);
    const spies = (['batchNorm', 'batchNormGrad', 'reluGrad'] as const).map((name) => vi.spyOn(state.addon, name));
    await tf.setBackend('native');
    const [x, scale, offset] = [tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 1), tf.ones([4]), tf.zeros([4])];
    const before = tf.memory().numTensors;
    const grads = tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.relu(tf.batchNorm(a, mean, variance, o, s)).sum();
    })([x, scale, offset]);
    expect(tf.memory().numTensors - before).toBe(grads.length);
    for (const spy of spies) expect(spy, spy.getMockName()).toHaveBeenCalled();
    spies.forEach((spy) => spy.mockRestore());
    const cast = tf.cast(x, 'float32');
    expect(tf.memory().numBytes).toBeGreaterThan(0);
    expect(await cast.data()).toEqual(await x.data());
    tf.dispose([x, scale, offset, cast, ...grads]);
  });
});
