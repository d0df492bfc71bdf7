/**
 * Turn a `--model` value into a shape: a built-in (or scenario) shape id, `transformer`
 * (the zoo transformer's default shape), or a `transformer:layers=..,hidden=..,...` string
 * (parsed by placement/, the one transformer-shape syntax in costsim).
 */
import { UsageError } from '../errors.ts';
import { isTransformerShape, parseTransformerShape } from '../placement/index.ts';
import { ZOO_DEFAULTS } from '../bench/zoo/options.ts';
import { ADDITION_VOCAB_SIZE } from '../bench/data/addition.ts';
import { findShape, shapeIds, type ModelShape } from './shapes.ts';
import type { DecoderShape } from './measure/decoder.ts';

/** The zoo transformer's default shape (src/bench/zoo/options.ts), as the measured decoder builds it. */
export function zooTransformerDecoder(): DecoderShape {
  const z = ZOO_DEFAULTS.transformer as Record<string, number>;
  const hidden = z.dModel as number;
  return { layers: z.layers as number, hidden, heads: z.heads as number, ffn: hidden * (z.mlpRatio as number), vocab: ADDITION_VOCAB_SIZE };
}

/** GPT-2 small's shape for the measured decoder. */
export const GPT2_DECODER: DecoderShape = { layers: 12, hidden: 768, heads: 12, ffn: 3072, vocab: 50257 };

/** A shape from `spec`; `flag` names the flag or scenario field in errors. */
export function resolveShape(spec: string, flag = '--model', extra: readonly ModelShape[] = []): ModelShape {
  const known = findShape(spec, extra);
  if (known) return known;
  if (spec === 'transformer') {
    const d = zooTransformerDecoder();
    return custom(
      `transformer (zoo default)`,
      d.layers,
      d.hidden,
      d.heads,
      d.heads,
      d.ffn,
      d.vocab,
      'plain',
      'the zoo transformer defaults (src/bench/zoo/options.ts)',
    );
  }
  if (isTransformerShape(spec)) {
    const t = parseTransformerShape(spec, flag);
    return custom(spec, t.layers, t.hidden, t.heads, t.kvHeads, t.ffn, t.vocab, t.mlp === 'swiglu' ? 'gated' : 'plain', `given by ${flag}`, t.seq);
  }
  throw new UsageError(
    flag,
    `unknown model "${spec}"`,
    `${shapeIds(extra).join(', ')}, transformer, or transformer:layers=..,hidden=..,heads=..,seq=..,vocab=..`,
  );
}

function custom(
  id: string,
  layers: number,
  hidden: number,
  heads: number,
  kvHeads: number,
  ffn: number,
  vocab: number,
  mlp: 'gated' | 'plain',
  source: string,
  seq = 1 << 20,
): ModelShape {
  if (hidden % heads !== 0) throw new UsageError('--model', `hidden (${hidden}) must be a multiple of heads (${heads})`);
  return {
    id,
    name: id,
    layers,
    hiddenSize: hidden,
    heads,
    kvHeads,
    headDim: hidden / heads,
    intermediateSize: ffn,
    mlp,
    vocabSize: vocab,
    tiedEmbeddings: false,
    positionEmbeddings: 0,
    norm: mlp === 'gated' ? 'rmsnorm' : 'layernorm',
    biases: 'none',
    maxContextTokens: seq,
    source,
    date: 'n/a',
    published: { totalParams: 0, source: 'none: a user shape' },
  };
}
