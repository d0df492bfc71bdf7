/**
 * Gradient checkpointing of any layer chain cut into segments, predicted from per-layer costs
 * (Chen, Xu, Zhang & Guestrin 2016, "Training Deep Nets with Sublinear Memory Cost",
 * arXiv:1604.06174, §3): each segment but the last keeps only its input during the forward pass
 * and re-runs its own forward during backward; the last segment runs on the tape as usual, so
 * its forward is not repeated. Pure: rows in, ratios out. The transformer has its own closed
 * form (transformer.ts, recompute=full); this covers the CNN, the MLP and any other chain.
 */

/** The figures of one layer the prediction needs (a LayerCost, or matmul-only FLOP rows). */
export interface RecomputeLayer {
  name: string;
  forwardFlops: number;
  backwardFlops: number;
  /** Bytes the layer's output occupies (kept for backward without checkpointing). */
  activationBytes: number;
}

/** Checkpointed ÷ plain, per step. */
export interface RecomputePrediction {
  /** (forward + backward + the re-run forward of every segment but the last) ÷ (forward + backward). */
  stepFlopsRatio: number;
  /**
   * Peak activation bytes held for backward: plain keeps every layer's output; checkpointed keeps
   * each recomputed segment's output (the next segment's input) plus, at worst, one segment's
   * inner activations at a time (the last segment's all, or a recomputed segment's own layers but
   * its output during its backward).
   */
  activationBytesRatio: number;
}

/**
 * Predict checkpointing of `layers` cut into `segments` (layer names in order; layers in no
 * segment run outside checkpointing, e.g. an input layer). The first segment's input (the batch)
 * is held either way and counted in neither.
 */
export function predictSegmentRecompute(layers: readonly RecomputeLayer[], segments: readonly (readonly string[])[]): RecomputePrediction {
  const byName = new Map(layers.map((l) => [l.name, l]));
  const rows = segments.map((names) =>
    names.map((n) => {
      const l = byName.get(n);
      if (!l) throw new RangeError(`checkpoint segment names layer "${n}", which the model does not have`);
      return l;
    }),
  );
  const sum = (xs: readonly RecomputeLayer[], f: (l: RecomputeLayer) => number): number => xs.reduce((s, l) => s + f(l), 0);
  const plainFlops = sum(layers, (l) => l.forwardFlops + l.backwardFlops);
  const recomputed = rows.slice(0, -1).reduce((s, seg) => s + sum(seg, (l) => l.forwardFlops), 0);
  const plainBytes = sum(layers, (l) => l.activationBytes);
  // Each segment after the first starts from the previous segment's output: that is what is kept.
  const kept = rows.slice(0, -1).reduce((s, seg) => s + (seg.at(-1)?.activationBytes ?? 0), 0);
  // A recomputed segment's own output is the next one's kept input (counted there): only its
  // inner activations come back during its backward; the last segment holds all of its own.
  const largestSegment = Math.max(
    0,
    ...rows.map((seg, i) => sum(seg, (l) => l.activationBytes) - (i < rows.length - 1 ? (seg.at(-1)?.activationBytes ?? 0) : 0)),
  );
  const outside = sum(
    layers.filter((l) => !rows.some((seg) => seg.includes(l))),
    (l) => l.activationBytes,
  );
  return {
    stepFlopsRatio: (plainFlops + recomputed) / plainFlops,
    activationBytesRatio: (kept + largestSegment + outside) / plainBytes,
  };
}
