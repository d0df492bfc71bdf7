/**
 * Analytic FLOP count of a tf.LayersModel, layer by layer, from its shapes and weights (the
 * formulas are in layer-formulas.ts). Independent of any backend: it reads the model's
 * structure, never runs it. traced.ts counts the same thing from the kernels that execute,
 * and the two must agree on matmul/conv FLOPs.
 */
import type { LayersModel } from '../../runtime/tf.ts';
import { UsageError } from '../../errors.ts';
import { layerCost, sizeOf, type LayerGeometry } from './layer-formulas.ts';

/** One layer's figures at the requested batch size. FLOPs, parameters and elements are counts. */
export interface LayerFlops {
  name: string;
  className: string;
  outputShape: number[];
  params: number;
  nonZeroParams: number;
  forwardFlops: number;
  backwardFlops: number;
  /** Forward FLOPs with matmul/conv counted over non-zero weights only. */
  effectiveForwardFlops: number;
  /** Elements of the layer's output (the activation memory it adds, in floats). */
  activationElements: number;
  /** Matmul/conv part of forwardFlops (exact; the rest is an assumed per-element convention). */
  matmulForwardFlops: number;
  /** Matmul/conv part of backwardFlops. */
  matmulBackwardFlops: number;
  /** Whether the gradient with respect to the layer's input is counted (see CountFlopsOptions.inputGradients). */
  computesInputGrad: boolean;
}

/** Whole-model totals at the requested batch size. */
export interface FlopTotals {
  forwardFlops: number;
  backwardFlops: number;
  /** Optimizer update FLOPs: trainableParams × per-parameter cost of the optimizer (assumed, see OPTIMIZER_FLOPS_PER_PARAM). */
  optimizerFlops: number;
  /** forward + backward + optimizer: one training step on one batch of `batchSize`. */
  trainStepFlops: number;
  matmulForwardFlops: number;
  /** Matmul/conv FLOPs of one training step (forward + backward): what traced counting must match. */
  matmulTrainStepFlops: number;
  params: number;
  trainableParams: number;
  nonZeroParams: number;
  effectiveForwardFlops: number;
}

export interface FlopCount {
  batchSize: number;
  layers: LayerFlops[];
  totals: FlopTotals;
}

/**
 * FLOPs per trainable parameter of one optimizer update (assumed: counted from the update
 * rules as tfjs implements them). Adam: two moment updates (7), bias-corrected step (5), apply (1).
 */
export const OPTIMIZER_FLOPS_PER_PARAM: Record<string, number> = { sgd: 2, momentum: 4, adam: 13, rmsprop: 8 };

type Shape = Array<number | null>;

interface LayerLike {
  name: string;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  outputShape: Shape | Shape[];
  inboundNodes: Array<{ inboundLayers: LayerLike[]; inputShapes: Shape | Shape[] }>;
  weights: Array<{ originalName: string; shape: Shape; trainable: boolean; read(): { dataSync(): ArrayLike<number> } }>;
  countParams(): number;
}

function fill(shape: Shape, batchSize: number): number[] {
  return shape.map((d) => (d === null ? batchSize : d));
}

function shapesOf(shapes: Shape | Shape[]): Shape[] {
  return Array.isArray(shapes[0]) || shapes.length === 0 ? (shapes as Shape[]) : [shapes as Shape];
}

function countNonZero(values: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) n++;
  return n;
}

function geometry(layer: LayerLike, batchSize: number): LayerGeometry {
  const node = layer.inboundNodes[0];
  const weights = new Map<string, { shape: number[]; size: number; nonZero: number }>();
  for (const w of layer.weights) {
    const shape = w.shape as number[];
    weights.set(w.originalName.split('/').pop() as string, { shape, size: sizeOf(shape), nonZero: countNonZero(w.read().dataSync()) });
  }
  const outputs = shapesOf(layer.outputShape);
  return {
    name: layer.name,
    className: layer.getClassName(),
    config: layer.getConfig(),
    inputShapes: node ? shapesOf(node.inputShapes).map((s) => fill(s, batchSize)) : [],
    outputShape: fill(outputs[0] ?? [], batchSize),
    weights,
  };
}

/**
 * Whether tfjs computes a layer's input gradient even when nothing upstream needs it. Dense
 * and Conv2D with a linear activation run, while training, as tfjs-core's fused matMul/conv2d
 * (`shouldFuse` in ops/fused_util: fused when not recording gradients or when the activation
 * is linear), whose `customGrad` returns the gradients of every input. So a first conv
 * followed by batch norm pays for a dX nobody uses; a first Dense with ReLU does not.
 */
function tfjsComputesInputGradAnyway(layer: LayerLike): boolean {
  const className = layer.getClassName();
  if (className !== 'Dense' && className !== 'Conv2D') return false;
  return String(layer.getConfig().activation ?? 'linear') === 'linear';
}

/** Options of countFlops. */
export interface CountFlopsOptions {
  /** Samples per batch (> 0). */
  batchSize: number;
  /** Prices the update: a key of OPTIMIZER_FLOPS_PER_PARAM (default adam). */
  optimizer?: string;
  /**
   * 'tfjs' (default) counts the input gradients tfjs really computes (see
   * tfjsComputesInputGradAnyway); 'minimal' skips every input gradient nothing upstream needs.
   */
  inputGradients?: 'tfjs' | 'minimal';
}

/**
 * Count FLOPs of `model` for one batch of `batchSize`. Throws UnsupportedError naming the
 * first layer whose class has no formula.
 */
export function countFlops(model: LayersModel, options: CountFlopsOptions): FlopCount {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new UsageError('batchSize', `must be a positive integer (got ${batchSize})`);
  const optimizer = (options.optimizer ?? 'adam').toLowerCase();
  const perParam = OPTIMIZER_FLOPS_PER_PARAM[optimizer];
  if (perParam === undefined) throw new UsageError('optimizer', `unknown optimizer "${optimizer}"`, Object.keys(OPTIMIZER_FLOPS_PER_PARAM).join(', '));

  // model.layers is topologically sorted: a layer computes dX iff something upstream has trainable weights.
  const trainsUpstream = new Map<string, boolean>();
  const layers: LayerFlops[] = [];
  let trainableParams = 0;
  for (const layer of model.layers as unknown as LayerLike[]) {
    const inbound = layer.inboundNodes[0]?.inboundLayers ?? [];
    const upstreamTrains = inbound.some((l) => trainsUpstream.get(l.name) === true);
    const computesInputGrad = upstreamTrains || (options.inputGradients !== 'minimal' && tfjsComputesInputGradAnyway(layer));
    const trainable = layer.weights.filter((w) => w.trainable);
    trainsUpstream.set(layer.name, upstreamTrains || trainable.length > 0);
    trainableParams += trainable.reduce((n, w) => n + sizeOf(w.shape as number[]), 0);

    const g = geometry(layer, batchSize);
    const cost = layerCost(g);
    const matmulBackward = (computesInputGrad ? cost.inputGradMatmul : 0) + cost.weightGradMatmul;
    layers.push({
      name: g.name,
      className: g.className,
      outputShape: g.outputShape,
      params: layer.countParams(),
      nonZeroParams: [...g.weights.values()].reduce((n, w) => n + w.nonZero, 0),
      forwardFlops: cost.matmulForward + cost.otherForward,
      backwardFlops: matmulBackward + cost.otherBackward,
      effectiveForwardFlops: cost.effectiveMatmulForward + cost.otherForward,
      activationElements: sizeOf(g.outputShape),
      matmulForwardFlops: cost.matmulForward,
      matmulBackwardFlops: matmulBackward,
      computesInputGrad,
    });
  }
  const sum = (key: keyof LayerFlops): number => layers.reduce((n, l) => n + (l[key] as number), 0);
  const forwardFlops = sum('forwardFlops');
  const backwardFlops = sum('backwardFlops');
  const optimizerFlops = perParam * trainableParams;
  return {
    batchSize,
    layers,
    totals: {
      forwardFlops,
      backwardFlops,
      optimizerFlops,
      trainStepFlops: forwardFlops + backwardFlops + optimizerFlops,
      matmulForwardFlops: sum('matmulForwardFlops'),
      matmulTrainStepFlops: sum('matmulForwardFlops') + sum('matmulBackwardFlops'),
      params: sum('params'),
      trainableParams,
      nonZeroParams: sum('nonZeroParams'),
      effectiveForwardFlops: sum('effectiveForwardFlops'),
    },
  };
}

/**
 * FLOPs of one optimizer step made of `accumulationSteps` micro-batches, from a count at the
 * micro-batch size: k × (forward + backward) + (k − 1) × trainableParams accumulation adds + the update.
 */
export function accumulatedStepFlops(count: FlopCount, accumulationSteps: number): { total: number; matmul: number } {
  const t = count.totals;
  const k = accumulationSteps;
  return { total: k * (t.forwardFlops + t.backwardFlops) + (k - 1) * t.trainableParams + t.optimizerFlops, matmul: k * t.matmulTrainStepFlops };
}
