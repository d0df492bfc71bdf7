/**
 * A real KV-cached autoregressive decoder in TensorFlow.js, for measuring serving speed on
 * this machine. Pre-norm GPT blocks (RMSNorm, multi-head attention, ReLU MLP: the same FLOPs and bytes as GELU), tied
 * embeddings, random weights from a seed (time and bytes moved do not depend on the values).
 * Prefill runs the prompt with a causal mask and returns each layer's K and V; every decode
 * step appends one position to the cache and attends to every cached key.
 */
import { tf, cachedSelfAttention, rmsNorm as fusedRmsNorm } from '../../runtime/index.ts';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs';

/** The shape of the measured decoder (GPT-style, K/V heads = heads). */
export interface DecoderShape {
  layers: number;
  hidden: number;
  heads: number;
  ffn: number;
  vocab: number;
}

interface Block {
  wq: Tensor2D;
  wk: Tensor2D;
  wv: Tensor2D;
  wo: Tensor2D;
  w1: Tensor2D;
  w2: Tensor2D;
}

export interface Decoder {
  shape: DecoderShape;
  embed: Tensor2D;
  blocks: Block[];
}

/**
 * One layer's cached keys and values, [batch, tokens, hidden] with the heads interleaved (head h
 * in columns h·headDim…(h+1)·headDim, the projections' own layout: no per-step head transposes).
 */
export interface LayerCache {
  k: Tensor3D;
  v: Tensor3D;
}

/** Random weights (normal, std 0.02 as GPT-2's initialisation) from `seed`. */
export function createDecoder(shape: DecoderShape, seed = 1): Decoder {
  let s = seed;
  const w = (rows: number, cols: number): Tensor2D => tf.randomNormal([rows, cols], 0, 0.02, 'float32', s++) as Tensor2D;
  const blocks = Array.from({ length: shape.layers }, () => ({
    wq: w(shape.hidden, shape.hidden),
    wk: w(shape.hidden, shape.hidden),
    wv: w(shape.hidden, shape.hidden),
    wo: w(shape.hidden, shape.hidden),
    w1: w(shape.hidden, shape.ffn),
    w2: w(shape.ffn, shape.hidden),
  }));
  return { shape, embed: w(shape.vocab, shape.hidden), blocks };
}

export function disposeDecoder(d: Decoder): void {
  d.embed.dispose();
  for (const b of d.blocks) for (const t of Object.values(b)) t.dispose();
}

export function disposeCache(cache: LayerCache[]): void {
  for (const c of cache) {
    c.k.dispose();
    c.v.dispose();
  }
}

function rmsNorm(x: Tensor): Tensor {
  return fusedRmsNorm(x, 1e-5); // one native kernel on `native`, the broadcasting ops elsewhere
}

/**
 * Run `tokens` new positions ([batch, T] ids) after `cache` (empty for prefill). Returns the
 * last position's logits [batch, vocab] and the grown cache; the caller disposes the old cache.
 */
export function forward(d: Decoder, tokens: number[][], cache: LayerCache[] | undefined): { logits: Tensor2D; cache: LayerCache[] } {
  const s = d.shape;
  const batch = tokens.length;
  const T = tokens[0]?.length ?? 0;
  const newCache: LayerCache[] = [];
  const logits = tf.tidy(() => {
    const ids = tf.tensor2d(tokens, [batch, T], 'int32');
    let x = tf.reshape(tf.gather(d.embed, tf.reshape(ids, [-1])), [batch * T, s.hidden]);
    for (const [i, b] of d.blocks.entries()) {
      // Q, K, V, the cache grown by the new K and V, and causal attention over it (new position i
      // sees the cached positions and new positions ≤ i). On the native backend one projection
      // kernel into one QKV buffer and one kernel appending to the cache and attending.
      const { out: merged, cache: grown } = cachedSelfAttention(rmsNorm(x), b.wq, b.wk, b.wv, batch, s.heads, 1 / Math.sqrt(s.hidden / s.heads), cache?.[i]);
      newCache.push({ k: tf.keep(grown.k) as Tensor3D, v: tf.keep(grown.v) as Tensor3D });
      x = tf.add(x, tf.matMul(merged, b.wo));
      x = tf.add(x, tf.matMul(tf.relu(tf.matMul(rmsNorm(x), b.w1)), b.w2));
    }
    const last = tf.reshape(tf.slice(tf.reshape(rmsNorm(x), [batch, T, s.hidden]), [0, T - 1, 0], [batch, 1, s.hidden]), [batch, s.hidden]);
    return tf.matMul(last, d.embed, false, true) as Tensor2D;
  });
  return { logits, cache: newCache };
}
