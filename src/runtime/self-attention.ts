/**
 * Multi-head self-attention from the layer input through the Q, K and V projections, up to (not
 * including) the output projection, for training (the zoo transformer) and for KV-cached decoding
 * (serve/'s decoder). On the `native` backend the three projections are one kernel writing one
 * [..., 3·d] buffer and the attention reads Q, K and V from it in place (runtime/native/qkv.ts):
 * 2 kernels forward and 2 backward per layer. Elsewhere three projections and
 * {@link multiHeadAttention}, the ops these callers ran before (same arithmetic).
 */
import { tf, type Tensor } from './tf.ts';
import { NATIVE_BACKEND } from './native/backend.ts';
import { QKV_KERNELS } from './native/qkv.ts';
import { linear } from './linear.ts';
import { multiHeadAttention } from './fused-attention.ts';

/** One projection's weights: kernel [d, d] and bias [d]. */
export interface Projection {
  kernel: Tensor;
  bias: Tensor;
}

function nativeHas(kernel: string): boolean {
  return tf.getBackend() === NATIVE_BACKEND && tf.getKernel(kernel, NATIVE_BACKEND) !== undefined;
}

/** Whether kernels are [d, d] (and biases [d]) float32 for a float32 x of width d divisible by heads. */
function squareProjections(x: Tensor, kernels: Tensor[], biases: Tensor[], heads: number): boolean {
  const d = x.shape[x.rank - 1] as number;
  return (
    x.dtype === 'float32' &&
    x.size > 0 &&
    d % heads === 0 &&
    kernels.every((k) => k.dtype === 'float32' && k.rank === 2 && k.shape[0] === d && k.shape[1] === d) &&
    biases.every((b) => b.dtype === 'float32' && b.rank === 1 && b.shape[0] === d)
  );
}

/**
 * softmax(scale·QKᵀ [causal])·V per head for x [B, T, d] with Q = x·Wq + bq (K, V alike), heads
 * interleaved in the last axis (head h in columns h·d/heads…): [B, T, d], before the output
 * projection. Differentiable wrt x and every weight.
 */
export function projectedSelfAttention(
  x: Tensor,
  query: Projection,
  key: Projection,
  value: Projection,
  heads: number,
  scale: number,
  causal: boolean,
): Tensor {
  const parts = [query, key, value];
  const kernels = parts.map((p) => p.kernel);
  const biases = parts.map((p) => p.bias);
  if (x.rank !== 3 || !nativeHas(QKV_KERNELS.attentionQkv) || !squareProjections(x, kernels, biases, heads)) {
    return multiHeadAttention(...(parts.map((p) => linear(x, p.kernel, p.bias)) as [Tensor, Tensor, Tensor]), heads, scale, causal);
  }
  return tf.tidy(() => {
    const inputs: Record<string, Tensor> = { x };
    parts.forEach((p, i) => {
      inputs[`w${i}`] = p.kernel;
      inputs[`b${i}`] = p.bias;
    });
    // Differentiable through the kernels' registered gradients (runtime/native/qkv.ts).
    const qkv = tf.engine().runKernel(QKV_KERNELS.linearParts, inputs, { parts: 3, biases: true }) as Tensor;
    const [out] = tf.engine().runKernel(QKV_KERNELS.attentionQkv, { qkv }, { heads, scale, causal }) as Tensor[] as [Tensor, Tensor];
    return out;
  });
}

/** One layer's KV cache: keys and values [B, tokens, d], heads interleaved as the projections write them. */
export interface KeyValueCache {
  k: Tensor;
  v: Tensor;
}

/**
 * A KV-cached step of causal self-attention without biases: h [B·T, d] (batch-major rows, T new
 * positions per sequence) projected by wq, wk, wv [d, d]; the cache grows by the new K and V and
 * the new queries attend over all of it (query i sees the cached positions and new ones ≤ i).
 * Returns the heads [B·T, d] (before the output projection) and the grown cache (new tensors;
 * the caller keeps or disposes them and the old cache). On native one projection kernel and one
 * kernel appending to the cache and attending; elsewhere 2-D matMuls, concat and
 * {@link multiHeadAttention}. Forward only.
 */
export function cachedSelfAttention(
  h: Tensor,
  wq: Tensor,
  wk: Tensor,
  wv: Tensor,
  batch: number,
  heads: number,
  scale: number,
  cache: KeyValueCache | undefined,
): { out: Tensor; cache: KeyValueCache } {
  const [rows, d] = h.shape as [number, number];
  const tokens = rows / batch;
  if (h.rank === 2 && nativeHas(QKV_KERNELS.attentionCached) && squareProjections(h, [wq, wk, wv], [], heads)) {
    const qkv = tf.engine().runKernel(QKV_KERNELS.linearParts, { x: h, w0: wq, w1: wk, w2: wv }, { parts: 3, biases: false }) as Tensor;
    const inputs: Record<string, Tensor> = cache ? { qkv, kPast: cache.k, vPast: cache.v } : { qkv };
    const [out, k, v] = tf.engine().runKernel(QKV_KERNELS.attentionCached, inputs, { batch, heads, scale }) as Tensor[] as [Tensor, Tensor, Tensor];
    qkv.dispose();
    return { out, cache: { k, v } };
  }
  return tf.tidy(() => {
    const byPosition = (t: Tensor): Tensor => tf.reshape(t, [batch, tokens, d]);
    const q = byPosition(tf.matMul(h as tf.Tensor2D, wq as tf.Tensor2D));
    let k = byPosition(tf.matMul(h as tf.Tensor2D, wk as tf.Tensor2D));
    let v = byPosition(tf.matMul(h as tf.Tensor2D, wv as tf.Tensor2D));
    if (cache) {
      k = tf.concat([cache.k, k], 1);
      v = tf.concat([cache.v, v], 1);
    }
    const out = tf.reshape(multiHeadAttention(q, k, v, heads, scale, true), [rows, d]);
    return { out, cache: { k, v } };
  });
}
