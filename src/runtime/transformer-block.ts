/**
 * The zoo transformer's parts as one op each: a pre-norm block (layer norm, causal multi-head
 * self-attention, residual; layer norm, ReLU MLP, residual), the token + position embedding, and
 * the final layer norm with the logits projection. On the `native` backend each is one kernel
 * forward and one backward (runtime/native/block.ts); elsewhere the per-layer ops the layers run
 * (layer norm, projected self-attention, linear projections, gather, slice, adds), with the same
 * arithmetic.
 */
import { tf, type Tensor } from './tf.ts';
import { NATIVE_BACKEND } from './native/backend.ts';
import {
  BLOCK_KERNELS,
  BLOCK_SAVED,
  BLOCK_WEIGHTS,
  NORM_LINEAR_SAVED,
  transformerWeightNames,
  type BlockAttrs,
  type TransformerAttrs,
} from './native/block.ts';
import { layerNorm } from './fused-ops.ts';
import { linear } from './linear.ts';
import { projectedSelfAttention, type Projection } from './self-attention.ts';

/** A layer norm's scale and offset (rank 1, the model width) and ε. */
export interface NormWeights {
  gamma: Tensor;
  beta: Tensor;
  epsilon: number;
}

/** One block's weights: Q, K, V and output projections [d, d] + [d]; MLP [d, f] + [f] (ReLU) then [f, d] + [d]. */
export interface BlockWeights {
  ln1: NormWeights;
  query: Projection;
  key: Projection;
  value: Projection;
  output: Projection;
  ln2: NormWeights;
  mlpIn: Projection;
  mlpOut: Projection;
}

/** The block's weights in the kernel's input order ({@link BLOCK_WEIGHTS}). */
function weightList(w: BlockWeights): Tensor[] {
  return [
    w.ln1.gamma,
    w.ln1.beta,
    w.query.kernel,
    w.query.bias,
    w.key.kernel,
    w.key.bias,
    w.value.kernel,
    w.value.bias,
    w.output.kernel,
    w.output.bias,
    w.ln2.gamma,
    w.ln2.beta,
    w.mlpIn.kernel,
    w.mlpIn.bias,
    w.mlpOut.kernel,
    w.mlpOut.bias,
  ];
}

/** Whether the fused block kernel is there: native is the active backend and its addon has the kernels (a stale build has not). */
export function fusedBlockAvailable(): boolean {
  return tf.getBackend() === NATIVE_BACKEND && tf.getKernel(BLOCK_KERNELS.block, NATIVE_BACKEND) !== undefined;
}

/**
 * Whether the fused kernel takes this block: native active with the kernels registered, float32
 * x [B, T, d] with d divisible by heads, the projections [d, d] + [d], the MLP [d, f] + [f] and
 * [f, d] + [d], layer-norm weights [d].
 */
export function fusedBlockApplies(x: Pick<Tensor, 'rank' | 'shape' | 'dtype' | 'size'>, w: BlockWeights, heads: number): boolean {
  if (!fusedBlockAvailable()) return false;
  if (x.rank !== 3 || x.dtype !== 'float32' || x.size === 0) return false;
  const d = x.shape[2] as number;
  const f = w.mlpIn.kernel.shape[1];
  const is = (t: Tensor, shape: Array<number | undefined>): boolean =>
    t.dtype === 'float32' && t.rank === shape.length && t.shape.every((n, i) => n === shape[i]);
  const square = [w.query, w.key, w.value, w.output].every((p) => is(p.kernel, [d, d]) && is(p.bias, [d]));
  const norms = [w.ln1, w.ln2].every((n) => is(n.gamma, [d]) && is(n.beta, [d]));
  return (
    d % heads === 0 &&
    square &&
    norms &&
    f !== undefined &&
    f > 0 &&
    is(w.mlpIn.kernel, [d, f]) &&
    is(w.mlpIn.bias, [f]) &&
    is(w.mlpOut.kernel, [f, d]) &&
    is(w.mlpOut.bias, [d])
  );
}

/** The block as the per-layer ops (every backend): what the zoo's layers compute one by one. */
function blockOps(x: Tensor, w: BlockWeights, heads: number, scale: number): Tensor {
  return tf.tidy(() => {
    const attended = linear(
      projectedSelfAttention(layerNorm(x, w.ln1.gamma, w.ln1.beta, w.ln1.epsilon), w.query, w.key, w.value, heads, scale, true),
      w.output.kernel,
      w.output.bias,
    );
    const x1 = tf.add(x, attended);
    const hidden = linear(layerNorm(x1, w.ln2.gamma, w.ln2.beta, w.ln2.epsilon), w.mlpIn.kernel, w.mlpIn.bias, 'relu');
    return tf.add(x1, linear(hidden, w.mlpOut.kernel, w.mlpOut.bias));
  });
}

/**
 * One of the block file's kernels as a differentiable op: `inputs` (by kernel input name, in the
 * gradient kernel's output order) get gradients; `data` (never differentiated: token ids) is only
 * read. The forward kernel's first output is the value and the rest are kept for the backward
 * under `savedNames`; inputs that are variables are read again in the backward instead of being
 * saved (a training step does not change them before its gradient is taken).
 */
function fusedOp(
  kernel: string,
  gradKernel: string,
  inputs: ReadonlyArray<readonly [string, Tensor]>,
  savedNames: readonly string[],
  attrs: object,
  data: Record<string, Tensor> = {},
): Tensor {
  const names = inputs.map(([name]) => name);
  const dataNames = Object.keys(data);
  const op = tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const tensors = args as Tensor[];
    const kernelInputs: Record<string, Tensor> = { ...data };
    names.forEach((name, i) => (kernelInputs[name] = tensors[i] as Tensor));
    const [value, ...saved] = tf.engine().runKernel(kernel, kernelInputs, attrs as tf.NamedAttrMap) as Tensor[];
    save([...saved, ...dataNames.map((name) => data[name] as Tensor), ...tensors.filter((t) => !(t instanceof tf.Variable))]);
    return {
      value: value as Tensor,
      gradFunc: (dy: Tensor | Tensor[], kept: Tensor[]) => {
        const gradInputs: Record<string, Tensor> = { dy: dy as Tensor };
        let next = 0;
        for (const name of [...savedNames, ...dataNames]) gradInputs[name] = kept[next++] as Tensor;
        names.forEach((name, i) => (gradInputs[name] = tensors[i] instanceof tf.Variable ? (tensors[i] as Tensor) : (kept[next++] as Tensor)));
        return tf.engine().runKernel(gradKernel, gradInputs, attrs as tf.NamedAttrMap) as Tensor[];
      },
    };
  });
  return op(...inputs.map(([, t]) => t));
}

/**
 * y = x1 + ReLU(LN2(x1)·W1 + b1)·W2 + b2 with x1 = x + Attn(LN1(x))·Wo + bo, causal attention of
 * `heads` heads scaled by `scale`, for x [B, T, d]. Differentiable wrt x and every weight.
 */
export function transformerBlock(x: Tensor, w: BlockWeights, heads: number, scale: number): Tensor {
  if (!fusedBlockApplies(x, w, heads)) return blockOps(x, w, heads, scale);
  const attrs: BlockAttrs = { heads, scale, causal: true, epsilon1: w.ln1.epsilon, epsilon2: w.ln2.epsilon };
  const weights = weightList(w);
  return fusedOp(
    BLOCK_KERNELS.block,
    BLOCK_KERNELS.blockGrad,
    [['x', x], ...BLOCK_WEIGHTS.map((name, i) => [name, weights[i] as Tensor] as const)],
    BLOCK_SAVED,
    attrs,
  );
}

/**
 * table[tokens] + positions[:T] for int32 tokens [B, T], an embedding table [V, d] and a learned
 * position table [P ≥ T, d]: [B, T, d]. Differentiable wrt both tables (token ids outside [0, V)
 * are an error, as tf.gather's). One native kernel each way where it applies.
 */
export function tokenPositionEmbedding(tokens: Tensor, table: Tensor, positions: Tensor): Tensor {
  const length = tokens.shape[1] as number;
  const applies =
    fusedBlockAvailable() &&
    tokens.rank === 2 &&
    tokens.dtype === 'int32' &&
    tokens.size > 0 &&
    table.rank === 2 &&
    table.dtype === 'float32' &&
    positions.rank === 2 &&
    positions.dtype === 'float32' &&
    (positions.shape[0] as number) >= length &&
    positions.shape[1] === table.shape[1];
  if (!applies) return tf.tidy(() => tf.add(tf.gather(table, tokens), tf.slice(positions, [0, 0], [length, -1])));
  return fusedOp(
    BLOCK_KERNELS.embedding,
    BLOCK_KERNELS.embeddingGrad,
    [
      ['table', table],
      ['positions', positions],
    ],
    [],
    {},
    { tokens },
  );
}

/** A whole pre-norm transformer's weights: token and position tables, the blocks, the final layer norm and the logits projection. */
export interface TransformerWeights {
  table: Tensor;
  positions: Tensor;
  blocks: BlockWeights[];
  norm: NormWeights;
  logits: Projection;
}

/** Whether the whole-model kernel takes int32 tokens [B, T] with these weights: every part fits its own kernel. */
function transformerApplies(tokens: Tensor, w: TransformerWeights, heads: number): boolean {
  if (!fusedBlockAvailable() || !tf.getKernel(BLOCK_KERNELS.transformer, NATIVE_BACKEND)) return false;
  if (tokens.rank !== 2 || tokens.dtype !== 'int32' || tokens.size === 0 || w.table.rank !== 2 || w.positions.rank !== 2) return false;
  const [batch, length] = tokens.shape as [number, number];
  const d = w.table.shape[1] as number;
  const x = { rank: 3, shape: [batch, length, d], dtype: 'float32' as const, size: batch * length * d };
  const vocab = w.logits.kernel.shape[1];
  return (
    [w.table, w.positions].every((t) => t.dtype === 'float32' && t.shape[1] === d) &&
    (w.positions.shape[0] as number) >= length &&
    w.blocks.every((b) => fusedBlockApplies(x, b, heads)) &&
    [w.norm.gamma, w.norm.beta].every((t) => t.dtype === 'float32' && t.rank === 1 && t.shape[0] === d) &&
    w.logits.kernel.dtype === 'float32' &&
    w.logits.kernel.rank === 2 &&
    w.logits.kernel.shape[0] === d &&
    w.logits.bias.dtype === 'float32' &&
    w.logits.bias.rank === 1 &&
    w.logits.bias.shape[0] === vocab
  );
}

/**
 * Logits [B, T, V] of a pre-norm transformer on int32 tokens [B, T]: the token + position
 * embedding, every block (causal attention of `heads` heads scaled by `scale`), the final layer
 * norm and the logits projection. On native one kernel forward and one backward for the whole
 * model (the tape holds one node); elsewhere, or when a part does not fit, the parts' own ops.
 * Differentiable wrt every weight.
 */
export function transformerLogits(tokens: Tensor, w: TransformerWeights, heads: number, scale: number): Tensor {
  if (!transformerApplies(tokens, w, heads)) {
    return tf.tidy(() =>
      normLinear(
        w.blocks.reduce((h, b) => transformerBlock(h, b, heads, scale), tokenPositionEmbedding(tokens, w.table, w.positions)),
        w.norm,
        w.logits,
      ),
    );
  }
  const attrs: TransformerAttrs = {
    heads,
    scale,
    layers: w.blocks.length,
    epsilons: [...w.blocks.flatMap((b) => [b.ln1.epsilon, b.ln2.epsilon]), w.norm.epsilon],
  };
  const weights = [w.table, w.positions, ...w.blocks.flatMap(weightList), w.norm.gamma, w.norm.beta, w.logits.kernel, w.logits.bias];
  const names = transformerWeightNames(w.blocks.length);
  return fusedOp(
    BLOCK_KERNELS.transformer,
    BLOCK_KERNELS.transformerGrad,
    names.map((name, i) => [name, weights[i] as Tensor] as const),
    ['workspace'],
    attrs,
    { tokens },
  );
}

/** LN(x)·kernel + bias over x's last axis (layer norm with γ, β, ε, then a projection [d, n] + [n]). Differentiable wrt x and every weight. */
export function normLinear(x: Tensor, norm: NormWeights, projection: Projection): Tensor {
  const d = x.shape[x.rank - 1];
  const n = projection.kernel.shape[1];
  const is = (t: Tensor, shape: Array<number | undefined>): boolean =>
    t.dtype === 'float32' && t.rank === shape.length && t.shape.every((v, i) => v === shape[i]);
  const applies =
    fusedBlockAvailable() &&
    x.dtype === 'float32' &&
    x.rank >= 2 &&
    x.size > 0 &&
    is(norm.gamma, [d]) &&
    is(norm.beta, [d]) &&
    is(projection.kernel, [d, n]) &&
    is(projection.bias, [n]);
  if (!applies) return tf.tidy(() => linear(layerNorm(x, norm.gamma, norm.beta, norm.epsilon), projection.kernel, projection.bias));
  return fusedOp(
    BLOCK_KERNELS.normLinear,
    BLOCK_KERNELS.normLinearGrad,
    [
      ['x', x],
      ['gamma', norm.gamma],
      ['beta', norm.beta],
      ['kernel', projection.kernel],
      ['bias', projection.bias],
    ],
    NORM_LINEAR_SAVED,
    { epsilon: norm.epsilon },
  );
}
