/**
 * Unstructured pruning policies: zero individual kernel weights, chosen by magnitude
 * (layer-wise or one global threshold) or at random (the baseline every pruning study
 * needs, Blalock et al. 2020). The model keeps its shape: dense kernels still multiply the
 * zeros, so this saves storage and *effective* FLOPs, not dense-kernel time.
 */
import type { LayersModel } from '../../runtime/tf.ts';
import type { Rng } from '../../util/rng.ts';
import { globalMasks, layerwiseMasks, magnitudeScores, randomScores } from './masks.ts';
import { prunableWeights, readValues, type BoundMask } from './prunable.ts';
import type { MaskPolicy } from './pruner.ts';

/** How weights are ranked: by |w| or by a fixed random score. */
export type UnstructuredCriterion = 'magnitude' | 'random';
/** One threshold per tensor (TFMOT) or one across all prunable tensors. */
export type ThresholdScope = 'layer' | 'global';

/** The scopes the CLI accepts. */
export const THRESHOLD_SCOPES: readonly ThresholdScope[] = ['layer', 'global'];

/**
 * A mask policy over the model's prunable kernels. Random scores are drawn once from
 * `rng` (forked per tensor), so masks at rising sparsity are nested.
 */
export function unstructuredPolicy(model: LayersModel, options: { criterion: UnstructuredCriterion; scope: ThresholdScope; rng?: Rng }): MaskPolicy {
  const weights = prunableWeights(model);
  let fixedScores: Float32Array[] | undefined;
  if (options.criterion === 'random') {
    const rng = options.rng;
    if (!rng) throw new Error('unstructuredPolicy: random pruning needs an rng');
    fixedScores = weights.map((w) => randomScores(w.size, rng.fork(`random-mask/${w.layerName}/${w.weightName}`)));
  }
  return {
    masksAt(sparsity: number): BoundMask[] {
      const scores = fixedScores ?? weights.map((w) => magnitudeScores(readValues(w.variable)));
      const masks = options.scope === 'global' ? globalMasks(scores, sparsity) : layerwiseMasks(scores, sparsity);
      return weights.map((w, i) => ({ variable: w.variable, mask: masks[i] as Float32Array }));
    },
  };
}
