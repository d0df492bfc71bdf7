/**
 * A decoder-only transformer described by its shape, turned into a layer cost graph without
 * building it (pure arithmetic, enough for 7B or 70B).
 *
 * Shape string: `transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000` plus optional
 * batch (1, sequences per micro-batch), accum (1, micro-batches per optimizer step), dtype
 * (bf16), optimizer (adam), ffn (4·hidden), kvHeads (heads), mlp (gelu|swiglu), recompute
 * (none|full), mode (train|infer).
 *
 * Formulas: parameters per block 4h² (attention, fewer for grouped K/V) + 2·h·ffn (3·h·ffn
 * gated) + norms (4h LayerNorm, or 2h RMSNorm with mlp=swiglu as in Llama); forward FLOPs 2·tokens·(matmul params) + 4·b·s²·h for attention scores
 * and their weighted sum (Narayanan et al. 2021, "Efficient Large-Scale Language Model Training
 * on GPU Clusters", §5.1); backward = 2× forward, plus one forward under full recomputation.
 * Activation bytes per block s·b·h·(34 + 5·a·s/h) at 2 bytes per element (Korthikanti et al.
 * 2022, "Reducing Activation Recomputation in Large Transformer Models", §4.1), generalised to
 * other ffn widths; 2·s·b·h with full recomputation.
 */
import { UsageError } from '../errors.ts';
import { DTYPE_BYTES, type CostGraph, type LayerCost, type OptimizerName, type WeightDtype } from './graph.ts';

/** A parsed, fully defaulted transformer shape. */
export interface TransformerShape {
  layers: number;
  hidden: number;
  heads: number;
  /** Sequence length in tokens. */
  seq: number;
  vocab: number;
  /** Sequences per micro-batch. */
  batch: number;
  /** Micro-batches per optimizer step (gradient accumulation). */
  accum: number;
  dtype: WeightDtype;
  optimizer: OptimizerName;
  /** Feed-forward inner width. */
  ffn: number;
  kvHeads: number;
  mlp: 'gelu' | 'swiglu';
  recompute: 'none' | 'full';
  /** train (default) or infer (forward only). */
  mode: 'train' | 'infer';
}

const PREFIX = 'transformer:';
const INTEGER_KEYS = ['layers', 'hidden', 'heads', 'seq', 'vocab', 'batch', 'accum', 'ffn', 'kvHeads'] as const;
const REQUIRED = ['layers', 'hidden', 'heads', 'seq', 'vocab'] as const;
/**
 * Largest value of each integer field. Published dense LLMs have at most ~130 layers and hidden
 * sizes of ~16k (Llama 3.1 405B: 126 layers, hidden 16384, per its config.json); the bounds leave
 * an order of magnitude above that while keeping the per-layer cost graph and the planner small.
 */
export const SHAPE_LIMITS: Record<(typeof INTEGER_KEYS)[number], number> = {
  layers: 1_000,
  hidden: 262_144,
  heads: 16_384,
  seq: 100_000_000,
  vocab: 100_000_000,
  batch: 10_000_000,
  accum: 1_000_000,
  ffn: 1_048_576,
  kvHeads: 16_384,
};
const CHOICES = {
  dtype: ['fp32', 'fp16', 'bf16'],
  optimizer: ['adam', 'sgd'],
  mlp: ['gelu', 'swiglu'],
  recompute: ['none', 'full'],
  mode: ['train', 'infer'],
} as const;
const ALLOWED_KEYS = [...INTEGER_KEYS, ...Object.keys(CHOICES)];

/** Whether a --model value names a transformer shape rather than a zoo model. */
export function isTransformerShape(text: string): boolean {
  return text.startsWith(PREFIX);
}

/** Parse a shape string; every problem is a UsageError naming `flag` and the field. */
export function parseTransformerShape(text: string, flag = '--model'): TransformerShape {
  if (!isTransformerShape(text)) throw new UsageError(flag, `a transformer shape starts with "${PREFIX}" (got "${text}")`);
  const fields = new Map<string, string>();
  for (const part of text
    .slice(PREFIX.length)
    .split(',')
    .filter((p) => p.trim() !== '')) {
    const [key, value, ...rest] = part.split('=').map((t) => t.trim());
    if (!key || value === undefined || rest.length) throw new UsageError(flag, `shape field "${part}" must look like key=value`, ALLOWED_KEYS.join(', '));
    if (!ALLOWED_KEYS.includes(key)) throw new UsageError(flag, `unknown shape field "${key}"`, ALLOWED_KEYS.join(', '));
    if (fields.has(key)) throw new UsageError(flag, `shape field "${key}" given twice`);
    fields.set(key, value);
  }
  const integer = (key: string, fallback?: number): number => {
    const raw = fields.get(key);
    if (raw === undefined) {
      if (fallback === undefined) throw new UsageError(flag, `shape field "${key}" is required`, `${REQUIRED.join(', ')} are required`);
      return fallback;
    }
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < 1) {
      throw new UsageError(flag, `shape field "${key}" must be a positive integer (got "${raw}")`);
    }
    const max = SHAPE_LIMITS[key as (typeof INTEGER_KEYS)[number]];
    if (value > max)
      throw new UsageError(
        flag,
        `shape field "${key}" must be <= ${max.toLocaleString('en-US')} (got ${raw}); the bound keeps the layer graph and the planner small, an order of magnitude above the largest published models`,
      );
    return value;
  };
  const choice = <K extends keyof typeof CHOICES>(key: K, fallback: (typeof CHOICES)[K][number]): (typeof CHOICES)[K][number] => {
    const raw = fields.get(key) ?? fallback;
    if (!(CHOICES[key] as readonly string[]).includes(raw))
      throw new UsageError(flag, `shape field "${key}" must be one of ${CHOICES[key].join(', ')} (got "${raw}")`);
    return raw as (typeof CHOICES)[K][number];
  };
  const hidden = integer('hidden');
  const heads = integer('heads');
  if (hidden % heads !== 0) throw new UsageError(flag, `shape field "hidden" (${hidden}) must be divisible by "heads" (${heads})`);
  const kvHeads = integer('kvHeads', heads);
  if (heads % kvHeads !== 0) throw new UsageError(flag, `shape field "heads" (${heads}) must be divisible by "kvHeads" (${kvHeads})`);
  return {
    layers: integer('layers'),
    hidden,
    heads,
    seq: integer('seq'),
    vocab: integer('vocab'),
    batch: integer('batch', 1),
    accum: integer('accum', 1),
    dtype: choice('dtype', 'bf16'),
    optimizer: choice('optimizer', 'adam'),
    ffn: integer('ffn', 4 * hidden),
    kvHeads,
    mlp: choice('mlp', 'gelu'),
    recompute: choice('recompute', 'none'),
    mode: choice('mode', 'train'),
  };
}

/** Parameters of one block: attention (Q, O full; K, V scaled by kvHeads/heads), MLP, two norms. */
export function blockParams(shape: TransformerShape): number {
  const h = shape.hidden;
  const kvWidth = (h * shape.kvHeads) / shape.heads;
  const attention = 2 * h * h + 2 * h * kvWidth;
  const mlp = (shape.mlp === 'swiglu' ? 3 : 2) * h * shape.ffn;
  return attention + mlp + normParams(shape);
}

/** Two norms per block: LayerNorm scale + bias (GPT style), or bias-free RMSNorm with gated MLPs (Llama style). */
function normParams(shape: TransformerShape): number {
  return (shape.mlp === 'swiglu' ? 2 : 4) * shape.hidden;
}

/** The cost graph: embedding, one entry per block, then final norm + LM head (untied). */
export function transformerGraph(shape: TransformerShape): CostGraph {
  const { hidden: h, seq: s, batch: b, vocab: v, heads: a } = shape;
  const tokens = b * s;
  const w = DTYPE_BYTES[shape.dtype];
  const hiddenStateBytes = tokens * h * w;
  const matmulParams = blockParams(shape) - normParams(shape);
  const blockForward = 2 * tokens * matmulParams + 4 * b * s * s * h;
  // Korthikanti et al.'s per-element counts assume 2-byte activations (1-byte dropout masks); scale for fp32.
  const scale = w / 2;
  const ffnTerm = shape.ffn / h; // 4 in the paper's setting
  const mlpElementsPerToken = h * (2 + 1) + ffnTerm * h * (shape.mlp === 'swiglu' ? 6 : 4);
  const perTokenBytes = 11 * h + 5 * a * s + 4 * h + mlpElementsPerToken; // attention + scores + norms + MLP
  const blockActivation = shape.recompute === 'full' ? 2 * tokens * h * scale : tokens * perTokenBytes * scale;
  const layers: LayerCost[] = [
    { name: 'embedding', className: 'Embedding', params: v * h, forwardFlops: 0, backwardFlops: 0, outputBytes: hiddenStateBytes, activationBytes: 0 },
  ];
  for (let i = 0; i < shape.layers; i++) {
    layers.push({
      name: `block.${i}`,
      className: 'TransformerBlock',
      params: blockParams(shape),
      forwardFlops: blockForward,
      backwardFlops: 2 * blockForward + (shape.recompute === 'full' ? blockForward : 0),
      outputBytes: hiddenStateBytes,
      activationBytes: blockActivation,
    });
  }
  const headForward = 2 * tokens * h * v;
  layers.push({
    name: 'head',
    className: 'LMHead',
    params: v * h + normParams(shape) / 2,
    forwardFlops: headForward,
    backwardFlops: 2 * headForward,
    outputBytes: 4, // the scalar loss
    activationBytes: hiddenStateBytes + tokens * v * 4, // its input and the fp32 logits kept for the softmax gradient
  });
  return {
    name: `transformer(layers=${shape.layers}, hidden=${h}, heads=${a}, seq=${s}, vocab=${v}, batch=${b}${shape.accum > 1 ? `×${shape.accum} accumulated` : ''}, ${shape.dtype}, ${shape.optimizer}, recompute=${shape.recompute})`,
    layers,
    dtype: shape.dtype,
    optimizer: shape.optimizer,
    tokensPerStep: tokens * shape.accum,
    microBatches: shape.accum,
    tokenUnit: 'tokens',
    inputBytes: tokens * 4,
    mode: shape.mode,
    derivation:
      'analytic: params and FLOPs per Narayanan et al. 2021 (§5.1), activations per Korthikanti et al. 2022 (§4.1), ' +
      'state bytes per ZeRO (Rajbhandari et al. 2020)',
  };
}
