/**
 * A whole pre-norm transformer block as one kernel each way, for the `native` backend:
 *
 *   h1 = LN1(x);  x1 = x + Attn(h1·[Wq | Wk | Wv] + [bq | bk | bv])·Wo + bo
 *   h2 = LN2(x1); y  = x1 + ReLU(h2·W1 + b1)·W2 + b2
 *
 * Forward is nine addon calls (layer norm, one QKV projection, attention read in place, three
 * GEMMs, two residual adds, layer norm) and backward sixteen, all made from inside one tfjs
 * kernel: the engine sees 2 launches per block and training step instead of ~40 (each op's
 * kernel, its saved-tensor clones and tape node, and the gradient's reshapes, sums and adds),
 * which is where a small transformer's step spent a quarter of its time outside kernels. The
 * addon calls are the ones the per-layer kernels make (runtime/native/qkv.ts, linear.ts,
 * fused.ts, elementwise.ts), on the same heap buffers, so the arithmetic is the per-layer path's.
 * Registered under costsim's own names for the native backend only, reached through
 * runtime/transformer-block.ts.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import { NATIVE_ACTIVATIONS, type NativeAddon } from './addon.ts';
import { BINARY_OPS, broadcastPlan } from './elementwise.ts';
import { floats, type KernelArgs, kernelConfigMaker } from './matmul.ts';

/** Kernel names (native backend only). */
export const BLOCK_KERNELS = {
  /** Inputs {@link BLOCK_WEIGHTS} and x [B, T, d]; attrs {@link BlockAttrs}. Outputs y, then {@link BLOCK_SAVED} in that order. */
  block: 'CostsimNativeTransformerBlock',
  /** Inputs dy, x, the weights and the saved tensors by name; attrs as forward. Outputs dx, then the weights' gradients in {@link BLOCK_WEIGHTS} order. */
  blockGrad: 'CostsimNativeTransformerBlockGrad',
  /** Inputs tokens [B, T] int32, table [V, d], positions [P ≥ T, d]. Output table[tokens] + positions[:T], [B, T, d]. */
  embedding: 'CostsimNativeTokenPositionEmbedding',
  /** Inputs dy [B, T, d], tokens, table, positions. Outputs dTable [V, d] (rows summed by token), dPositions [P, d] (batch sums; rows ≥ T zero). */
  embeddingGrad: 'CostsimNativeTokenPositionEmbeddingGrad',
  /** Inputs x [..., d], gamma, beta [d], kernel [d, n], bias [n]; attr epsilon. Outputs LN(x)·kernel + bias, then LN(x), mean, rstd. */
  normLinear: 'CostsimNativeNormLinear',
  /** Inputs dy, x, gamma, beta, kernel, bias, h, mean, rstd. Outputs dx, dGamma, dBeta, dKernel, dBias. */
  normLinearGrad: 'CostsimNativeNormLinearGrad',
  /**
   * The whole model: embedding, `layers` blocks, final layer norm + logits. Inputs tokens, table,
   * positions, each block's weights as `<name><block>` ({@link BLOCK_WEIGHTS}, block 0…), finalGamma,
   * finalBeta, logitsKernel, logitsBias; attrs {@link TransformerAttrs}. Outputs logits, then the
   * workspace ({@link transformerLayout}).
   */
  transformer: 'CostsimNativeTransformer',
  /** Inputs dy, workspace, tokens and the weights by name; attrs as forward. Outputs the weights' gradients in input order (table first). */
  transformerGrad: 'CostsimNativeTransformerGrad',
} as const;

/** Heads and attention scale (every block alike), the number of blocks, and each layer norm's ε: 2 per block, then the final one. */
export interface TransformerAttrs {
  heads: number;
  scale: number;
  layers: number;
  epsilons: number[];
}

/** The whole-model kernel's weight inputs, in order: tables, each block's weights, the head's. */
export function transformerWeightNames(layers: number): string[] {
  const blocks = Array.from({ length: layers }, (_, i) => BLOCK_WEIGHTS.map((name) => `${name}${i}`)).flat();
  return ['table', 'positions', ...blocks, 'finalGamma', 'finalBeta', 'logitsKernel', 'logitsBias'];
}

/**
 * What the whole-model kernel keeps for its backward, in one workspace tensor (cuDNN's "reserve
 * space"): the embedding's output, each block's saved tensors and output (the next block's input),
 * the head's, at consecutive offsets in the order the forward allocates them. One output and one
 * saved tensor instead of 28 for two blocks: the engine's per-tensor bookkeeping (tracking,
 * cloning for the tape, disposing) was most of a step's remaining time outside kernels. The bytes
 * are the per-part kernels' own, and the engine counts them (tf.memory, tf.profile's peak).
 */
export function transformerLayout(
  batch: number,
  tokens: number,
  d: number,
  heads: number,
  mlpWidths: readonly number[],
): Array<[name: string, shape: number[]]> {
  const rows = batch * tokens;
  const x = [batch, tokens, d];
  const layout: Array<[string, number[]]> = [['x0', x]];
  mlpWidths.forEach((f, i) => {
    const block: Array<[string, number[]]> = [
      ['h1', x],
      ['mean1', [rows]],
      ['rstd1', [rows]],
      ['qkv', [batch, tokens, 3 * d]],
      ['mixed', x],
      ['probs', [batch, heads, tokens, tokens]],
      ['x1', x],
      ['h2', x],
      ['mean2', [rows]],
      ['rstd2', [rows]],
      ['hidden', [batch, tokens, f]],
      ['out', x],
    ];
    layout.push(...block.map(([name, shape]) => [`${name}${i}`, shape] as [string, number[]]));
  });
  layout.push(['h', x], ['mean', [rows]], ['rstd', [rows]]);
  return layout;
}

/** What the layer-norm + projection kernel keeps for its backward: LN's output and row statistics. */
export const NORM_LINEAR_SAVED = ['h', 'mean', 'rstd'] as const;

/** The block's weights, by input name: layer norms' γ and β, the Q, K, V and output projections, the MLP's two projections. */
export const BLOCK_WEIGHTS = ['ln1Gamma', 'ln1Beta', 'wq', 'bq', 'wk', 'bk', 'wv', 'bv', 'wo', 'bo', 'ln2Gamma', 'ln2Beta', 'w1', 'b1', 'w2', 'b2'] as const;

/**
 * What the forward keeps for the backward, as the per-layer path keeps it: LN1's output and row
 * statistics, the QKV buffer and attention probabilities, the heads before the output
 * projection, the first residual sum, LN2's output and statistics, and the MLP's hidden ReLU output.
 */
export const BLOCK_SAVED = ['h1', 'mean1', 'rstd1', 'qkv', 'probs', 'mixed', 'x1', 'h2', 'mean2', 'rstd2', 'hidden'] as const;

/** Heads, the attention scale, causal masking, and each layer norm's ε. */
export interface BlockAttrs {
  heads: number;
  scale: number;
  causal: boolean;
  epsilon1: number;
  epsilon2: number;
}

type Named = Record<string, TensorInfo>;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A tensor inside a workspace: the workspace's data id with its own shape, `offset` floats in, the workspace `span` floats long. */
interface Part extends TensorInfo {
  offset: number;
  span: number;
}

const isPart = (t: TensorInfo): t is Part => (t as Partial<Part>).offset !== undefined;

/** Parts of `workspace` by name, laid out consecutively in `layout` order. */
function parts(workspace: TensorInfo, layout: ReadonlyArray<[string, number[]]>): Map<string, Part> {
  const span = size(workspace.shape);
  const byName = new Map<string, Part>();
  let offset = 0;
  for (const [name, shape] of layout) {
    byName.set(name, { dataId: workspace.dataId, shape, dtype: 'float32', offset, span });
    offset += size(shape);
  }
  return byName;
}

/**
 * The addon calls of a block on one backend's heap. Every view is taken right before the call
 * that reads it, after that call's outputs are allocated (an allocation can grow the heap, which
 * detaches earlier views).
 */
class HeapOps {
  private next = 0;

  /** With `arena` (a workspace's parts in allocation order), what the forward keeps is allocated there; temporaries never are. */
  constructor(
    private readonly addon: NativeAddon,
    private readonly backend: BackendWasm,
    private readonly arena?: Part[],
  ) {}

  /** The heap view of a tensor or of a part of a workspace. */
  f(t: TensorInfo): Float32Array {
    if (!isPart(t)) return floats(this.backend, t);
    return floats(this.backend, { dataId: t.dataId, shape: [t.span], dtype: 'float32' }).subarray(t.offset, t.offset + size(t.shape));
  }

  /** A tensor the backward reads: the arena's next part (which must have this shape), else its own buffer. */
  alloc(shape: number[]): TensorInfo {
    if (!this.arena) return this.scratch(shape);
    const part = this.arena[this.next++];
    if (!part || part.shape.length !== shape.length || part.shape.some((n, i) => n !== shape[i])) {
      throw new Error(`transformer workspace: allocation ${this.next} is [${shape.join(', ')}], the layout has [${part?.shape.join(', ') ?? 'nothing'}]`);
    }
    return part;
  }

  /** A buffer of its own (a temporary, or an output the engine takes). */
  scratch(shape: number[]): TensorInfo {
    return this.backend.makeOutput(shape, 'float32');
  }

  /** Free buffers of their own (parts live as long as their workspace). */
  free(...tensors: TensorInfo[]): void {
    for (const t of tensors) if (!isPart(t)) this.backend.disposeData(t.dataId);
  }

  /** y, mean, rstd of layer norm over the last axis. */
  layerNorm(x: TensorInfo, gamma: TensorInfo, beta: TensorInfo, epsilon: number): [TensorInfo, TensorInfo, TensorInfo] {
    const channels = x.shape[x.shape.length - 1] as number;
    const outer = size(x.shape) / channels;
    const y = this.alloc(x.shape);
    const mean = this.alloc([outer]);
    const rstd = this.alloc([outer]);
    this.addon.layerNorm(this.f(x), this.f(gamma), this.f(beta), epsilon, 0, this.f(y), this.f(mean), this.f(rstd), outer, channels);
    return [y, mean, rstd];
  }

  /** dx, dγ, dβ of layer norm. */
  layerNormGrad(x: TensorInfo, dy: TensorInfo, gamma: TensorInfo, mean: TensorInfo, rstd: TensorInfo): [TensorInfo, TensorInfo, TensorInfo] {
    const channels = x.shape[x.shape.length - 1] as number;
    const outer = size(x.shape) / channels;
    const dx = this.alloc(x.shape);
    const dGamma = this.alloc([channels]);
    const dBeta = this.alloc([channels]);
    this.addon.layerNormGrad(this.f(x), this.f(dy), this.f(gamma), this.f(mean), this.f(rstd), 0, outer, channels, this.f(dx), this.f(dGamma), this.f(dBeta));
    return [dx, dGamma, dBeta];
  }

  /** act(x·w + b) over x's last axis, w [k, n]; into a buffer of its own when `own` (not kept for the backward). */
  linear(x: TensorInfo, w: TensorInfo, b: TensorInfo, activation: 'linear' | 'relu', own = false): TensorInfo {
    const [k, n] = w.shape as [number, number];
    const shape = [...x.shape.slice(0, -1), n];
    const y = own ? this.scratch(shape) : this.alloc(shape);
    this.addon.gemm(false, false, size(x.shape) / k, n, k, this.f(x), this.f(w), this.f(y), null, this.f(b), NATIVE_ACTIVATIONS[activation], 0);
    return y;
  }

  /** dy·wᵀ, w [k, n]. */
  gradInput(dy: TensorInfo, w: TensorInfo): TensorInfo {
    const [k, n] = w.shape as [number, number];
    const dx = this.alloc([...dy.shape.slice(0, -1), k]);
    this.addon.gemm(false, true, size(dy.shape) / n, k, n, this.f(dy), this.f(w), this.f(dx), null, null, NATIVE_ACTIVATIONS.linear, 0);
    return dx;
  }

  /** xᵀ·dy over all leading rows: [k, n]. */
  gradKernel(x: TensorInfo, dy: TensorInfo): TensorInfo {
    const k = x.shape[x.shape.length - 1] as number;
    const n = dy.shape[dy.shape.length - 1] as number;
    const dw = this.alloc([k, n]);
    this.addon.gemm(true, false, k, n, size(x.shape) / k, this.f(x), this.f(dy), this.f(dw), null, null, NATIVE_ACTIVATIONS.linear, 0);
    return dw;
  }

  /** Column sums of dy over its leading rows (a bias gradient). */
  columnSum(dy: TensorInfo): TensorInfo {
    const n = dy.shape[dy.shape.length - 1] as number;
    const db = this.alloc([n]);
    this.addon.sumLeading(this.f(dy), this.f(db), size(dy.shape) / n, n);
    return db;
  }

  /** a + b (b's shape a suffix of a's: broadcast over a's leading axes), into a new buffer: the addon's loops take their operands as non-aliasing. */
  add(a: TensorInfo, b: TensorInfo): TensorInfo {
    const out = this.alloc(a.shape);
    const plan = broadcastPlan(a.shape, b.shape, a.shape);
    this.addon.binary(BINARY_OPS.Add, this.f(a), this.f(b), this.f(out), plan.shape, plan.aStrides, plan.bStrides);
    return out;
  }

  /** dy masked by y > 0 (ReLU's gradient from its output). */
  reluGrad(dy: TensorInfo, y: TensorInfo): TensorInfo {
    const out = this.alloc(y.shape);
    this.addon.reluGrad(this.f(dy), this.f(y), this.f(out));
    return out;
  }

  /** x·[Wq | Wk | Wv] + [bq | bk | bv]: [..., 3d]. */
  qkv(x: TensorInfo, w: TensorInfo[], b: TensorInfo[]): TensorInfo {
    const [k, n] = (w[0] as TensorInfo).shape as [number, number];
    const y = this.alloc([...x.shape.slice(0, -1), 3 * n]);
    this.addon.linearParts(
      this.f(x),
      w.map((t) => this.f(t)),
      b.map((t) => this.f(t)),
      this.f(y),
      size(x.shape) / k,
      k,
      n,
    );
    return y;
  }

  /** dx, [dWq, dWk, dWv], [dbq, dbk, dbv] of {@link qkv} from dQkv. */
  qkvGrad(x: TensorInfo, w: TensorInfo[], dQkv: TensorInfo): [TensorInfo, TensorInfo[], TensorInfo[]] {
    const [k, n] = (w[0] as TensorInfo).shape as [number, number];
    const dx = this.alloc(x.shape);
    const dW = w.map(() => this.alloc([k, n]));
    const dB = w.map(() => this.alloc([n]));
    this.addon.linearPartsGrad(
      this.f(x),
      w.map((t) => this.f(t)),
      this.f(dQkv),
      this.f(dx),
      dW.map((t) => this.f(t)),
      dB.map((t) => this.f(t)),
      size(x.shape) / k,
      k,
      n,
    );
    return [dx, dW, dB];
  }

  /** Heads [B, T, d] and probabilities [B, heads, T, T] of attention on a QKV buffer [B, T, 3d]. */
  attention(qkv: TensorInfo, attrs: BlockAttrs): [TensorInfo, TensorInfo] {
    const [batch, tokens, width3] = qkv.shape as [number, number, number];
    const width = width3 / 3;
    const out = this.alloc([batch, tokens, width]);
    const probs = this.alloc([batch, attrs.heads, tokens, tokens]);
    this.addon.attentionQkv(this.f(qkv), this.f(out), this.f(probs), batch, attrs.heads, tokens, width / attrs.heads, attrs.scale, attrs.causal ? 1 : 0);
    return [out, probs];
  }

  /** dQkv (the QKV buffer's layout) from the heads' gradient. */
  attentionGrad(qkv: TensorInfo, probs: TensorInfo, dOut: TensorInfo, attrs: BlockAttrs): TensorInfo {
    const [batch, tokens, width3] = qkv.shape as [number, number, number];
    const dQkv = this.alloc(qkv.shape);
    this.addon.attentionQkvGrad(this.f(qkv), this.f(probs), this.f(dOut), this.f(dQkv), batch, attrs.heads, tokens, width3 / 3 / attrs.heads, attrs.scale);
    return dQkv;
  }
}

/** Thrown for a token id outside the embedding table, as the GatherV2 kernel words it. */
function checkedGather(addon: NativeAddon, backend: BackendWasm, table: TensorInfo, tokens: TensorInfo, out: TensorInfo): void {
  const [vocab, d] = table.shape as [number, number];
  const ids = backend.typedArrayFromHeap(tokens) as Int32Array;
  const bad = addon.gather(floats(backend, table), ids, floats(backend, out), 1, 1, vocab, d, ids.length);
  if (bad >= 0) {
    backend.disposeData(out.dataId);
    throw new Error(`GatherV2: the index value ${ids[bad] as number} is not in [0, ${vocab - 1}]`);
  }
}

function embedding(addon: NativeAddon, args: KernelArgs, ops = new HeapOps(addon, args.backend as BackendWasm)): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { tokens, table, positions } = args.inputs as Named;
  const [batch, length] = (tokens as TensorInfo).shape as [number, number];
  const d = (table as TensorInfo).shape[1] as number;
  const rows = ops.scratch([batch, length, d]);
  checkedGather(addon, backend, table as TensorInfo, tokens as TensorInfo, rows);
  // positions[:T] is the table's first T·d floats (the heap view's length follows the shape): a [T, d] tensor broadcast over the batch.
  const out = ops.add(rows, { ...(positions as TensorInfo), shape: [length, d] });
  ops.free(rows);
  return [out];
}

function embeddingGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const ops = new HeapOps(addon, backend);
  const { dy, tokens, table, positions } = args.inputs as Named;
  const [vocab, d] = (table as TensorInfo).shape as [number, number];
  const [batch, length] = (tokens as TensorInfo).shape as [number, number];
  const dTable = ops.alloc([vocab, d]);
  const dPositions = ops.alloc((positions as TensorInfo).shape);
  const ids = backend.typedArrayFromHeap(tokens as TensorInfo) as Int32Array;
  addon.segmentSum(floats(backend, dy as TensorInfo), ids, floats(backend, dTable), batch * length, d, vocab);
  const dPos = floats(backend, dPositions);
  addon.sumLeading(floats(backend, dy as TensorInfo), dPos.subarray(0, length * d), batch, length * d);
  dPos.fill(0, length * d);
  return [dTable, dPositions];
}

function normLinear(addon: NativeAddon, args: KernelArgs, ops = new HeapOps(addon, args.backend as BackendWasm)): TensorInfo[] {
  const { x, gamma, beta, kernel, bias } = args.inputs as Named;
  const { epsilon } = args.attrs as unknown as { epsilon: number };
  const [h, mean, rstd] = ops.layerNorm(x as TensorInfo, gamma as TensorInfo, beta as TensorInfo, epsilon);
  return [ops.linear(h, kernel as TensorInfo, bias as TensorInfo, 'linear', true), h, mean, rstd];
}

function normLinearGrad(addon: NativeAddon, args: KernelArgs, ops = new HeapOps(addon, args.backend as BackendWasm)): TensorInfo[] {
  const { dy, x, gamma, kernel, h, mean, rstd } = args.inputs as Named as Record<string, TensorInfo>;
  const dBias = ops.columnSum(dy as TensorInfo);
  const dKernel = ops.gradKernel(h as TensorInfo, dy as TensorInfo);
  const dh = ops.gradInput(dy as TensorInfo, kernel as TensorInfo);
  const [dx, dGamma, dBeta] = ops.layerNormGrad(x as TensorInfo, dh, gamma as TensorInfo, mean as TensorInfo, rstd as TensorInfo);
  ops.free(dh);
  return [dx, dGamma, dBeta, dKernel, dBias];
}

function block(addon: NativeAddon, args: KernelArgs, ops = new HeapOps(addon, args.backend as BackendWasm)): TensorInfo[] {
  const w = args.inputs as Named;
  const attrs = args.attrs as unknown as BlockAttrs;
  const x = w.x as TensorInfo;
  const [h1, mean1, rstd1] = ops.layerNorm(x, w.ln1Gamma as TensorInfo, w.ln1Beta as TensorInfo, attrs.epsilon1);
  const qkv = ops.qkv(h1, [w.wq, w.wk, w.wv] as TensorInfo[], [w.bq, w.bk, w.bv] as TensorInfo[]);
  const [mixed, probs] = ops.attention(qkv, attrs);
  const attended = ops.linear(mixed, w.wo as TensorInfo, w.bo as TensorInfo, 'linear', true);
  const x1 = ops.add(x, attended);
  const [h2, mean2, rstd2] = ops.layerNorm(x1, w.ln2Gamma as TensorInfo, w.ln2Beta as TensorInfo, attrs.epsilon2);
  const hidden = ops.linear(h2, w.w1 as TensorInfo, w.b1 as TensorInfo, 'relu');
  const out = ops.linear(hidden, w.w2 as TensorInfo, w.b2 as TensorInfo, 'linear', true);
  const y = ops.add(x1, out);
  ops.free(attended, out);
  const saved: Record<(typeof BLOCK_SAVED)[number], TensorInfo> = { h1, mean1, rstd1, qkv, probs, mixed, x1, h2, mean2, rstd2, hidden };
  return [y, ...BLOCK_SAVED.map((name) => saved[name])];
}

function blockGrad(addon: NativeAddon, args: KernelArgs, ops = new HeapOps(addon, args.backend as BackendWasm)): TensorInfo[] {
  const t = args.inputs as Named;
  const attrs = args.attrs as unknown as BlockAttrs;
  const get = (name: string): TensorInfo => t[name] as TensorInfo;
  const dy = get('dy');
  // y = x1 + ReLU(h2·W1 + b1)·W2 + b2
  const db2 = ops.columnSum(dy);
  const dW2 = ops.gradKernel(get('hidden'), dy);
  const dHidden = ops.gradInput(dy, get('w2'));
  const dPre = ops.reluGrad(dHidden, get('hidden'));
  const db1 = ops.columnSum(dPre);
  const dW1 = ops.gradKernel(get('h2'), dPre);
  const dh2 = ops.gradInput(dPre, get('w1'));
  const [dx1Norm, dGamma2, dBeta2] = ops.layerNormGrad(get('x1'), dh2, get('ln2Gamma'), get('mean2'), get('rstd2'));
  const dx1 = ops.add(dx1Norm, dy);
  ops.free(dHidden, dPre, dh2, dx1Norm);
  // x1 = x + Attn(QKV(LN1(x)))·Wo + bo
  const dbo = ops.columnSum(dx1);
  const dWo = ops.gradKernel(get('mixed'), dx1);
  const dMixed = ops.gradInput(dx1, get('wo'));
  const dQkv = ops.attentionGrad(get('qkv'), get('probs'), dMixed, attrs);
  ops.free(dMixed);
  const [dh1, [dWq, dWk, dWv], [dbq, dbk, dbv]] = ops.qkvGrad(get('h1'), [get('wq'), get('wk'), get('wv')], dQkv);
  ops.free(dQkv);
  const [dxNorm, dGamma1, dBeta1] = ops.layerNormGrad(get('x'), dh1, get('ln1Gamma'), get('mean1'), get('rstd1'));
  const dx = ops.add(dxNorm, dx1);
  ops.free(dh1, dx1, dxNorm);
  const grads: Record<(typeof BLOCK_WEIGHTS)[number], TensorInfo> = {
    ln1Gamma: dGamma1,
    ln1Beta: dBeta1,
    wq: dWq as TensorInfo,
    bq: dbq as TensorInfo,
    wk: dWk as TensorInfo,
    bk: dbk as TensorInfo,
    wv: dWv as TensorInfo,
    bv: dbv as TensorInfo,
    wo: dWo,
    bo: dbo,
    ln2Gamma: dGamma2,
    ln2Beta: dBeta2,
    w1: dW1,
    b1: db1,
    w2: dW2,
    b2: db2,
  };
  return [dx, ...BLOCK_WEIGHTS.map((name) => grads[name])];
}

/** The weights of block `i` of the whole model under the block kernel's own input names. */
function blockInputs(t: Named, i: number): Named {
  const inputs: Named = {};
  for (const name of BLOCK_WEIGHTS) inputs[name] = t[`${name}${i}`] as TensorInfo;
  return inputs;
}

function blockAttrs(attrs: TransformerAttrs, i: number): BlockAttrs {
  return { heads: attrs.heads, scale: attrs.scale, causal: true, epsilon1: attrs.epsilons[2 * i] as number, epsilon2: attrs.epsilons[2 * i + 1] as number };
}

/** The workspace layout of the whole-model kernel for its inputs (tokens, table, each block's w1) and attrs. */
function layoutFor(t: Named, attrs: TransformerAttrs): Array<[string, number[]]> {
  const [batch, tokens] = (t.tokens as TensorInfo).shape as [number, number];
  const d = (t.table as TensorInfo).shape[1] as number;
  const widths = Array.from({ length: attrs.layers }, (_, i) => (t[`w1${i}`] as TensorInfo).shape[1] as number);
  return transformerLayout(batch, tokens, d, attrs.heads, widths);
}

function transformer(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const t = args.inputs as Named;
  const attrs = args.attrs as unknown as TransformerAttrs;
  const layout = layoutFor(t, attrs);
  const workspace = backend.makeOutput([layout.reduce((n, [, shape]) => n + size(shape), 0)], 'float32');
  const ops = new HeapOps(addon, backend, [...parts(workspace, layout).values()]);
  try {
    const [x0] = embedding(addon, { inputs: { tokens: t.tokens, table: t.table, positions: t.positions }, backend }, ops) as [TensorInfo];
    let x = x0;
    for (let i = 0; i < attrs.layers; i++) {
      [x] = block(addon, { inputs: { x, ...blockInputs(t, i) }, attrs: blockAttrs(attrs, i) as never, backend }, ops) as [TensorInfo];
    }
    const head = { x, gamma: t.finalGamma, beta: t.finalBeta, kernel: t.logitsKernel, bias: t.logitsBias };
    const [logits] = normLinear(addon, { inputs: head, attrs: { epsilon: attrs.epsilons[2 * attrs.layers] } as never, backend }, ops) as [TensorInfo];
    return [logits as TensorInfo, workspace];
  } catch (error) {
    // A bad token id (or a full heap): nothing the engine never saw stays allocated.
    backend.disposeData(workspace.dataId);
    throw error;
  }
}

function transformerGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const t = args.inputs as Named;
  const attrs = args.attrs as unknown as TransformerAttrs;
  const saved = parts(t.workspace as TensorInfo, layoutFor(t, attrs));
  const get = (name: string): TensorInfo => saved.get(name) as TensorInfo;
  const ops = new HeapOps(addon, backend);
  const last = attrs.layers > 0 ? get(`out${attrs.layers - 1}`) : get('x0');
  const headInputs = { dy: t.dy, x: last, gamma: t.finalGamma, kernel: t.logitsKernel, h: get('h'), mean: get('mean'), rstd: get('rstd') };
  const [dHead, ...headGrads] = normLinearGrad(addon, { inputs: headInputs, backend }) as [TensorInfo, ...TensorInfo[]];
  const blockGrads: TensorInfo[][] = [];
  let d = dHead;
  for (let i = attrs.layers - 1; i >= 0; i--) {
    const inputs: Named = { dy: d, x: i === 0 ? get('x0') : get(`out${i - 1}`), ...blockInputs(t, i) };
    for (const name of BLOCK_SAVED) inputs[name] = get(`${name}${i}`);
    const [dx, ...grads] = blockGrad(addon, { inputs, attrs: blockAttrs(attrs, i) as never, backend }, ops) as [TensorInfo, ...TensorInfo[]];
    ops.free(d);
    blockGrads[i] = grads;
    d = dx;
  }
  const tableGrads = embeddingGrad(addon, { inputs: { dy: d, tokens: t.tokens, table: t.table, positions: t.positions }, backend });
  ops.free(d);
  return [...tableGrads, ...blockGrads.flat(), ...headGrads];
}

/** The block, embedding and layer-norm + projection kernel configs for backend `backendName`; none when the addon predates the calls they make. */
export function blockKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  const needs = [
    'layerNorm',
    'layerNormGrad',
    'linearParts',
    'linearPartsGrad',
    'attentionQkv',
    'attentionQkvGrad',
    'reluGrad',
    'sumLeading',
    'binary',
    'gather',
    'segmentSum',
  ];
  if (needs.some((name) => typeof (addon as unknown as Record<string, unknown>)[name] !== 'function')) return [];
  const config = kernelConfigMaker(backendName);
  return [
    config(BLOCK_KERNELS.block, (args) => block(addon, args)),
    config(BLOCK_KERNELS.blockGrad, (args) => blockGrad(addon, args)),
    config(BLOCK_KERNELS.embedding, (args) => embedding(addon, args)),
    config(BLOCK_KERNELS.embeddingGrad, (args) => embeddingGrad(addon, args)),
    config(BLOCK_KERNELS.normLinear, (args) => normLinear(addon, args)),
    config(BLOCK_KERNELS.normLinearGrad, (args) => normLinearGrad(addon, args)),
    config(BLOCK_KERNELS.transformer, (args) => transformer(addon, args)),
    config(BLOCK_KERNELS.transformerGrad, (args) => transformerGrad(addon, args)),
  ];
}
