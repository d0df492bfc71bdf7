/**
 * The native Transpose against tfjs's cpu backend: permutations that move elements (the wasm
 * kernel) and ones that only reorder axes of size 1 (shared buffer, no copy), forward and
 * backward, and the no-copy case allocates nothing (tfjs-layers' Dense on rank-3 input
 * transposes its kernel by [0, 1] forward and backward; those copies of GPT-2's logits kernel
 * ran the 4 GiB wasm heap out).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { movesNoElement } from '../../../src/runtime/native/transpose.ts';
import { expectNativeMatchesCpu, nativeBuilt, setUpBackends, skipReason } from './helpers.ts';

describe('movesNoElement', () => {
  it('is true exactly when the axes longer than 1 keep their order', () => {
    expect(movesNoElement([4, 5], [0, 1])).toBe(true);
    expect(movesNoElement([4, 5], [1, 0])).toBe(false);
    expect(movesNoElement([1, 5], [1, 0])).toBe(true);
    expect(movesNoElement([2, 1, 5, 3], [0, 2, 1, 3])).toBe(true);
    expect(movesNoElement([2, 1, 5, 3], [0, 3, 1, 2])).toBe(false);
  });
});

describe.skipIf(!nativeBuilt)(`native Transpose${skipReason}`, () => {
  beforeAll(setUpBackends);

  for (const [shape, perm] of [
    [
      [4, 5],
      [0, 1],
    ],
    [
      [4, 5],
      [1, 0],
    ],
    [
      [2, 1, 5, 3],
      [0, 2, 1, 3],
    ],
    [
      [2, 3, 4, 5],
      [0, 2, 1, 3],
    ],
  ] as const) {
    it(`transpose ${JSON.stringify(shape)} by ${JSON.stringify(perm)} and its gradient`, async () => {
      await expectNativeMatchesCpu([[...shape]], (x) => {
        const y = tf.transpose(x as tf.Tensor, [...perm]);
        const weights = tf.linspace(-1, 2, y.size).reshape(y.shape);
        return [
          y,
          tf.grad((inner: tf.Tensor) =>
            tf
              .transpose(inner, [...perm])
              .mul(weights)
              .sum(),
          )(x as tf.Tensor),
        ];
      });
    });
  }

  it('an order-keeping transpose allocates no new buffer (the wasm kernel copied it)', async () => {
    await tf.setBackend('native');
    const x = tf.randomNormal([64, 96]);
    const before = tf.memory().numDataBuffers;
    const y = tf.transpose(x, [0, 1]);
    expect(tf.memory().numDataBuffers - before).toBe(0);
    // Disposing one holder leaves the other's values intact.
    const expected = await x.data();
    x.dispose();
    expect(await y.data()).toEqual(expected);
    y.dispose();
  });
});
