/**
 * runtime/: choose and initialise the TensorFlow.js backend. The only layer that touches
 * tfjs's global engine state.
 */
import { chooseBackend, parseBackendName, type BackendChoice, type BackendName } from './backends.ts';
import { defaultLoaders } from './loaders.ts';

export { BACKEND_NAMES, probeBackends, parseBackendName, type BackendName, type BackendChoice, type BackendProbe, type BackendLoader } from './backends.ts';
export { defaultLoaders } from './loaders.ts';
export { tf, type LayersModel, type Tensor } from './tf.ts';
export { measureGemm, type GemmMeasurement } from './gemm-bench.ts';
export { readCpuInfo, type CpuInfo } from './cpu-info.ts';
export { readPhysicalMemory, type PhysicalMemory } from './memory.ts';
export { checkpointedGradients, type Segment } from './checkpoint.ts';
/** Fused transformer ops: one native kernel each way on `native`, tfjs's broadcasting ops elsewhere. */
export { layerNorm, rmsNorm, biasGelu } from './fused-ops.ts';
/** Scaled dot-product attention (optionally causal, also over a KV cache): one native kernel each way on `native`. */
export { attention, multiHeadAttention, causalMaskFor } from './fused-attention.ts';
/** Per-row softmax cross-entropy: one native kernel each way on `native` (no softmax or log-softmax kept for the backward). */
export { softmaxCrossEntropyRows, softmaxCrossEntropyMean } from './cross-entropy.ts';
/** Dense projection over the last axis (any leading dims): one native kernel each way on `native`. */
export { linear } from './linear.ts';
/** Self-attention through its Q, K, V projections (training, and KV-cached decoding): on `native` one projection kernel into one QKV buffer the attention reads in place. */
export { projectedSelfAttention, cachedSelfAttention, type Projection, type KeyValueCache } from './self-attention.ts';
/** A whole pre-norm transformer, and its parts — a block (layer norm, causal self-attention, residual, layer norm, ReLU MLP, residual), the token + position embedding, layer norm + projection: one native kernel each way on `native`. */
export {
  transformerBlock,
  transformerLogits,
  tokenPositionEmbedding,
  normLinear,
  fusedBlockApplies,
  fusedBlockAvailable,
  type BlockWeights,
  type NormWeights,
  type TransformerWeights,
} from './transformer-block.ts';
/** Names of the native backend's block kernels as they appear in a profile (the FLOP tracer counts them). */
export { BLOCK_KERNELS, BLOCK_SAVED, BLOCK_WEIGHTS, NORM_LINEAR_SAVED, transformerWeightNames } from './native/block.ts';
/** Names of the native backend's QKV kernels as they appear in a profile (the FLOP tracer counts them). */
export { QKV_KERNELS } from './native/qkv.ts';
/** Names of the native backend's linear kernels as they appear in a profile (the FLOP tracer counts them). */
export { LINEAR_KERNELS } from './native/linear.ts';
/** Names of the native backend's fused kernels as they appear in a profile (the FLOP tracer counts the attention ones). */
export { FUSED_KERNELS } from './native/fused.ts';
export { loadNativeAddon, type AddonState } from './native/addon.ts';
/** The error a tensor the wasm heap (wasm and native backends) cannot hold raises, naming its shape and bytes. */
export { WasmHeapFullError, WASM_HEAP_MAX_BYTES } from './native/heap-guard.ts';
export { withKernelTiming, optimizerKernels, type KernelTiming, type TimedMethod } from './kernel-timer.ts';
/** Adam for training: one fused native pass per variable on the `native` backend, tf.train.adam elsewhere (same state and arithmetic). */
export { nativeAdam as createAdamOptimizer } from './native/adam.ts';

/**
 * Initialise the backend for this process: `flag` (from --backend) wins, then the
 * COSTSIM_BACKEND environment variable, else the best available.
 */
export async function initRuntime(options: { flag?: string; env?: Record<string, string | undefined> } = {}): Promise<BackendChoice> {
  const fromEnv = options.env?.COSTSIM_BACKEND;
  let requested: { name: BackendName; source: string } | undefined;
  if (options.flag) requested = { name: parseBackendName(options.flag, '--backend'), source: '--backend' };
  else if (fromEnv) requested = { name: parseBackendName(fromEnv, 'COSTSIM_BACKEND'), source: 'COSTSIM_BACKEND' };
  return chooseBackend(defaultLoaders(), requested);
}
export { runDoctor, type DoctorReport } from './doctor.ts';
