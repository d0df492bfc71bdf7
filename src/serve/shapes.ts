/**
 * Shapes of real open-weight LLMs, as data. Every figure is copied from the model's published
 * config.json (named with its hub page and the month it was published) or its paper; the
 * published parameter totals are kept beside the shape so tests can check the count derived
 * from the shape against them. A scenario may add shapes of its own (same type).
 */

/** Mixture-of-experts part of a shape (DeepSeek-MoE / Mixtral style). */
export interface MoeShape {
  /** Routed experts per MoE layer (config: n_routed_experts / num_local_experts). */
  routedExperts: number;
  /** Routed experts each token goes to (num_experts_per_tok). */
  expertsPerToken: number;
  /** Experts every token goes to (n_shared_experts; 0 for Mixtral). */
  sharedExperts: number;
  /** Inner width of one expert's gated MLP (moe_intermediate_size, or intermediate_size for Mixtral). */
  expertIntermediateSize: number;
  /** The first k layers are dense MLPs of `intermediateSize` (first_k_dense_replace). */
  firstDenseLayers: number;
}

/** Multi-head latent attention (DeepSeek-V2 §2.1): one compressed KV vector per token per layer. */
export interface MlaShape {
  kvLoraRank: number;
  /** Query compression rank (q_lora_rank); undefined = queries projected directly. */
  qLoraRank?: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** A decoder-only transformer's shape, enough to count its parameters, FLOPs and KV cache. */
export interface ModelShape {
  id: string;
  name: string;
  layers: number;
  hiddenSize: number;
  heads: number;
  /** Key/value heads (grouped-query attention when < heads). Ignored under MLA. */
  kvHeads: number;
  headDim: number;
  /** Dense MLP inner width (intermediate_size). */
  intermediateSize: number;
  /** gated = SwiGLU (3 matrices), plain = GELU MLP (2 matrices). */
  mlp: 'gated' | 'plain';
  vocabSize: number;
  /** Output head shares the input embedding (tie_word_embeddings). */
  tiedEmbeddings: boolean;
  /** Learned absolute position embeddings (GPT-2: n_positions); 0 for rotary. */
  positionEmbeddings: number;
  norm: 'layernorm' | 'rmsnorm';
  /** Which linear layers carry biases: none (Llama), qkv (Qwen2), all (GPT-2). */
  biases: 'none' | 'qkv' | 'all';
  maxContextTokens: number;
  moe?: MoeShape;
  mla?: MlaShape;
  /** Where the shape comes from (config.json on the hub page, paper). */
  source: string;
  /** ISO date (YYYY-MM) the source was published. */
  date: string;
  /** Published parameter counts, for checking the derived ones. */
  published: { totalParams: number; activeParams?: number; source: string };
}

const GPT2: ModelShape = {
  id: 'gpt2',
  name: 'GPT-2 small',
  layers: 12,
  hiddenSize: 768,
  heads: 12,
  kvHeads: 12,
  headDim: 64,
  intermediateSize: 3072,
  mlp: 'plain',
  vocabSize: 50257,
  tiedEmbeddings: true,
  positionEmbeddings: 1024,
  norm: 'layernorm',
  biases: 'all',
  maxContextTokens: 1024,
  source: 'openai-community/gpt2 config.json (n_layer 12, n_embd 768, n_head 12, n_positions 1024, vocab_size 50257, n_inner null = 4·n_embd)',
  date: '2019-02',
  published: {
    totalParams: 124e6,
    source: 'Radford et al. 2019, "Language Models are Unsupervised Multitask Learners" (117M as first stated; 124M as released, Hugging Face model card)',
  },
};

const LLAMA31_8B: ModelShape = {
  id: 'llama-3.1-8b',
  name: 'Llama-3.1-8B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  intermediateSize: 14336,
  mlp: 'gated',
  vocabSize: 128256,
  tiedEmbeddings: false,
  positionEmbeddings: 0,
  norm: 'rmsnorm',
  biases: 'none',
  maxContextTokens: 131072,
  source:
    'meta-llama/Llama-3.1-8B config.json (num_hidden_layers 32, hidden_size 4096, num_attention_heads 32, num_key_value_heads 8, intermediate_size 14336, vocab_size 128256, max_position_embeddings 131072)',
  date: '2024-07',
  published: { totalParams: 8.03e9, source: 'meta-llama/Llama-3.1-8B model card: 8.03B parameters' },
};

const LLAMA31_70B: ModelShape = {
  ...LLAMA31_8B,
  id: 'llama-3.1-70b',
  name: 'Llama-3.1-70B',
  layers: 80,
  hiddenSize: 8192,
  heads: 64,
  kvHeads: 8,
  intermediateSize: 28672,
  source:
    'meta-llama/Llama-3.1-70B config.json (num_hidden_layers 80, hidden_size 8192, num_attention_heads 64, num_key_value_heads 8, intermediate_size 28672, vocab_size 128256)',
  published: { totalParams: 70.6e9, source: 'meta-llama/Llama-3.1-70B model card: 70.6B parameters' },
};

const MIXTRAL_8X7B: ModelShape = {
  id: 'mixtral-8x7b',
  name: 'Mixtral-8x7B',
  layers: 32,
  hiddenSize: 4096,
  heads: 32,
  kvHeads: 8,
  headDim: 128,
  intermediateSize: 14336,
  mlp: 'gated',
  vocabSize: 32000,
  tiedEmbeddings: false,
  positionEmbeddings: 0,
  norm: 'rmsnorm',
  biases: 'none',
  maxContextTokens: 32768,
  moe: { routedExperts: 8, expertsPerToken: 2, sharedExperts: 0, expertIntermediateSize: 14336, firstDenseLayers: 0 },
  source:
    'mistralai/Mixtral-8x7B-v0.1 config.json (num_hidden_layers 32, hidden_size 4096, num_key_value_heads 8, intermediate_size 14336, num_local_experts 8, num_experts_per_tok 2, vocab_size 32000)',
  date: '2023-12',
  published: { totalParams: 46.7e9, activeParams: 12.9e9, source: 'Mistral AI, "Mixtral of experts" (2023-12-11): 46.7B total, 12.9B used per token' },
};

const QWEN25_7B: ModelShape = {
  id: 'qwen2.5-7b',
  name: 'Qwen2.5-7B',
  layers: 28,
  hiddenSize: 3584,
  heads: 28,
  kvHeads: 4,
  headDim: 128,
  intermediateSize: 18944,
  mlp: 'gated',
  vocabSize: 152064,
  tiedEmbeddings: false,
  positionEmbeddings: 0,
  norm: 'rmsnorm',
  biases: 'qkv',
  maxContextTokens: 131072,
  source:
    'Qwen/Qwen2.5-7B config.json (num_hidden_layers 28, hidden_size 3584, num_attention_heads 28, num_key_value_heads 4, intermediate_size 18944, vocab_size 152064, tie_word_embeddings false; QKV bias per Qwen2)',
  date: '2024-09',
  published: { totalParams: 7.61e9, source: 'Qwen/Qwen2.5-7B model card: 7.61B parameters' },
};

const DEEPSEEK_V2: ModelShape = {
  id: 'deepseek-v2',
  name: 'DeepSeek-V2',
  layers: 60,
  hiddenSize: 5120,
  heads: 128,
  kvHeads: 128,
  headDim: 128,
  intermediateSize: 12288,
  mlp: 'gated',
  vocabSize: 102400,
  tiedEmbeddings: false,
  positionEmbeddings: 0,
  norm: 'rmsnorm',
  biases: 'none',
  maxContextTokens: 131072,
  moe: { routedExperts: 160, expertsPerToken: 6, sharedExperts: 2, expertIntermediateSize: 1536, firstDenseLayers: 1 },
  mla: { kvLoraRank: 512, qLoraRank: 1536, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 },
  source:
    'deepseek-ai/DeepSeek-V2 config.json (num_hidden_layers 60, hidden_size 5120, num_attention_heads 128, kv_lora_rank 512, q_lora_rank 1536, qk_nope_head_dim 128, qk_rope_head_dim 64, v_head_dim 128, intermediate_size 12288, moe_intermediate_size 1536, n_routed_experts 160, n_shared_experts 2, num_experts_per_tok 6, first_k_dense_replace 1, vocab_size 102400)',
  date: '2024-05',
  published: { totalParams: 236e9, activeParams: 21e9, source: 'DeepSeek-AI 2024, "DeepSeek-V2" (arXiv:2405.04434): 236B total, 21B activated per token' },
};

const DEEPSEEK_V3: ModelShape = {
  ...DEEPSEEK_V2,
  id: 'deepseek-v3',
  name: 'DeepSeek-V3',
  layers: 61,
  hiddenSize: 7168,
  intermediateSize: 18432,
  vocabSize: 129280,
  moe: { routedExperts: 256, expertsPerToken: 8, sharedExperts: 1, expertIntermediateSize: 2048, firstDenseLayers: 3 },
  source:
    'deepseek-ai/DeepSeek-V3 config.json (num_hidden_layers 61, hidden_size 7168, num_attention_heads 128, kv_lora_rank 512, q_lora_rank 1536, qk_rope_head_dim 64, intermediate_size 18432, moe_intermediate_size 2048, n_routed_experts 256, n_shared_experts 1, num_experts_per_tok 8, first_k_dense_replace 3, vocab_size 129280); the multi-token-prediction module is not counted',
  date: '2024-12',
  published: {
    totalParams: 671e9,
    activeParams: 37e9,
    source:
      'DeepSeek-AI 2024, "DeepSeek-V3 Technical Report" (arXiv:2412.19437): 671B total, 37B activated per token (685B on the hub includes the 14B MTP module)',
  },
};

/** The built-in shapes, smallest first. */
export const MODEL_SHAPES: readonly ModelShape[] = [GPT2, QWEN25_7B, LLAMA31_8B, MIXTRAL_8X7B, LLAMA31_70B, DEEPSEEK_V2, DEEPSEEK_V3];

/** Look a shape up by id among the built-ins plus `extra` (scenario shapes win). */
export function findShape(id: string, extra: readonly ModelShape[] = []): ModelShape | undefined {
  return extra.find((s) => s.id === id) ?? MODEL_SHAPES.find((s) => s.id === id);
}

/** All shape ids, for error messages that list what is allowed. */
export function shapeIds(extra: readonly ModelShape[] = []): string[] {
  return [...new Set([...extra.map((s) => s.id), ...MODEL_SHAPES.map((s) => s.id)])];
}
