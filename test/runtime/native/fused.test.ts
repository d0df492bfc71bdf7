/**
 * The fused transformer ops (runtime/fused-ops.ts): on the native backend one addon kernel each
 * way, checked against tfjs's broadcasting ops on the cpu backend at 1e-4 relative (forward and
 * every gradient), against hand-worked values, and that native really ran the fused kernels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { biasGelu, layerNorm, rmsNorm } from '../../../src/runtime/fused-ops.ts';
import { attention, multiHeadAttention } from '../../../src/runtime/fused-attention.ts';
import { createDecoder, disposeCache, disposeDecoder, forward } from '../../../src/serve/measure/decoder.ts';
import { FUSED_KERNELS } from '../../../src/runtime/native/fused.ts';
import { expectNativeMatchesCpu, nativeBuilt, setUpBackends, skipReason, withGrads } from './helpers.ts';

/** Names of the kernels `f` runs on the native backend (forward and gradients). */
async function nativeKernelNames(f: () => tf.Tensor | tf.Tensor[]): Promise<string[]> {
  await tf.setBackend('native');
  const info = await tf.profile(() => f());
  return info.kernelNames;
}

describe.skipIf(!nativeBuilt)(`native fused transformer kernels${skipReason}`, () => {
  beforeAll(setUpBackends);

  it('layer norm with scale and offset: output and the gradients wrt x, γ and β match cpu', async () => {
    await expectNativeMatchesCpu(
      [[3, 5, 24], [24], [24]],
      withGrads((x, gamma, beta) => layerNorm(x, gamma, beta, 1e-3)),
    );
  });

  it("RMSNorm (the decoder's): output and gradient match cpu", async () => {
    await expectNativeMatchesCpu(
      [[6, 32]],
      withGrads((x) => rmsNorm(x, 1e-5)),
    );
  });

  it('bias + GELU: output and the gradients wrt x and bias match cpu', async () => {
    await expectNativeMatchesCpu(
      [[4, 7, 16], [16]],
      withGrads((x, bias) => biasGelu(x, bias)),
    );
  });

  it('hand-worked values: layer norm of [1,2,3,4] (mean 2.5, var 1.25), GELU and its slope at 1', async () => {
    await tf.setBackend('native');
    const normed = await layerNorm(tf.tensor2d([[1, 2, 3, 4]]), tf.ones([4]), tf.zeros([4]), 0).data();
    const expected = [-1.5, -0.5, 0.5, 1.5].map((c) => c / Math.sqrt(1.25));
    normed.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 5));
    // gelu(1) = Φ(1) = 0.8413447; gelu'(1) = Φ(1) + φ(1) = 0.8413447 + 0.2419707 (normal tables).
    const [value] = await biasGelu(tf.tensor2d([[1]]), tf.zeros([1])).data();
    expect(value).toBeCloseTo(0.8413447, 5);
    const [slope] = await tf
      .grad((x: tf.Tensor) => biasGelu(x, tf.zeros([1])).sum())(tf.tensor2d([[1]]))
      .data();
    expect(slope).toBeCloseTo(1.0833154, 5);
  });

  it('on native each op is one kernel forward and one backward', async () => {
    const x = tf.randomNormal([4, 8]);
    const gamma = tf.ones([8]);
    const beta = tf.zeros([8]);
    const names = await nativeKernelNames(() => tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(a, g, b, 1e-3).sum())([x, gamma, beta]));
    expect(names).toContain(FUSED_KERNELS.layerNorm);
    expect(names).toContain(FUSED_KERNELS.layerNormGrad);
    expect(names).not.toContain('Rsqrt');
    const gelu = await nativeKernelNames(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => biasGelu(a, b).sum())([x, beta]));
    expect(gelu).toContain(FUSED_KERNELS.biasGeluGrad);
    expect(gelu).not.toContain('Erf');
    tf.dispose([x, gamma, beta]);
  });
});

describe('fused kernels and a stale addon build', () => {
  it("an addon without the fused functions registers none of them (the ops then use tfjs's)", async () => {
    const { fusedKernels } = await import('../../../src/runtime/native/fused.ts');
    expect(fusedKernels({} as never, 'native')).toEqual([]);
  });
});

describe.skipIf(!nativeBuilt)(`native fused attention${skipReason}`, () => {
  beforeAll(setUpBackends);

  it('causal self-attention [B, h, T, D]: output and dQ, dK, dV match cpu', async () => {
    await expectNativeMatchesCpu(
      [
        [2, 3, 6, 8],
        [2, 3, 6, 8],
        [2, 3, 6, 8],
      ],
      withGrads((q, k, v) => attention(q, k, v, 1 / Math.sqrt(8), true)),
    );
  });

  it('decode over a cache (1 and 3 new queries after 5 cached keys) and unmasked attention match cpu', async () => {
    await expectNativeMatchesCpu(
      [
        [2, 2, 1, 4],
        [2, 2, 6, 4],
        [2, 2, 6, 4],
      ],
      withGrads((q, k, v) => attention(q, k, v, 0.5, true)),
    );
    await expectNativeMatchesCpu(
      [
        [1, 2, 3, 4],
        [1, 2, 8, 4],
        [1, 2, 8, 4],
      ],
      withGrads((q, k, v) => attention(q, k, v, 0.5, true)),
    );
    await expectNativeMatchesCpu(
      [
        [3, 5, 4],
        [3, 7, 4],
        [3, 7, 4],
      ],
      withGrads((q, k, v) => attention(q, k, v, 0.5, false)),
    );
  });

  it('hand-worked: the first query of a causal pair sees only itself; equal scores average V', async () => {
    await tf.setBackend('native');
    const k = tf.tensor3d([
      [
        [1, 0],
        [0, 1],
      ],
    ]);
    const v = tf.tensor3d([
      [
        [2, 4],
        [6, 8],
      ],
    ]);
    // q = 0: equal scores. Row 0 sees key 0 only → v0; row 1 sees both equally → (v0 + v1)/2.
    const out = await attention(tf.zeros([1, 2, 2]), k, v, 1, true).data();
    expect(Array.from(out)).toEqual([2, 4, 4, 6]);
  });

  it('on native attention is one kernel forward and one backward', async () => {
    const q = tf.randomNormal([1, 2, 4, 4]);
    const names = await nativeKernelNames(() => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => attention(a, b, c, 0.5, true).sum())([q, q, q]));
    expect(names).toContain(FUSED_KERNELS.attentionGrad);
    expect(names).not.toContain('Softmax');
    expect(names).not.toContain('BatchMatMul');
    q.dispose();
  });
});

describe.skipIf(!nativeBuilt)(`the KV-cached decoder on the native backend${skipReason}`, () => {
  beforeAll(setUpBackends);

  it("prefill and two cached decode steps give cpu's logits (fused RMSNorm and attention over the growing cache)", async () => {
    await expectNativeMatchesCpu([], () => {
      const d = createDecoder({ layers: 2, hidden: 16, heads: 4, ffn: 32, vocab: 11 }, 3);
      let { logits, cache } = forward(
        d,
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        undefined,
      );
      const all = [logits];
      for (const next of [
        [7, 8],
        [9, 10],
      ]) {
        const step = forward(
          d,
          next.map((t) => [t]),
          cache,
        );
        disposeCache(cache);
        ({ logits, cache } = step);
        all.push(logits);
      }
      disposeCache(cache);
      disposeDecoder(d);
      return all;
    });
  });
});

describe.skipIf(!nativeBuilt)(`native fused multi-head attention on [B, T, heads·D]${skipReason}`, () => {
  beforeAll(setUpBackends);

  it('causal, 3 heads of width 4: output and dQ, dK, dV match cpu (which splits and merges heads)', async () => {
    await expectNativeMatchesCpu(
      [
        [2, 5, 12],
        [2, 5, 12],
        [2, 5, 12],
      ],
      withGrads((q, k, v) => multiHeadAttention(q, k, v, 3, 0.5, true)),
    );
  });

  it('equals the packed attention of the split heads on native, and runs no Transpose', async () => {
    await tf.setBackend('native');
    const [q, k, v] = [1, 2, 3].map((seed) => tf.randomNormal([2, 4, 8], 0, 1, 'float32', seed));
    const split = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [2, 4, 2, 4]), [0, 2, 1, 3]);
    const packed = tf.reshape(tf.transpose(attention(split(q as tf.Tensor), split(k as tf.Tensor), split(v as tf.Tensor), 0.5, true), [0, 2, 1, 3]), [2, 4, 8]);
    const heads = multiHeadAttention(q as tf.Tensor, k as tf.Tensor, v as tf.Tensor, 2, 0.5, true);
    const gap = (await tf.max(tf.abs(tf.sub(packed, heads))).data())[0] as number;
    expect(gap).toBeLessThan(1e-6);
    const names = await nativeKernelNames(() =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => multiHeadAttention(a, b, c, 2, 0.5, true).sum())([q as tf.Tensor, k as tf.Tensor, v as tf.Tensor]),
    );
    expect(names).toContain(FUSED_KERNELS.attentionGrad);
    expect(names).not.toContain('Transpose');
  });
});
