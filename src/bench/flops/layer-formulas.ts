/**
 * FLOP formulas per Keras layer class. Conventions:
 * 1 multiply-add = 2 FLOPs (PyTorch FlopCounterMode); the backward pass of a matmul/conv costs
 * its forward twice over, once for the input gradient (dX) and once for the weight gradient
 * (dW), and dX is skipped where nothing upstream is trainable. Matmul/conv figures are exact
 * counts of the multiply-adds the layer defines. Everything else (bias adds, activations,
 * normalisation, pooling) is a stated convention, labelled assumed: a few FLOPs per element.
 */
import { UnsupportedError } from '../../errors.ts';

/** What the formulas need to know about one layer, with the batch axis already filled in. */
export interface LayerGeometry {
  name: string;
  className: string;
  config: Record<string, unknown>;
  inputShapes: number[][];
  outputShape: number[];
  /** Weights by short name (the part after the last '/'), e.g. kernel, bias, query_kernel. */
  weights: Map<string, { shape: number[]; size: number; nonZero: number }>;
}

/** FLOPs of one layer for one batch, split by kind. All in FLOPs (not MACs). */
export interface LayerCost {
  matmulForward: number;
  /** matmulForward counting only non-zero weights (activation × activation products stay dense). */
  effectiveMatmulForward: number;
  otherForward: number;
  /** Matmul FLOPs of the gradient with respect to the layer's input (skipped for the first trainable layer). */
  inputGradMatmul: number;
  /** Matmul FLOPs of weight gradients and of gradients internal to the layer. */
  weightGradMatmul: number;
  otherBackward: number;
}

/** Assumed FLOPs per element of each activation (convention; see the file comment). */
const ACTIVATION_FLOPS: Record<string, number> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  elu: 3,
  selu: 4,
  softplus: 3,
  sigmoid: 4,
  hardsigmoid: 3,
  tanh: 4,
  softmax: 5,
  logsoftmax: 5,
  swish: 5,
  gelu: 8,
  gelu_new: 8,
  mish: 8,
  softsign: 3,
};
/** Assumed FLOPs per element: batch norm (subtract mean, scale by 1/σ, γ, β) and layer norm (+ mean and variance). */
const BATCH_NORM_FLOPS_PER_ELEMENT = 4;
const LAYER_NORM_FLOPS_PER_ELEMENT = 8;

export const SUPPORTED_LAYER_CLASSES = [
  'InputLayer',
  'Dense',
  'Conv2D',
  'DepthwiseConv2D',
  'SeparableConv2D',
  'BatchNormalization',
  'LayerNormalization',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'GlobalMaxPooling2D',
  'Flatten',
  'Reshape',
  'Dropout',
  'Activation',
  'ReLU',
  'Softmax',
  'Embedding',
  'Add',
  'costsim>PositionEmbedding',
  'costsim>CausalSelfAttention',
  'costsim>LayerNormalization',
] as const;

/** Product of a shape's dimensions. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

function activationFlops(layer: LayerGeometry, key = 'activation'): number {
  const name = String(layer.config[key] ?? 'linear').toLowerCase();
  const perElement = ACTIVATION_FLOPS[name];
  if (perElement === undefined)
    throw new UnsupportedError(
      `countFlops: layer "${layer.name}" uses activation "${name}", which has no FLOP figure (known: ${Object.keys(ACTIVATION_FLOPS).join(', ')})`,
    );
  return perElement;
}

function density(layer: LayerGeometry, weight: string): number {
  const w = layer.weights.get(weight);
  return w && w.size > 0 ? w.nonZero / w.size : 1;
}

/** Cost with no matmul: `elementFlops` forward, the same again backward (convention). */
function elementwise(elementFlops: number): LayerCost {
  return { matmulForward: 0, effectiveMatmulForward: 0, otherForward: elementFlops, inputGradMatmul: 0, weightGradMatmul: 0, otherBackward: elementFlops };
}

/** A weight-bearing matmul/conv of `flops` forward, plus bias and activation per output element. */
function weighted(layer: LayerGeometry, flops: number, kernel: string): LayerCost {
  const out = sizeOf(layer.outputShape);
  const bias = layer.weights.has('bias') ? out : 0;
  const other = bias + activationFlops(layer) * out;
  return {
    matmulForward: flops,
    effectiveMatmulForward: flops * density(layer, kernel),
    otherForward: other,
    inputGradMatmul: flops,
    weightGradMatmul: flops,
    otherBackward: other,
  };
}

function kernelShape(layer: LayerGeometry, weight: string): number[] {
  const w = layer.weights.get(weight);
  if (!w) throw new UnsupportedError(`countFlops: layer "${layer.name}" (${layer.className}) has no "${weight}" weight`);
  return w.shape;
}

function attention(layer: LayerGeometry): LayerCost {
  const [batch, length, d] = layer.outputShape as [number, number, number];
  const heads = Number(layer.config.numHeads);
  const projection = 2 * batch * length * d * d; // one of Q, K, V, output
  const mixing = 2 * batch * length * length * d; // QKᵀ or attention·V, summed over heads
  const effectiveProjections = ['query', 'key', 'value', 'output'].reduce((sum, p) => sum + projection * density(layer, `${p}_kernel`), 0);
  const scoreElements = batch * heads * length * length;
  // biases on 4 projections; scale, mask add and softmax (5) on the scores
  const other = 4 * batch * length * d + scoreElements * 7;
  return {
    matmulForward: 4 * projection + 2 * mixing,
    effectiveMatmulForward: effectiveProjections + 2 * mixing,
    otherForward: other,
    inputGradMatmul: 3 * projection,
    // dW of 4 projections, dX of the output projection, both operands of both mixing products
    weightGradMatmul: 4 * projection + projection + 4 * mixing,
    otherBackward: other,
  };
}

/** The cost of one layer at the batch its shapes carry. Unknown classes throw UnsupportedError naming the layer. */
export function layerCost(layer: LayerGeometry): LayerCost {
  const out = sizeOf(layer.outputShape);
  const input = layer.inputShapes[0] ?? [];
  switch (layer.className) {
    case 'InputLayer':
    case 'Flatten':
    case 'Reshape':
    case 'Dropout': // identity at inference; the training-time mask multiply is ignored
      return elementwise(0);
    case 'Dense': {
      const [inUnits] = kernelShape(layer, 'kernel') as [number, number];
      return weighted(layer, 2 * out * inUnits, 'kernel');
    }
    case 'Conv2D': {
      const [kh, kw, cin] = kernelShape(layer, 'kernel') as [number, number, number, number];
      return weighted(layer, 2 * out * kh * kw * cin, 'kernel');
    }
    case 'DepthwiseConv2D': {
      const [kh, kw] = kernelShape(layer, 'depthwise_kernel') as [number, number, number, number];
      return weighted(layer, 2 * out * kh * kw, 'depthwise_kernel');
    }
    case 'SeparableConv2D': {
      const [kh, kw, cin, multiplier] = kernelShape(layer, 'depthwise_kernel') as [number, number, number, number];
      const [, , mid, cout] = kernelShape(layer, 'pointwise_kernel') as [number, number, number, number];
      const pixels = out / cout;
      const depthwise = 2 * pixels * cin * multiplier * kh * kw;
      const pointwise = 2 * pixels * mid * cout;
      const base = weighted(layer, depthwise + pointwise, 'pointwise_kernel');
      return {
        ...base,
        effectiveMatmulForward: depthwise * density(layer, 'depthwise_kernel') + pointwise * density(layer, 'pointwise_kernel'),
        inputGradMatmul: depthwise,
        weightGradMatmul: depthwise + 2 * pointwise, // pointwise dX is internal: the depthwise kernel needs it
      };
    }
    case 'BatchNormalization':
      return elementwise(BATCH_NORM_FLOPS_PER_ELEMENT * out);
    case 'LayerNormalization':
    case 'costsim>LayerNormalization':
      return elementwise(LAYER_NORM_FLOPS_PER_ELEMENT * out);
    case 'MaxPooling2D':
    case 'AveragePooling2D': {
      const pool = (layer.config.poolSize ?? layer.config.pool_size ?? [2, 2]) as number[] | number;
      const window = Array.isArray(pool) ? sizeOf(pool) : pool * pool;
      return elementwise(out * window);
    }
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      return elementwise(sizeOf(input));
    case 'Activation':
      return elementwise(activationFlops(layer) * out);
    case 'ReLU':
      return elementwise(out);
    case 'Softmax':
      return elementwise(ACTIVATION_FLOPS.softmax! * out);
    case 'Embedding':
      // Forward is a gather (no arithmetic); backward scatter-adds the output gradient into the table.
      return { ...elementwise(0), otherBackward: out };
    case 'Add':
      return elementwise((layer.inputShapes.length - 1) * out);
    case 'costsim>PositionEmbedding':
      return elementwise(out);
    case 'costsim>CausalSelfAttention':
      return attention(layer);
    default:
      throw new UnsupportedError(
        `countFlops: layer "${layer.name}" is a ${layer.className}, which has no FLOP formula. ` +
          `Supported layer classes: ${SUPPORTED_LAYER_CLASSES.join(', ')}`,
      );
  }
}
