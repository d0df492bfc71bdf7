/**
 * Pure mask arithmetic on flat weight arrays: how many weights to keep, which ones
 * (largest magnitude, or largest random score for the random baseline), per tensor or
 * with one threshold across tensors. No TensorFlow.js here; prunable.ts wires it to models.
 *
 * Convention (TF Model Optimization, `pruning_impl.py`): a tensor of n weights at sparsity
 * s keeps k = max(round(n·(1 − s)), 1) weights, round half to even as `tf.round` does,
 * computed in float32. TFMOT keeps every weight ≥ the k-th largest magnitude, so ties can
 * keep more than k; here ties are broken by position so exactly k survive and the realised
 * sparsity is the target to within one weight.
 */
import type { Rng } from '../../util/rng.ts';

/** A 0/1 mask, same length as the flat weight array it masks. */
export type Mask = Float32Array;

/** Round half to even (banker's rounding), as `tf.round` / numpy do. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Weights kept in a tensor of `n` weights at sparsity `s` (TFMOT: max(round(n·(1−s)), 1), float32 math). */
export function keepCount(n: number, sparsity: number): number {
  if (n <= 0) return 0;
  const kept = roundHalfEven(Math.fround(Math.fround(n) * Math.fround(1 - Math.fround(sparsity))));
  return Math.min(n, Math.max(1, kept));
}

/**
 * Indices of the `k` largest scores, ties broken by lower index first. Sorting is
 * O(n log n); fine for the zoo's tensors (≤ a few hundred thousand weights).
 */
export function topKIndices(scores: ArrayLike<number>, k: number): Uint32Array {
  const order = new Uint32Array(scores.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return order.subarray(0, Math.max(0, Math.min(k, order.length)));
}

/** A mask keeping exactly the `k` highest-scoring positions. */
export function topKMask(scores: ArrayLike<number>, k: number): Mask {
  const mask = new Float32Array(scores.length);
  for (const i of topKIndices(scores, k)) mask[i] = 1;
  return mask;
}

/** |w| per weight: the magnitude criterion's score. */
export function magnitudeScores(weights: ArrayLike<number>): Float32Array {
  const scores = new Float32Array(weights.length);
  for (let i = 0; i < weights.length; i++) scores[i] = Math.abs(weights[i] as number);
  return scores;
}

/**
 * One uniform score per weight, drawn once: keeping the top-k by these scores is random
 * pruning, and masks at rising sparsity are nested (a weight once pruned stays pruned),
 * as with magnitude pruning under a schedule.
 */
export function randomScores(n: number, rng: Rng): Float32Array {
  const scores = new Float32Array(n);
  for (let i = 0; i < n; i++) scores[i] = rng.next();
  return scores;
}

/** Layer-wise masks: every tensor pruned to `sparsity` on its own. */
export function layerwiseMasks(scores: readonly ArrayLike<number>[], sparsity: number): Mask[] {
  return scores.map((s) => topKMask(s, keepCount(s.length, sparsity)));
}

/**
 * Global masks: one threshold across all tensors, keeping k = max(round(N·(1 − s)), 1) of
 * all N weights. Per-tensor sparsity then varies (small or sensitive tensors may lose more or
 * less); the total is exact.
 */
export function globalMasks(scores: readonly ArrayLike<number>[], sparsity: number): Mask[] {
  const total = scores.reduce((n, s) => n + s.length, 0);
  const flat = new Float32Array(total);
  let offset = 0;
  for (const s of scores) {
    flat.set(s, offset);
    offset += s.length;
  }
  const flatMask = topKMask(flat, keepCount(total, sparsity));
  const masks: Mask[] = [];
  offset = 0;
  for (const s of scores) {
    masks.push(flatMask.slice(offset, offset + s.length));
    offset += s.length;
  }
  return masks;
}

/** Number of zero entries (exact zeros) in a flat array. */
export function countZeros(values: ArrayLike<number>): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}
