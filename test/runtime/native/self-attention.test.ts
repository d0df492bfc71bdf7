/**
 * Self-attention through one QKV projection (runtime/self-attention.ts, kernels in
 * runtime/native/qkv.ts): on native the three projections are one kernel into one [B, T, 3d]
 * buffer that the attention reads in place, backward one kernel each; checked against the cpu
 * backend's three tf.fused.matMul projections and tfjs attention ops at 1e-4 (output and every
 * gradient), and the KV-cached step against the same positions of uncached attention over the
 * whole sequence (a second method).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { cachedSelfAttention, projectedSelfAttention } from '../../../src/runtime/self-attention.ts';
import { QKV_KERNELS } from '../../../src/runtime/native/qkv.ts';
import { LINEAR_KERNELS } from '../../../src/runtime/native/linear.ts';
import { FUSED_KERNELS } from '../../../src/runtime/native/fused.ts';
import { createDecoder, disposeCache, disposeDecoder, forward } from '../../../src/serve/measure/decoder.ts';
import { addonHas, expectNativeMatchesCpu, setUpBackends, withGrads } from './helpers.ts';

const addon = addonHas('linearParts', 'attentionQkv', 'attentionCached');

/** x, then kernel and bias of Q, K and V. */
const shapesFor = (batch: number, tokens: number, d: number): number[][] => [[batch, tokens, d], [d, d], [d], [d, d], [d], [d, d], [d]];

const attend =
  (heads: number, causal: boolean) =>
  (x: tf.Tensor, wq: tf.Tensor, bq: tf.Tensor, wk: tf.Tensor, bk: tf.Tensor, wv: tf.Tensor, bv: tf.Tensor): tf.Tensor =>
    projectedSelfAttention(x, { kernel: wq, bias: bq }, { kernel: wk, bias: bk }, { kernel: wv, bias: bv }, heads, 1 / Math.sqrt(x.shape[2]! / heads), causal);

describe.skipIf(!addon.ok)(`native self-attention through one QKV projection${addon.reason}`, () => {
  beforeAll(setUpBackends);

  it('causal, 2 heads, [2, 5, 8]: output and the gradients wrt x and every kernel and bias match cpu', async () => {
    await expectNativeMatchesCpu(shapesFor(2, 5, 8), withGrads(attend(2, true)));
  });

  it('one head unmasked [3, 4, 6], and 4 heads causal [1, 7, 16], match cpu', async () => {
    await expectNativeMatchesCpu(shapesFor(3, 4, 6), withGrads(attend(1, false)), 11);
    await expectNativeMatchesCpu(shapesFor(1, 7, 16), withGrads(attend(4, true)), 12);
  });

  it('on native: one projection and one attention kernel each way, no per-projection kernels', async () => {
    await tf.setBackend('native');
    const [x, wq, bq, wk, bk, wv, bv] = shapesFor(2, 3, 8).map((shape, i) => tf.randomNormal(shape, 0, 1, 'float32', i));
    const info = await tf.profile(() =>
      tf.grads((...xs: tf.Tensor[]) => (attend(2, true) as (...t: tf.Tensor[]) => tf.Tensor)(...xs).sum())([x!, wq!, bq!, wk!, bk!, wv!, bv!]),
    );
    const count = (name: string): number => info.kernels.filter((k) => k.name === name).length;
    for (const name of Object.values(QKV_KERNELS).filter((n) => n !== QKV_KERNELS.attentionCached)) expect(count(name), name).toBe(1);
    for (const name of [LINEAR_KERNELS.linear, LINEAR_KERNELS.linearGradInput, FUSED_KERNELS.attention, 'BatchMatMul', '_FusedMatMul'])
      expect(count(name), name).toBe(0);
  });

  for (const [past, tokens] of [
    [0, 4],
    [5, 1],
    [5, 3],
  ] as const) {
    it(`KV-cached step, ${tokens} new after ${past} cached: heads and the grown cache match cpu`, async () => {
      const [batch, d, heads] = [2, 8, 2];
      const shapes = [
        [batch * tokens, d],
        [d, d],
        [d, d],
        [d, d],
        ...(past > 0
          ? [
              [batch, past, d],
              [batch, past, d],
            ]
          : []),
      ];
      await expectNativeMatchesCpu(shapes, (h, wq, wk, wv, k, v) => {
        const { out, cache } = cachedSelfAttention(h!, wq!, wk!, wv!, batch, heads, 0.5, k && v ? { k, v } : undefined);
        return [out, cache.k, cache.v];
      });
    });
  }

  it('on native a cached step equals the same positions of attention over the whole sequence', async () => {
    await tf.setBackend('native');
    const [batch, d, heads, past, tokens] = [2, 8, 2, 5, 3];
    const [wq, wk, wv] = [1, 2, 3].map((seed) => tf.randomNormal([d, d], 0, 0.5, 'float32', seed)) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const sequence = tf.randomNormal([batch, past + tokens, d], 0, 1, 'float32', 4);
    const whole = cachedSelfAttention(tf.reshape(sequence, [-1, d]), wq, wk, wv, batch, heads, 0.5, undefined);
    const prefix = cachedSelfAttention(tf.reshape(tf.slice(sequence, [0, 0, 0], [batch, past, d]), [-1, d]), wq, wk, wv, batch, heads, 0.5, undefined);
    const step = cachedSelfAttention(tf.reshape(tf.slice(sequence, [0, past, 0], [batch, tokens, d]), [-1, d]), wq, wk, wv, batch, heads, 0.5, prefix.cache);
    const expected = tf.slice(tf.reshape(whole.out, [batch, past + tokens, d]), [0, past, 0], [batch, tokens, d]);
    const worst = (a: tf.Tensor, b: tf.Tensor): number => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number;
    expect(worst(tf.reshape(step.out, [batch, tokens, d]), expected)).toBeLessThan(1e-5);
    expect(worst(step.cache.k, whole.cache.k)).toBeLessThan(1e-6);
    expect(worst(step.cache.v, whole.cache.v)).toBeLessThan(1e-6);
  });

  it("on native the decoder's step is one projection and one cache-and-attend kernel per layer, with no concat", async () => {
    await tf.setBackend('native');
    const decoder = createDecoder({ layers: 2, hidden: 16, heads: 4, ffn: 32, vocab: 11 }, 7);
    const prefill = forward(decoder, [[1, 2, 3]], undefined);
    const info = await tf.profile(() => {
      const step = forward(decoder, [[4]], prefill.cache);
      disposeCache(step.cache);
      return step.logits;
    });
    const count = (name: string): number => info.kernels.filter((k) => k.name === name).length;
    expect(count(QKV_KERNELS.linearParts)).toBe(2);
    expect(count(QKV_KERNELS.attentionCached)).toBe(2);
    expect(count('Concat')).toBe(0);
    prefill.logits.dispose();
    disposeCache(prefill.cache);
    disposeDecoder(decoder);
  });
});
