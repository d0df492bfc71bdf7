/**
 * The native backend's memory-bound training kernels (MaxPoolGrad, leading-axis Sum, bias Add,
 * shared-buffer Identity) and the fused Adam, against the cpu backend and tf.train.adam.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { nativeAdam } from '../../../src/runtime/native/adam.ts';
import { expectNativeMatchesCpu, nativeBuilt, seededInputs, setUpBackends, skipReason } from './helpers.ts';

describe.skipIf(!nativeBuilt)(`native training kernels${skipReason}`, () => {
  beforeAll(setUpBackends);

  for (const [name, shape, size, strides, pad] of [
    ['2×2 stride 2 valid', [2, 8, 6, 3], 2, 2, 'valid'],
    ['3×3 stride 3 valid (windows tile the input exactly), 9 channels', [1, 6, 9, 9], 3, 3, 'valid'],
    ['2×2 stride 2 valid with an odd remainder (general path)', [1, 5, 7, 2], 2, 2, 'valid'],
    ['3×3 stride 2 same (windows overlap and hang over the edge)', [2, 7, 9, 4], 3, 2, 'same'],
    ['3×3 stride 1 same', [1, 5, 5, 2], 3, 1, 'same'],
  ] as const) {
    it(`maxPool gradient, ${name}`, async () => {
      await expectNativeMatchesCpu([[...shape]], (x) => {
        const y = tf.maxPool(x as tf.Tensor4D, size, strides, pad);
        return [
          y,
          tf.grad((t: tf.Tensor) =>
            tf
              .maxPool(t as tf.Tensor4D, size, strides, pad)
              .mul(tf.linspace(-1, 1, y.size).reshape(y.shape))
              .sum(),
          )(x),
        ];
      });
    });
  }

  it('maxPool gradient breaks ties like the cpu backend (first maximum in row-major window order)', async () => {
    // Many exact ties: mostly zeros with a sparse pattern of ones.
    await expectNativeMatchesCpu([[2, 6, 6, 3]], (x) => {
      const tied = tf.cast(tf.equal(tf.mod(tf.range(0, x.size), 7), 0), 'float32').reshape(x.shape);
      return tf.grad((t: tf.Tensor) =>
        tf
          .maxPool(t as tf.Tensor4D, 2, 2, 'valid')
          .mul(tf.linspace(1, 2, 54).reshape([2, 3, 3, 3]))
          .sum(),
      )(tied);
    });
  });

  it('sum over leading and trailing axes (native), with and without keepDims, and over other axes (wasm fallback)', async () => {
    await expectNativeMatchesCpu([[4, 3, 5, 6]], (x) => [
      x.sum([0, 1, 2]),
      x.sum([0, 1], true),
      x.sum(),
      x.sum(0),
      x.sum([1, 3]),
      x.sum(-1),
      x.sum([2, 3], true),
      x.sum([1, 2, 3]),
    ]);
  });

  it('mean over leading axes (batch-norm moments), trailing axes (layer norm), and over other axes (wasm fallback)', async () => {
    await expectNativeMatchesCpu([[4, 3, 5, 6]], (x) => [x.mean([0, 1, 2]), x.mean([0, 1], true), x.mean(), x.mean([2, 3]), x.mean(-1, true), x.mean([1, 3])]);
  });

  it('tile and its gradient (reshape + sum on native, tfjs slice loop on cpu) for ranks 1–4', async () => {
    for (const [shape, reps] of [
      [[3], [4]],
      [
        [2, 3],
        [2, 1],
      ],
      [
        [1, 1, 5],
        [4, 3, 1],
      ],
      [
        [2, 1, 3, 1],
        [1, 2, 2, 3],
      ],
      [
        [4, 11, 1],
        [1, 1, 6],
      ],
    ] as const) {
      await expectNativeMatchesCpu([[...shape]], (x) => {
        const tiled = tf.tile(x, [...reps]);
        const weights = tf.linspace(-1, 1, tiled.size).reshape(tiled.shape);
        return [
          tiled,
          tf.grad((t: tf.Tensor) =>
            tf
              .tile(t, [...reps])
              .mul(weights)
              .sum(),
          )(x),
        ];
      });
    }
  });

  it('bias add over the last axis on either side, and general broadcasting (wasm fallback)', async () => {
    await expectNativeMatchesCpu([[4, 3, 5], [5], [3, 1]], (x, b, c) => [tf.add(x, b), tf.add(b, x), tf.add(x, c), tf.add(b, b)]);
  });

  it('identity shares the buffer, and disposing the copy leaves the original intact', async () => {
    await tf.setBackend('native');
    const x = tf.tensor([1, 2, 3]);
    const copy = x.clone();
    copy.dispose();
    expect(Array.from(await x.data())).toEqual([1, 2, 3]);
    x.dispose();
  });
});

describe.skipIf(!nativeBuilt)(`fused native Adam${skipReason}`, () => {
  beforeAll(setUpBackends);

  /** Three Adam steps of a tiny model on `backend`; returns final weights and the first-step snapshot. */
  async function train(backend: string, makeOptimizer: () => tf.Optimizer): Promise<{ weights: Float32Array[]; snapshot: Float32Array }> {
    await tf.setBackend(backend);
    const [w1, b1, w2, x, target] = seededInputs(11, [[6, 5], [5], [5, 3], [8, 6], [8, 3]]) as Float32Array[];
    const vars = [
      tf.variable(tf.tensor(w1 as Float32Array, [6, 5])),
      tf.variable(tf.tensor(b1 as Float32Array, [5])),
      tf.variable(tf.tensor(w2 as Float32Array, [5, 3])),
    ] as [tf.Variable, tf.Variable, tf.Variable];
    const xs = tf.tensor(x as Float32Array, [8, 6]);
    const ys = tf.tensor(target as Float32Array, [8, 3]);
    const optimizer = makeOptimizer();
    // A clone taken before training shares the buffer on native (Identity): it must not change.
    const before = vars[0].clone();
    for (let step = 0; step < 3; step++) {
      optimizer.minimize(() => tf.losses.meanSquaredError(ys, tf.relu(xs.matMul(vars[0]).add(vars[1])).matMul(vars[2])) as tf.Scalar);
    }
    const weights = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
    const snapshot = (await before.data()) as Float32Array;
    tf.dispose([...vars, xs, ys, before]);
    optimizer.dispose();
    return { weights, snapshot };
  }

  it('matches tf.train.adam on the cpu backend after three steps, and leaves aliases untouched', async () => {
    const reference = await train('cpu', () => tf.train.adam(0.01));
    const fused = await train('native', () => nativeAdam(0.01));
    reference.weights.forEach((ref, i) => {
      const got = fused.weights[i] as Float32Array;
      ref.forEach((value, j) => expect(Math.abs((got[j] as number) - value)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(value))));
    });
    // The weights moved (else the comparison proves nothing) and the pre-training clone did not.
    expect(Math.abs((fused.weights[0] as Float32Array)[0]! - fused.snapshot[0]!)).toBeGreaterThan(1e-3);
    expect(Array.from(fused.snapshot)).toEqual(Array.from(seededInputs(11, [[6, 5]])[0] as Float32Array));
  });
});
