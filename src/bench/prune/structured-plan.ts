/**
 * Structured pruning, part 1: find the prunable units of a chain model and mask them.
 *
 * A *producer* is a Dense or Conv1D/Conv2D layer; its units are output neurons / filters.
 * Every producer but the last (the model output) can lose units, ranked by the L1 norm of
 * their kernel slice (Li et al. 2017, "Pruning Filters for Efficient ConvNets"); each keeps
 * k = max(round(n·(1 − s)), 1) units. A removed unit is masked everywhere it shows: its
 * kernel slice, its bias, the gamma/beta of BatchNorm layers after it, and the input rows of
 * the next producer (through a Flatten: every spatial position of that channel). Its output
 * is then exactly 0 (activations between producers must map 0 to 0), so a model rebuilt
 * without those units (structured.ts) computes the same function.
 */
import { tf } from '../../runtime/tf.ts';
import type { LayersModel } from '../../runtime/tf.ts';
import { UnsupportedError } from '../../errors.ts';
import { keepCount, topKIndices } from './masks.ts';
import { readValues, type BoundMask } from './prunable.ts';
import type { MaskPolicy } from './pruner.ts';

type Layer = LayersModel['layers'][number];
type LayerVariable = tf.LayerVariable;

const PRODUCERS = new Set(['Dense', 'Conv1D', 'Conv2D']);
/** Layers that act on each channel separately and map an all-zero channel to zeros. */
const PASS_THROUGH = new Set([
  'BatchNormalization',
  'Activation',
  'ReLU',
  'LeakyReLU',
  'ELU',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'MaxPooling1D',
  'MaxPooling2D',
  'AveragePooling1D',
  'AveragePooling2D',
  'GlobalAveragePooling1D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling1D',
  'GlobalMaxPooling2D',
  'ZeroPadding2D',
  'Flatten',
]);
/** Activations with f(0) = 0: a removed unit then outputs exactly zero. */
const ZERO_PRESERVING = new Set(['linear', 'relu', 'relu6', 'elu', 'selu', 'tanh', 'swish', 'gelu', 'gelu_new', 'mish']);

/** One prunable-or-output layer of the chain and what its units touch. */
export interface Producer {
  layer: Layer;
  /** Output units (Dense units or conv filters). */
  units: number;
  /** False for the last producer: the model's outputs are never removed. */
  prunable: boolean;
  /** Index of the producer feeding this one, or -1 for the model input. */
  sourceIndex: number;
  /** Spatial positions folded into each input channel by a Flatten in between (1 if none). */
  inputSpatial: number;
  /** Input width of the kernel (second-to-last kernel axis). */
  inputWidth: number;
  /** BatchNormalization layers between this producer and the next (their params follow its units). */
  batchNorms: Layer[];
}

/** The chain view of a model: producers in order. */
export interface StructuredPlan {
  producers: Producer[];
}

function activationOf(layer: Layer): string | undefined {
  const config = layer.getConfig() as { activation?: unknown };
  return typeof config.activation === 'string' ? config.activation : undefined;
}

function variableNamed(layer: Layer, name: string): LayerVariable | undefined {
  return layer.weights.find((w) => w.originalName.split('/').pop() === name);
}

/** Walk a linear chain (Sequential, or a functional model without branches) into producers. */
export function planStructured(model: LayersModel): StructuredPlan {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const producers: Producer[] = [];
  let spatial = 1;
  let previous: Layer | undefined;
  const nonZeroActivations: Array<{ layer: Layer; activation: string; producersBefore: number }> = [];
  for (const layer of layers) {
    const cls = layer.getClassName();
    const inbound = layer.inboundNodes.flatMap((n) => n.inboundLayers).filter((l) => l.getClassName() !== 'InputLayer');
    if (layer.inboundNodes.length !== 1 || inbound.length > 1 || (previous && inbound[0] !== previous)) {
      throw new UnsupportedError(
        `structured pruning needs a chain model; layer "${layer.name}" (${cls}) branches or merges. Use --mode unstructured or random.`,
      );
    }
    previous = layer;
    const activation = activationOf(layer);
    if (activation !== undefined && !ZERO_PRESERVING.has(activation))
      nonZeroActivations.push({ layer, activation, producersBefore: producers.length + (PRODUCERS.has(cls) ? 1 : 0) });
    if (PRODUCERS.has(cls)) {
      const kernel = variableNamed(layer, 'kernel');
      if (!kernel) throw new UnsupportedError(`structured pruning: layer "${layer.name}" has no kernel`);
      const shape = kernel.shape as number[];
      producers.push({
        layer,
        units: shape[shape.length - 1] as number,
        prunable: true,
        sourceIndex: producers.length - 1,
        inputSpatial: spatial,
        inputWidth: shape[shape.length - 2] as number,
        batchNorms: [],
      });
      spatial = 1;
    } else if (PASS_THROUGH.has(cls)) {
      if (cls === 'Flatten') {
        const shape = (layer.input as { shape: Array<number | null> }).shape;
        spatial *= shape.slice(1, -1).reduce<number>((a, b) => a * (b ?? 1), 1);
      }
      if (cls === 'BatchNormalization') {
        const axis = (layer.getConfig() as { axis?: number }).axis;
        if (axis !== -1 && axis !== (layer.input as { shape: unknown[] }).shape.length - 1) {
          throw new UnsupportedError(`structured pruning: BatchNormalization "${layer.name}" normalises axis ${axis}, not the channel axis`);
        }
        producers[producers.length - 1]?.batchNorms.push(layer);
      }
    } else {
      throw new UnsupportedError(
        `structured pruning does not support layer "${layer.name}" (${cls}); supported: ${[...PRODUCERS, ...PASS_THROUGH].join(', ')}`,
      );
    }
  }
  const last = producers[producers.length - 1];
  if (!last) throw new UnsupportedError('structured pruning: the model has no Dense or Conv layer');
  last.prunable = false;
  // An activation with f(0) ≠ 0 only matters where removed units still feed a later producer.
  const offending = nonZeroActivations.find((a) => a.producersBefore < producers.length);
  if (offending) {
    throw new UnsupportedError(
      `structured pruning: layer "${offending.layer.name}" uses activation "${offending.activation}", which maps 0 to a non-zero value ` +
        `(allowed before the output layer: ${[...ZERO_PRESERVING].join(', ')})`,
    );
  }
  return { producers };
}

/** L1 norm of each output unit's kernel slice (sum of |w| over all inputs and kernel positions). */
export function unitL1Norms(kernel: ArrayLike<number>, units: number): Float64Array {
  const norms = new Float64Array(units);
  for (let i = 0; i < kernel.length; i++) norms[i % units]! += Math.abs(kernel[i] as number);
  return norms;
}

/** Units kept per producer (sorted ascending); the last producer keeps all. */
export function chooseUnits(plan: StructuredPlan, sparsity: number): number[][] {
  return plan.producers.map((p) => {
    const all = Array.from({ length: p.units }, (_, i) => i);
    if (!p.prunable) return all;
    const kernel = variableNamed(p.layer, 'kernel') as LayerVariable;
    const kept = topKIndices(unitL1Norms(readValues(kernel), p.units), keepCount(p.units, sparsity));
    return [...kept].sort((a, b) => a - b);
  });
}

/** Input-row indices a producer keeps: the source's kept channels, expanded over Flatten positions (channels last). */
export function keptInputs(plan: StructuredPlan, kept: readonly number[][], index: number): number[] {
  const p = plan.producers[index] as Producer;
  if (p.sourceIndex < 0) return Array.from({ length: p.inputWidth }, (_, i) => i);
  const channels = kept[p.sourceIndex] as number[];
  const width = (plan.producers[p.sourceIndex] as Producer).units;
  const rows: number[] = [];
  for (let position = 0; position < p.inputSpatial; position++) for (const c of channels) rows.push(position * width + c);
  return rows.sort((a, b) => a - b);
}

function vectorMask(length: number, keep: readonly number[]): Float32Array {
  const mask = new Float32Array(length);
  for (const i of keep) mask[i] = 1;
  return mask;
}

/** Masks for every variable touched by removing the non-kept units. */
export function structuredMasks(plan: StructuredPlan, kept: readonly number[][]): BoundMask[] {
  const masks: BoundMask[] = [];
  plan.producers.forEach((p, index) => {
    const units = kept[index] as number[];
    const outMask = vectorMask(p.units, units);
    const inMask = vectorMask(p.inputWidth, keptInputs(plan, kept, index));
    const kernel = variableNamed(p.layer, 'kernel') as LayerVariable;
    const size = (kernel.shape as number[]).reduce((a, b) => a * b, 1);
    const kernelMask = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const out = i % p.units;
      const row = Math.floor(i / p.units) % p.inputWidth;
      kernelMask[i] = (outMask[out] as number) * (inMask[row] as number);
    }
    masks.push({ variable: kernel, mask: kernelMask });
    if (!p.prunable) return;
    const bias = variableNamed(p.layer, 'bias');
    if (bias) masks.push({ variable: bias, mask: outMask });
    for (const bn of p.batchNorms) {
      for (const name of ['gamma', 'beta']) {
        const v = variableNamed(bn, name);
        if (v) masks.push({ variable: v, mask: outMask });
      }
    }
  });
  return masks;
}

/** A MaskPolicy removing whole units by L1 norm, layer-wise at the given sparsity. */
export function structuredPolicy(model: LayersModel): MaskPolicy & { plan: StructuredPlan; lastKept(): number[][] | undefined } {
  const plan = planStructured(model);
  let last: number[][] | undefined;
  return {
    plan,
    masksAt(sparsity: number) {
      last = chooseUnits(plan, sparsity);
      return structuredMasks(plan, last);
    },
    lastKept: () => last,
  };
}
