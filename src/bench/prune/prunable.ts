/**
 * Which weights of a tf.LayersModel are pruned, and applying masks to them.
 *
 * TF Model Optimization's registry prunes kernels only: the `kernel` of Dense and of the
 * ordinary convolutions (here also the projection kernels of custom attention layers). Biases, BatchNorm parameters and depthwise kernels are left dense
 * (they are few, and pruning them costs accuracy for no compute). Structured pruning adds
 * masks on biases and BatchNorm gamma/beta of removed units (see structured.ts), so masks
 * are kept per variable, not per layer.
 */
import { tf } from '../../runtime/tf.ts';
import type { LayersModel } from '../../runtime/tf.ts';
import { countZeros, type Mask } from './masks.ts';

type LayerVariable = tf.LayerVariable;

/** Layer classes never pruned (depthwise kernels are tiny and TFMOT leaves them dense). */
const NEVER_PRUNED: ReadonlySet<string> = new Set(['DepthwiseConv2D', 'SeparableConv2D', 'BatchNormalization', 'LayerNormalization', 'Embedding']);

/**
 * A kernel is a weight named `kernel` (Dense, Conv*) or `<x>_kernel` (the zoo's attention
 * projections `query_kernel`...): the matrices of linear maps, as TFMOT's registry prunes.
 */
function isKernelName(name: string): boolean {
  return name === 'kernel' || (name.endsWith('_kernel') && !name.startsWith('depthwise') && !name.startsWith('recurrent'));
}

/** One prunable weight tensor of a model. */
export interface PrunableWeight {
  layerName: string;
  layerClass: string;
  /** Weight name inside the layer, e.g. "kernel". */
  weightName: string;
  variable: LayerVariable;
  shape: number[];
  size: number;
}

/** A mask bound to the variable it zeroes. */
export interface BoundMask {
  variable: LayerVariable;
  mask: Mask;
}

function weightName(variable: LayerVariable): string {
  const parts = variable.originalName.split('/');
  return parts[parts.length - 1] ?? variable.originalName;
}

/** The kernels that pruning targets, in model layer order. */
export function prunableWeights(model: LayersModel): PrunableWeight[] {
  const found: PrunableWeight[] = [];
  for (const layer of model.layers) {
    const layerClass = layer.getClassName();
    if (NEVER_PRUNED.has(layerClass)) continue;
    for (const variable of layer.trainableWeights) {
      const name = weightName(variable);
      if (!isKernelName(name)) continue;
      const shape = [...variable.shape] as number[];
      found.push({ layerName: layer.name, layerClass, weightName: name, variable, shape, size: shape.reduce((a, b) => a * b, 1) });
    }
  }
  return found;
}

/** Current values of a variable as a flat Float32Array copy. */
export function readValues(variable: LayerVariable): Float32Array {
  return variable.read().dataSync() as Float32Array;
}

/** Multiply each variable by its mask in place (weights at mask 0 become exactly 0). */
export function applyMasks(masks: readonly BoundMask[]): void {
  tf.tidy(() => {
    for (const { variable, mask } of masks) {
      const current = variable.read();
      // + 0 turns the -0 of (negative weight × 0) into +0, so pruned entries are plain zeros.
      variable.write(tf.add(tf.mul(current, tf.tensor(mask, current.shape, 'float32')), 0));
    }
  });
}

/** Per-tensor sparsity actually present in a model's prunable kernels. */
export interface LayerSparsity {
  layerName: string;
  weightName: string;
  size: number;
  zeros: number;
  /** zeros / size: fraction of weights that are exactly zero. */
  realisedSparsity: number;
}

/** Count exact zeros in every prunable kernel (a measurement on the live weights). */
export function measureSparsity(model: LayersModel): { layers: LayerSparsity[]; size: number; zeros: number; realisedSparsity: number } {
  const layers = prunableWeights(model).map((w): LayerSparsity => {
    const zeros = countZeros(readValues(w.variable));
    return { layerName: w.layerName, weightName: w.weightName, size: w.size, zeros, realisedSparsity: zeros / w.size };
  });
  const size = layers.reduce((n, l) => n + l.size, 0);
  const zeros = layers.reduce((n, l) => n + l.zeros, 0);
  return { layers, size, zeros, realisedSparsity: size > 0 ? zeros / size : 0 };
}
