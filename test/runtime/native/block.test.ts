/**
 * The transformer-part kernels (runtime/native/block.ts through runtime/transformer-block.ts and
 * runtime/cross-entropy.ts): a whole pre-norm block, the token + position embedding, layer norm +
 * projection and the mean cross-entropy, each one kernel each way on native, checked against the
 * cpu backend's per-layer ops at 1e-4 (output and every gradient); and the launch-free saved-tensor
 * clone (runtime/native/saved-tensors.ts) against a second-order gradient worked by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import {
  normLinear,
  softmaxCrossEntropyMean,
  tokenPositionEmbedding,
  transformerBlock,
  transformerLogits,
  type BlockWeights,
} from '../../../src/runtime/index.ts';
import { BLOCK_KERNELS } from '../../../src/runtime/native/block.ts';
import { addonHas, expectNativeMatchesCpu, runOn, seededInputs, setUpBackends, withGrads } from './helpers.ts';

const addon = addonHas('linearParts', 'attentionQkv', 'layerNorm', 'gather', 'segmentSum');

/** x [B, T, d], then the block's weights in transformerBlock's order (LN γ/β, Q, K, V, O kernels and biases, LN γ/β, MLP in/out). */
function blockShapes(batch: number, tokens: number, d: number, f: number): number[][] {
  const square = [[d, d], [d]];
  return [[batch, tokens, d], [d], [d], ...square, ...square, ...square, ...square, [d], [d], [d, f], [f], [f, d], [d]];
}

/** A block's weights from 16 positional tensors; γ shifted to around 1 and projections scaled by 0.3 so the norms and softmax are not degenerate. */
function blockWeightsFrom(w: tf.Tensor[]): BlockWeights {
  const [g1, b1, wq, bq, wk, bk, wv, bv, wo, bo, g2, b2, w1, c1, w2, c2] = w as [tf.Tensor, ...tf.Tensor[]] as tf.Tensor[];
  const projection = (kernel: tf.Tensor | undefined, bias: tf.Tensor | undefined) => ({ kernel: tf.mul(kernel as tf.Tensor, 0.3), bias: bias as tf.Tensor });
  return {
    ln1: { gamma: tf.add(g1 as tf.Tensor, 1), beta: b1 as tf.Tensor, epsilon: 1e-3 },
    query: projection(wq, bq),
    key: projection(wk, bk),
    value: projection(wv, bv),
    output: projection(wo, bo),
    ln2: { gamma: tf.add(g2 as tf.Tensor, 1), beta: b2 as tf.Tensor, epsilon: 1e-5 },
    mlpIn: projection(w1, c1),
    mlpOut: projection(w2, c2),
  };
}

/** The block on x with weights from positional tensors. */
const block =
  (heads: number) =>
  (x: tf.Tensor, ...w: tf.Tensor[]): tf.Tensor =>
    transformerBlock(x, blockWeightsFrom(w), heads, 1 / Math.sqrt((x.shape[2] as number) / heads));

describe.skipIf(!addon.ok)(`native transformer-part kernels${addon.reason}`, () => {
  beforeAll(setUpBackends);

  it('a pre-norm block, 2 heads [2, 5, 8] with MLP width 12: output and the gradients wrt x and all 16 weights match cpu', async () => {
    await expectNativeMatchesCpu(blockShapes(2, 5, 8, 12), withGrads(block(2)));
  });

  it('one head [3, 4, 6] with MLP width 24 (4d), and 4 heads [1, 7, 16] with width 5, match cpu', async () => {
    await expectNativeMatchesCpu(blockShapes(3, 4, 6, 24), withGrads(block(1)), 21);
    await expectNativeMatchesCpu(blockShapes(1, 7, 16, 5), withGrads(block(4)), 22);
  });

  it('on native the block is one kernel forward and one backward (no per-layer kernels)', async () => {
    await tf.setBackend('native');
    const inputs = blockShapes(2, 3, 8, 16).map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 0.5, 'float32', i)));
    const info = await tf.profile(() => tf.grads((...xs: tf.Tensor[]) => block(2)(...(xs as [tf.Tensor, ...tf.Tensor[]])).sum())(inputs));
    const names = info.kernels.map((k) => k.name).filter((n) => !n.endsWith('__op'));
    expect(names.filter((n) => n === BLOCK_KERNELS.block)).toHaveLength(1);
    expect(names.filter((n) => n === BLOCK_KERNELS.blockGrad)).toHaveLength(1);
    for (const perLayer of ['CostsimNativeLayerNorm', 'CostsimNativeLinearParts', 'CostsimNativeAttentionQkv', 'CostsimNativeLinear', 'Identity'])
      expect(names, perLayer).not.toContain(perLayer);
    tf.dispose(inputs);
  });

  it('token + position embedding [3, 4] from a 7-row table and 6 positions: output and both tables’ gradients match cpu', async () => {
    const tokens = [6, 0, 3, 3, 1, 2, 2, 5, 0, 0, 4, 6];
    const [table, positions] = seededInputs(31, [
      [7, 5],
      [6, 5],
    ]);
    const run = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const ids = tf.tensor2d(tokens, [3, 4], 'int32');
      const [t, p] = [tf.tensor2d(table as Float32Array, [7, 5]), tf.tensor2d(positions as Float32Array, [6, 5])];
      const weights = tf.linspace(-1, 2, 60).reshape([3, 4, 5]);
      const y = tokenPositionEmbedding(ids, t, p);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tokenPositionEmbedding(ids, a, b).mul(weights).sum())([t, p]);
      const out = [y, ...grads].map((r) => r.dataSync() as Float32Array);
      tf.dispose([ids, t, p, weights, y, ...grads]);
      return out;
    };
    const reference = await run('cpu');
    const native = await run('native');
    reference.forEach((ref, i) => ref.forEach((v, j) => expect(native[i]?.[j]).toBeCloseTo(v, 5)));
    // Position rows past the 4 used get no gradient.
    expect(Array.from((native[2] as Float32Array).slice(4 * 5))).toEqual(new Array(10).fill(0));
  });

  it('the whole model (embedding, 2 blocks, final norm + logits) on [2, 4] tokens: logits and the gradients of all 38 weights match cpu', async () => {
    const [d, f, vocab, length] = [8, 12, 7, 5];
    const shapes = [[vocab, d], [length, d], ...blockShapes(1, 1, d, f).slice(1), ...blockShapes(1, 1, d, f).slice(1), [d], [d], [d, vocab], [vocab]];
    const tokens = [3, 0, 6, 2, 5, 5, 1, 4];
    await expectNativeMatchesCpu(
      shapes,
      withGrads((table, positions, ...rest) => {
        const ids = tf.tensor2d(tokens, [2, 4], 'int32');
        const blocks = [rest.slice(0, 16), rest.slice(16, 32)].map(blockWeightsFrom);
        const [g, b, k, c] = rest.slice(32) as tf.Tensor[];
        const logits = transformerLogits(
          ids,
          {
            table: table as tf.Tensor,
            positions: positions as tf.Tensor,
            blocks,
            norm: { gamma: tf.add(g as tf.Tensor, 1), beta: b as tf.Tensor, epsilon: 1e-3 },
            logits: { kernel: k as tf.Tensor, bias: c as tf.Tensor },
          },
          2,
          0.5,
        );
        ids.dispose();
        return logits;
      }),
      23,
    );
  });

  it('the whole-model kernel keeps its saved tensors in one workspace of exactly their floats (worked by hand for 2 blocks), freed on a bad token', async () => {
    await tf.setBackend('native');
    const [d, f, vocab] = [8, 12, 7];
    const shapes = [[vocab, d], [4, d], ...blockShapes(1, 1, d, f).slice(1), ...blockShapes(1, 1, d, f).slice(1), [d], [d], [d, vocab], [vocab]];
    const tensors = shapes.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 0.3, 'float32', i)));
    const [table, positions, ...rest] = tensors as tf.Tensor[];
    const weights = {
      table: table as tf.Tensor,
      positions: positions as tf.Tensor,
      blocks: [rest.slice(0, 16), rest.slice(16, 32)].map(blockWeightsFrom),
      norm: { gamma: rest[32] as tf.Tensor, beta: rest[33] as tf.Tensor, epsilon: 1e-3 },
      logits: { kernel: rest[34] as tf.Tensor, bias: rest[35] as tf.Tensor },
    };
    const ids = tf.tensor2d([3, 0, 6, 2, 5, 5, 1, 4], [2, 4], 'int32');
    const info = await tf.profile(() => tf.tidy(() => void transformerLogits(ids, weights, 2, 0.5)));
    const kernel = info.kernels.find((k) => k.name === BLOCK_KERNELS.transformer);
    // 8 rows of width 8. Embedding output 64; per block LN1 out 64 + mean 8 + rstd 8, QKV 192, heads 64, probabilities 2·2·4·4 = 64,
    // residual 64, LN2 64 + 8 + 8, hidden 8·12 = 96, block output 64: 704; head LN 64 + 8 + 8. 64 + 2·704 + 80 = 1,552.
    expect(kernel?.outputShapes).toEqual([[2, 4, vocab], [1552]]);
    // A token id outside the table fails naming it, and leaves no buffer behind (the workspace is freed too).
    const before = tf.engine().backend.numDataIds();
    const bad = tf.tensor2d([3, 0, 6, 2, 5, 9, 1, 4], [2, 4], 'int32');
    expect(() => transformerLogits(bad, weights, 2, 0.5)).toThrow(/index value 9 is not in \[0, 6\]/);
    bad.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
    tf.dispose([...tensors, ids]);
  });

  it('a token id outside the table is an error naming it, as tf.gather’s', async () => {
    await tf.setBackend('native');
    const table = tf.zeros([4, 3]);
    const positions = tf.zeros([2, 3]);
    const ids = tf.tensor2d([1, 9], [1, 2], 'int32');
    expect(() => tokenPositionEmbedding(ids, table, positions)).toThrow(/index value 9 is not in \[0, 3\]/);
    tf.dispose([table, positions, ids]);
  });

  it('layer norm + projection [2, 3, 8] → 11: output and the gradients wrt x, γ, β, kernel and bias match cpu', async () => {
    await expectNativeMatchesCpu(
      [[2, 3, 8], [8], [8], [8, 11], [11]],
      withGrads((x, g, b, k, c) =>
        normLinear(x as tf.Tensor, { gamma: tf.add(g as tf.Tensor, 1), beta: b as tf.Tensor, epsilon: 1e-3 }, { kernel: k as tf.Tensor, bias: c as tf.Tensor }),
      ),
    );
  });

  it('mean cross-entropy of [4, 3, 6] logits over 12 positions: the loss and dLogits match cpu', async () => {
    const [logits] = seededInputs(41, [[4, 3, 6]]);
    const labels = new Float32Array(72);
    for (let r = 0; r < 12; r++) if (r !== 5) labels[r * 6 + ((r * 5) % 6)] = 1; // row 5 unscored (all zero), as padding is
    const shapes = [[4, 3, 6]];
    const run = (backend: string): ReturnType<typeof runOn> =>
      runOn(backend, shapes, [logits as Float32Array], (z) => {
        const y = tf.tensor3d(labels, [4, 3, 6]);
        const loss = softmaxCrossEntropyMean(y, z as tf.Tensor, 12);
        const [grad] = tf.grads((a: tf.Tensor) => softmaxCrossEntropyMean(y, a, 12))([z as tf.Tensor]);
        y.dispose();
        return [loss, grad as tf.Tensor];
      });
    const [reference, native] = [await run('cpu'), await run('native')];
    expect(native[0]?.shape).toEqual([]);
    expect(native[0]?.values[0]).toBeCloseTo(reference[0]?.values[0] as number, 5);
    reference[1]?.values.forEach((v, j) => expect(native[1]?.values[j]).toBeCloseTo(v, 6));
  });

  it('a saved tensor launches no Identity kernel on native, and second-order gradients still flow through it: d²(x³)/dx² = 6x', async () => {
    await tf.setBackend('native');
    const x = tf.tensor1d([0.5, -2, 3]);
    // tf.mul saves both inputs for its gradient, so the gradient reads saved copies of x (tfjs launches an Identity for each).
    const first = tf.grad((u: tf.Tensor) => tf.mul(tf.mul(u, u), u).sum());
    const info = await tf.profile(() => first(x));
    expect(info.kernels.filter((k) => k.name === 'Multiply').length).toBeGreaterThanOrEqual(2);
    expect(info.kernels.filter((k) => k.name === 'Identity')).toHaveLength(0);
    const second = tf.grad((v: tf.Tensor) => first(v).sum());
    const value = second(x);
    expect(Array.from(value.dataSync())).toEqual([3, -12, 18]);
    tf.dispose([x, value]);
  });
});
