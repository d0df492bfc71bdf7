/**
 * Scaled dot-product attention, optionally causal, as one fused native kernel each way on the
 * `native` backend (runtime/native/fused.ts: two GEMMs, mask and softmax per batch·head slice)
 * and as tfjs's ops elsewhere (matMul, scale, additive −1e9 mask, softmax, matMul — what the zoo
 * transformer wrote). Causal: query i of Tq sees keys j ≤ (Tk − Tq) + i, so the same op serves
 * training (Tq = Tk) and KV-cached decoding (Tq new positions after Tk − Tq cached ones).
 */
import { tf, type Tensor } from './tf.ts';
import { FUSED_KERNELS } from './native/fused.ts';
import { NATIVE_BACKEND } from './native/backend.ts';

/** [Tq, Tk] additive mask: 0 where key j ≤ (Tk − Tq) + query i, −1e9 elsewhere (built on the host: one upload). */
export function causalMaskFor(queries: number, keys: number): Tensor {
  const values = new Float32Array(queries * keys);
  const past = keys - queries;
  for (let q = 0; q < queries; q++) for (let k = past + q + 1; k < keys; k++) values[q * keys + k] = -1e9;
  return tf.tensor2d(values, [queries, keys]);
}

function attentionOps(q: Tensor, k: Tensor, v: Tensor, scale: number, causal: boolean): Tensor {
  return tf.tidy(() => {
    const scores = tf.mul(tf.matMul(q as tf.Tensor4D, k as tf.Tensor4D, false, true), scale);
    const tq = q.shape[q.rank - 2] as number;
    const tk = k.shape[k.rank - 2] as number;
    // Future positions get −1e9 before the softmax, so their weight underflows to exactly 0.
    const masked = causal && tq > 1 ? tf.add(scores, causalMaskFor(tq, tk)) : scores;
    return tf.matMul(tf.softmax(masked) as tf.Tensor4D, v as tf.Tensor4D);
  });
}

/** What the applicability check reads of a tensor. */
type Shaped = Pick<Tensor, 'rank' | 'shape' | 'dtype' | 'size'>;

function nativeApplies(q: Shaped, k: Shaped, v: Shaped): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || !tf.getKernel(FUSED_KERNELS.attention, NATIVE_BACKEND)) return false;
  const rank = q.rank;
  const sameLead = (t: Shaped): boolean => t.rank === rank && t.shape.slice(0, -2).every((d, i) => d === q.shape[i]);
  return (
    rank >= 3 &&
    [q, k, v].every((t) => t.dtype === 'float32' && t.size > 0) &&
    sameLead(k) &&
    sameLead(v) &&
    k.shape[rank - 1] === q.shape[rank - 1] &&
    v.shape[rank - 1] === q.shape[rank - 1] &&
    k.shape[rank - 2] === v.shape[rank - 2] &&
    (q.shape[rank - 2] as number) <= (k.shape[rank - 2] as number)
  );
}

/** The native attention kernel as a differentiable op: one kernel forward, one backward (dQ, dK, dV from the saved probabilities). */
function fusedAttention(q: Tensor, k: Tensor, v: Tensor, attrs: { scale: number; causal: boolean; heads?: number }): Tensor {
  const fused = tf.customGrad((qIn, kIn, vIn, save) => {
    const inputs = { q: qIn as Tensor, k: kIn as Tensor, v: vIn as Tensor };
    const [out, probs] = tf.engine().runKernel(FUSED_KERNELS.attention, inputs, attrs) as Tensor[] as [Tensor, Tensor];
    (save as tf.GradSaveFunc)([inputs.q, inputs.k, inputs.v, probs]);
    return {
      value: out,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sq, sk, sv, sProbs] = saved as [Tensor, Tensor, Tensor, Tensor];
        return tf.engine().runKernel(FUSED_KERNELS.attentionGrad, { q: sq, k: sk, v: sv, probs: sProbs, dy }, attrs) as Tensor[];
      },
    };
  });
  return fused(q, k, v);
}

/**
 * softmax(scale·Q·Kᵀ [causal-masked])·V for q [..., Tq, D], k and v [..., Tk, D] (same leading
 * dims, Tq ≤ Tk). Differentiable wrt q, k and v.
 */
export function attention(q: Tensor, k: Tensor, v: Tensor, scale: number, causal: boolean): Tensor {
  if (!nativeApplies(q, k, v)) return attentionOps(q, k, v, scale, causal);
  return fusedAttention(q, k, v, { scale, causal });
}

/** [B, T, heads·D] → [B, heads, T, D] */
function splitHeads(x: Tensor, heads: number): Tensor {
  const [batch, length, width] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [batch, length, heads, width / heads]), [0, 2, 1, 3]);
}

/**
 * Multi-head attention on the projections' own layout: q [B, Tq, heads·D], k and v [B, Tk, heads·D]
 * → [B, Tq, heads·D], head h reading columns h·D…(h+1)·D. On native one kernel each way with no
 * head-splitting transposes (the GEMMs stride over the interleaved heads); elsewhere the split
 * (reshape + transpose), {@link attention}, and the merge. Differentiable wrt q, k and v.
 */
export function multiHeadAttention(q: Tensor, k: Tensor, v: Tensor, heads: number, scale: number, causal: boolean): Tensor {
  const rank3 = [q, k, v].every((t) => t.rank === 3 && t.shape[2] === q.shape[2] && t.shape[0] === q.shape[0]) && (q.shape[2] as number) % heads === 0;
  const [batch, tq, width] = q.shape as [number, number, number];
  if (!rank3 || !nativeApplies(splitShape(q, heads), splitShape(k, heads), splitShape(v, heads))) {
    return tf.tidy(() => {
      const mixed = attention(splitHeads(q, heads), splitHeads(k, heads), splitHeads(v, heads), scale, causal);
      return tf.reshape(tf.transpose(mixed, [0, 2, 1, 3]), [batch, tq, width]);
    });
  }
  return fusedAttention(q, k, v, { scale, causal, heads });
}

/** The shape x would have split into heads, for the applicability check. */
function splitShape(x: Tensor, heads: number): Shaped {
  const [batch, length, width] = x.shape as [number, number, number];
  return { rank: 4, shape: [batch, heads, length, width / heads], dtype: x.dtype, size: x.size };
}
