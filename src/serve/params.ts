/**
 * What a shape implies, by counting: parameters (total and active per token), forward FLOPs
 * per token, and KV-cache elements per token. Pure arithmetic on the shape.
 *
 * Counting rules (as the Hugging Face implementations build the weights): attention Q, K, V, O
 * projections (K/V with kvHeads·headDim outputs for grouped-query attention; MLA per
 * DeepSeek-V2 §2.1: q_a, q_b, kv_a_with_mqa, kv_b, o plus the two latent norms); MLP 3·h·f gated
 * or 2·h·f plain; MoE layers hold (routed + shared) experts and a router of routed·h; norms 2·h
 * per layer (RMSNorm) or 4·h (LayerNorm with bias) plus a final norm; embeddings vocab·h, once
 * more for an untied output head, plus learned positions.
 */
import type { ModelShape } from './shapes.ts';

/** Parameter counts of a shape. */
export interface ParamCounts {
  totalParams: number;
  /** Parameters used for one token: dense parts plus top-k + shared experts. */
  activeParams: number;
  /** Parameters in routed experts (all of them), the part expert parallelism spreads. */
  routedExpertParams: number;
  /** Parameters of one routed expert. */
  paramsPerExpert: number;
  /** Layers whose MLP is a mixture of experts. */
  moeLayers: number;
  /** Input embeddings (+ positions): looked up, not multiplied, so no FLOPs. */
  embeddingParams: number;
}

function attentionParams(s: ModelShape): number {
  const h = s.hiddenSize;
  if (s.mla) {
    const m = s.mla;
    const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    const q = m.qLoraRank === undefined ? h * s.heads * qHead : h * m.qLoraRank + m.qLoraRank + m.qLoraRank * s.heads * qHead;
    const kv = h * (m.kvLoraRank + m.qkRopeHeadDim) + m.kvLoraRank + m.kvLoraRank * s.heads * (m.qkNopeHeadDim + m.vHeadDim);
    return q + kv + s.heads * m.vHeadDim * h;
  }
  const qOut = s.heads * s.headDim;
  const kvOut = s.kvHeads * s.headDim;
  const weights = h * qOut + 2 * h * kvOut + qOut * h;
  const bias = s.biases === 'none' ? 0 : qOut + 2 * kvOut + (s.biases === 'all' ? h : 0);
  return weights + bias;
}

function mlpParams(s: ModelShape, inner: number): number {
  const h = s.hiddenSize;
  const weights = (s.mlp === 'gated' ? 3 : 2) * h * inner;
  return weights + (s.biases === 'all' ? inner + h : 0);
}

/** Parameter counts derived from the shape (no published figure is used). */
export function countParams(s: ModelShape): ParamCounts {
  const h = s.hiddenSize;
  const normPerLayer = (s.norm === 'layernorm' ? 4 : 2) * h;
  const finalNorm = (s.norm === 'layernorm' ? 2 : 1) * h;
  const embeddingParams = s.vocabSize * h + s.positionEmbeddings * h;
  const head = s.tiedEmbeddings ? 0 : s.vocabSize * h;
  const attention = attentionParams(s);
  const moeLayers = s.moe ? s.layers - s.moe.firstDenseLayers : 0;
  const denseLayers = s.layers - moeLayers;
  const paramsPerExpert = s.moe ? mlpParams(s, s.moe.expertIntermediateSize) : 0;
  const routedExpertParams = s.moe ? moeLayers * s.moe.routedExperts * paramsPerExpert : 0;
  const moeFixed = s.moe ? moeLayers * (s.moe.sharedExperts * paramsPerExpert + s.moe.routedExperts * h) : 0;
  const common = embeddingParams + head + finalNorm + s.layers * (attention + normPerLayer) + denseLayers * mlpParams(s, s.intermediateSize) + moeFixed;
  const activeRouted = s.moe ? moeLayers * s.moe.expertsPerToken * paramsPerExpert : 0;
  return {
    totalParams: common + routedExpertParams,
    activeParams: common + activeRouted,
    routedExpertParams,
    paramsPerExpert,
    moeLayers,
    embeddingParams,
  };
}

/**
 * Forward FLOPs for one token attending to `contextTokens` earlier tokens: 2 per active
 * multiplied parameter (the embedding lookup multiplies nothing; a tied head still multiplies)
 * plus attention scores and weighted sum, 2·layers·context·heads·(qk dim + v dim)
 * (kipply 2022, "Transformer Inference Arithmetic"; Kaplan et al. 2020 Table 1).
 */
export function forwardFlopsPerToken(s: ModelShape, contextTokens: number): number {
  const p = countParams(s);
  const multiplied = p.activeParams - p.embeddingParams + (s.tiedEmbeddings ? s.vocabSize * s.hiddenSize : 0);
  const qk = s.mla ? s.mla.qkNopeHeadDim + s.mla.qkRopeHeadDim : s.headDim;
  const v = s.mla ? s.mla.vHeadDim : s.headDim;
  return 2 * multiplied + 2 * s.layers * contextTokens * s.heads * (qk + v);
}

/**
 * KV-cache elements stored per token: 2·layers·kvHeads·headDim (K and V), or under MLA one
 * latent of kvLoraRank + qkRopeHeadDim per layer (DeepSeek-V2 §2.1.2, Table 1).
 */
export function kvElementsPerToken(s: ModelShape): number {
  if (s.mla) return s.layers * (s.mla.kvLoraRank + s.mla.qkRopeHeadDim);
  return 2 * s.layers * s.kvHeads * s.headDim;
}

/**
 * Expected number of distinct routed experts a batch of `tokens` touches in one MoE layer,
 * routing uniformly: E·(1 − (1 − k/E)^tokens). Decode reads only those experts' weights.
 */
export function expectedExpertsTouched(routedExperts: number, expertsPerToken: number, tokens: number): number {
  return routedExperts * (1 - (1 - expertsPerToken / routedExperts) ** tokens);
}
