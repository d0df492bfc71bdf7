/**
 * bench/flops/: FLOPs counted two ways that must agree — analytic per layer of a tf.LayersModel
 * and traced from the kernels a profiled training step ran. A sub-layer index, so placement/ can
 * count a model's FLOPs without importing the training harness (bench/index.ts).
 */
export { countFlops, accumulatedStepFlops, type FlopCount, type LayerFlops, type FlopTotals, type CountFlopsOptions } from './analytic.ts';
export { traceFlops, type TracedFlops } from './traced.ts';
