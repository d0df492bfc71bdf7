/**
 * Traced FLOPs: run a function (one real training step) under tf.profile and count the
 * kernels that actually executed, from their names and input/output shapes. Pitfalls
 * (tf.profile in @tensorflow/tfjs-core 4.22.0, profiler.ts): the profile also lists op wrappers whose names
 * end in `__op` beside the kernels they run, so only kernels are counted; kernel records carry
 * no attributes (transpose flags), so a matmul's K is derived from sizes: size(A) / (batch·M).
 */
import {
  BLOCK_KERNELS,
  BLOCK_SAVED,
  BLOCK_WEIGHTS,
  FUSED_KERNELS,
  LINEAR_KERNELS,
  NORM_LINEAR_SAVED,
  QKV_KERNELS,
  tf,
  transformerWeightNames,
} from '../../runtime/index.ts';

/** The fields of a tf.profile kernel record this module reads. */
export interface KernelRecord {
  name: string;
  inputShapes: Array<number[] | null>;
  outputShapes: number[][];
}

export type KernelKind = 'matmul' | 'conv' | 'other' | 'none';

/** Traced totals of one profiled call. FLOPs are counts; bytes are tfjs engine tensor bytes. */
export interface TracedFlops {
  /** Exact FLOPs of matmul and convolution kernels (1 multiply-add = 2). */
  matmulConvFlops: number;
  /** Elementwise and reduction kernels at 1 FLOP per output (reductions: per input) element (convention). */
  otherFlops: number;
  totalFlops: number;
  kernelCount: number;
  /** Peak tensor bytes held by the tfjs engine during the call (tf.profile peakBytes). */
  peakBytes: number;
  /** FLOPs and launches by kernel name. */
  byKernel: Record<string, { count: number; flops: number; kind: KernelKind }>;
}

const size = (shape: readonly number[] | null | undefined): number => (shape ? shape.reduce((n, d) => n * d, 1) : 0);

/** Kernels that move or create data without arithmetic. */
const DATA_MOVEMENT = new Set([
  'Reshape',
  'Transpose',
  'Slice',
  'StridedSlice',
  'Gather',
  'GatherV2',
  'GatherNd',
  'Concat',
  'Pack',
  'Unpack',
  'Split',
  'SplitV',
  'Tile',
  'Pad',
  'PadV2',
  'Cast',
  'Identity',
  'Fill',
  'OneHot',
  'Range',
  'ZerosLike',
  'OnesLike',
  'Reverse',
  'ExpandDims',
  'Squeeze',
  'BroadcastTo',
  'Complex',
  'Real',
  'Imag',
  'MatrixBandPart',
  'Select',
  'SelectV2',
  'ArgMax',
  'ArgMin',
]);
/** Kernels whose work scales with their input rather than their output. */
const REDUCTIONS = new Set(['Sum', 'Mean', 'Max', 'Min', 'Prod', 'All', 'Any', 'UnsortedSegmentSum']);
const MATMULS = new Set(['BatchMatMul', '_FusedMatMul', 'MatMul']);

/**
 * Forward matmul FLOPs of one pre-norm block (runtime/native/block.ts) on x [B, T, d] with MLP
 * width f: the QKV, output and two MLP projections rows·d·(3d + d + f + f)·2, and the fused
 * attention's 4·size(x)·T. `saved` lists the block's saved tensors in BLOCK_SAVED order: T is read
 * off the probabilities [B, h, T, T], f off the hidden activations [B, T, f].
 */
function blockForwardFlops(x: readonly number[], saved: ReadonlyArray<number[] | null | undefined>): number {
  const f = saved[BLOCK_SAVED.indexOf('hidden')]?.at(-1) ?? 0;
  const tokens = saved[BLOCK_SAVED.indexOf('probs')]?.at(-1) ?? 0;
  return blockProjectionFlops(x, f) + 4 * size(x) * tokens;
}

/** A block's QKV, output and MLP projections on x [..., d] with MLP width f: rows·d·(3d + d + f + f)·2. */
function blockProjectionFlops(x: readonly number[], f: number): number {
  const d = x.at(-1) ?? 0;
  return 2 * (size(x) / Math.max(d, 1)) * d * (4 * d + 2 * f);
}

/**
 * FLOPs of one kernel execution. Matmul: 2·size(out)·K with K = size(A)/(batchA·M). Conv2D and
 * its gradients: 2·size(output-side tensor)·kh·kw·Cin. Depthwise: 2·size(out-side)·kh·kw.
 */
export function kernelFlops(kernel: KernelRecord): { flops: number; kind: KernelKind } {
  const { name } = kernel;
  const inputs = kernel.inputShapes;
  const out = kernel.outputShapes[0] ?? [];
  if (MATMULS.has(name)) {
    const a = inputs[0] ?? [];
    const m = out[out.length - 2] ?? 1;
    const batchA = size(a.slice(0, -2));
    const k = size(a) / (batchA * m);
    return { flops: 2 * size(out) * k, kind: 'matmul' };
  }
  switch (name) {
    // The native backend's fused attention: QKᵀ and P·V forward (2 matmuls of slices·Tq·Tk·D, and
    // slices·Tq·D = size(q), so 2·2·size(q)·Tk); backward dV = Pᵀ·dY, dP = dY·Vᵀ, dQ = dS·K, dK = dSᵀ·Q
    // (4 matmuls, 8·size(q)·Tk). Tk is the last dim of the probabilities (output 1, or grad input 3).
    case FUSED_KERNELS.attention:
      return { flops: 4 * size(inputs[0]) * (kernel.outputShapes[1]?.at(-1) ?? 0), kind: 'matmul' };
    case FUSED_KERNELS.attentionGrad:
      return { flops: 8 * size(inputs[0]) * (inputs[3]?.at(-1) ?? 0), kind: 'matmul' };
    // The native linear projection: y = x·W (+ b) with W [K, N] is 2·size(y)·K; its gradients dX = dY·Wᵀ
    // (inputs dy, kernel) and dW = Xᵀ·dY (inputs x, dy) are 2·size(dY)·K each.
    case LINEAR_KERNELS.linear:
    case LINEAR_KERNELS.linearRelu:
      return { flops: 2 * size(out) * (inputs[1]?.[0] ?? 0), kind: 'matmul' };
    case LINEAR_KERNELS.linearGradInput:
      return { flops: 2 * size(inputs[0]) * (inputs[1]?.[0] ?? 0), kind: 'matmul' };
    case LINEAR_KERNELS.linearGradKernel:
      return { flops: 2 * size(inputs[1]) * (inputs[0]?.at(-1) ?? 0), kind: 'matmul' };
    // The native QKV projection (x·[Wq | Wk | Wv], inputs x, w0…) is 2·size(y)·K; its backward (inputs x, dy, w0…)
    // dX and the dW's, 4·size(dY)·K. Self-attention on its buffer: as the attention above with size(q) = size(qkv)/3.
    case QKV_KERNELS.linearParts:
      return { flops: 2 * size(out) * (inputs[1]?.[0] ?? 0), kind: 'matmul' };
    case QKV_KERNELS.linearPartsGrad:
      return { flops: 4 * size(inputs[1]) * (inputs[0]?.at(-1) ?? 0), kind: 'matmul' };
    case QKV_KERNELS.attentionQkv:
      return { flops: (4 * size(inputs[0]) * (kernel.outputShapes[1]?.at(-1) ?? 0)) / 3, kind: 'matmul' };
    case QKV_KERNELS.attentionQkvGrad:
      return { flops: (8 * size(inputs[0]) * (inputs[1]?.at(-1) ?? 0)) / 3, kind: 'matmul' };
    case QKV_KERNELS.attentionCached:
      return { flops: (4 * size(inputs[0]) * (kernel.outputShapes[1]?.[1] ?? 0)) / 3, kind: 'matmul' };
    // A whole pre-norm block: blockForwardFlops forward, twice that backward (dX and dW of each projection; the
    // attention's 8·size(x)·T).
    case BLOCK_KERNELS.block:
    case BLOCK_KERNELS.blockGrad: {
      const forward = name === BLOCK_KERNELS.block;
      // Forward: inputs x, weights; outputs y, then the saved tensors. Backward: inputs dy, the saved tensors, x, weights.
      const saved = forward ? kernel.outputShapes.slice(1) : inputs.slice(1);
      const flops = blockForwardFlops((forward ? inputs[0] : inputs[1 + BLOCK_SAVED.length]) ?? [], saved);
      return { flops: forward ? flops : 2 * flops, kind: 'matmul' };
    }
    // The whole model: each block's projections and attention as above, plus the logits projection 2·rows·d·V;
    // twice that backward. Shapes come from the inputs, in order (tokens, table, positions, each block's weights,
    // final γ, β, logits kernel and bias), after dy and the workspace backward: B, T off the tokens, d off the
    // table, each block's MLP width off its w1 [d, f], V off the logits kernel [d, V].
    case BLOCK_KERNELS.transformer:
    case BLOCK_KERNELS.transformerGrad: {
      const forward = name === BLOCK_KERNELS.transformer;
      const shapes = forward ? inputs : inputs.slice(2);
      const [tokens, table] = [shapes[0] ?? [], shapes[1] ?? []];
      const x = [...tokens, table[1] ?? 0];
      const layers = Math.round((shapes.length - 1 - transformerWeightNames(0).length) / BLOCK_WEIGHTS.length);
      const w1 = BLOCK_WEIGHTS.indexOf('w1');
      let flops = 2 * size(x) * (shapes.at(-2)?.[1] ?? 0);
      for (let i = 0; i < layers; i++) flops += blockProjectionFlops(x, shapes[3 + i * BLOCK_WEIGHTS.length + w1]?.[1] ?? 0) + 4 * size(x) * (tokens[1] ?? 0);
      return { flops: forward ? flops : 2 * flops, kind: 'matmul' };
    }
    // Layer norm then a projection [d, n]: 2·size(y)·d forward, dX and dW 4·size(dY)·d backward (inputs dy, the saved tensors, x, γ, β, kernel, bias).
    case BLOCK_KERNELS.normLinear:
      return { flops: 2 * size(out) * (inputs[3]?.[0] ?? 0), kind: 'matmul' };
    case BLOCK_KERNELS.normLinearGrad:
      return { flops: 4 * size(inputs[0]) * (inputs[1 + NORM_LINEAR_SAVED.length + 3]?.[0] ?? 0), kind: 'matmul' };
    case 'Conv2D':
    case 'FusedConv2D': {
      const [kh, kw, cin] = inputs[1] ?? [];
      return { flops: 2 * size(out) * (kh ?? 0) * (kw ?? 0) * (cin ?? 0), kind: 'conv' };
    }
    case 'Conv2DBackpropInput': {
      const [kh, kw, cin] = inputs[1] ?? []; // inputs {dy, filter}
      return { flops: 2 * size(inputs[0]) * (kh ?? 0) * (kw ?? 0) * (cin ?? 0), kind: 'conv' };
    }
    case 'Conv2DBackpropFilter': {
      const [kh, kw, cin] = out; // inputs {x, dy}; output is the filter gradient
      return { flops: 2 * size(inputs[1]) * (kh ?? 0) * (kw ?? 0) * (cin ?? 0), kind: 'conv' };
    }
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2D': {
      const [kh, kw] = inputs[1] ?? [];
      return { flops: 2 * size(out) * (kh ?? 0) * (kw ?? 0), kind: 'conv' };
    }
    case 'DepthwiseConv2dNativeBackpropInput': {
      const [kh, kw] = inputs[1] ?? []; // inputs {dy, filter}
      return { flops: 2 * size(inputs[0]) * (kh ?? 0) * (kw ?? 0), kind: 'conv' };
    }
    case 'DepthwiseConv2dNativeBackpropFilter': {
      const [kh, kw] = out; // inputs {x, dy}
      return { flops: 2 * size(inputs[1]) * (kh ?? 0) * (kw ?? 0), kind: 'conv' };
    }
  }
  if (DATA_MOVEMENT.has(name)) return { flops: 0, kind: 'none' };
  if (REDUCTIONS.has(name)) return { flops: size(inputs[0]), kind: 'other' };
  return { flops: size(out), kind: 'other' };
}

/** Sum the FLOPs of profiled kernel records, skipping `__op` wrappers (they would double count). */
export function countKernels(kernels: readonly KernelRecord[], peakBytes = 0): TracedFlops {
  const result: TracedFlops = { matmulConvFlops: 0, otherFlops: 0, totalFlops: 0, kernelCount: 0, peakBytes, byKernel: {} };
  for (const kernel of kernels) {
    if (kernel.name.endsWith('__op')) continue;
    const { flops, kind } = kernelFlops(kernel);
    if (kind === 'matmul' || kind === 'conv') result.matmulConvFlops += flops;
    else result.otherFlops += flops;
    result.kernelCount++;
    const entry = (result.byKernel[kernel.name] ??= { count: 0, flops: 0, kind });
    entry.count++;
    entry.flops += flops;
  }
  result.totalFlops = result.matmulConvFlops + result.otherFlops;
  return result;
}

/**
 * Run `fn` once under tf.profile and count what executed. `fn` should do one complete
 * training step (forward, backward, optimizer update) so the count is a train-step figure.
 */
export async function traceFlops(fn: () => void | Promise<void>): Promise<TracedFlops> {
  const info = await tf.profile(async () => {
    await fn();
  });
  return countKernels(info.kernels as unknown as KernelRecord[], info.peakBytes);
}
