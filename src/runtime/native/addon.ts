/**
 * Loads the optional native BLAS addon (native/ → native/build/Release/costsim_native.node,
 * built at install time by native/build.mjs) and says why when it cannot. The addon works in
 * place on Float32Array views, e.g. of the tfjs wasm heap, so no tensor data is copied.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Activation codes the addon fuses after a GEMM or convolution (native/src/kernels.h). */
export const NATIVE_ACTIVATIONS = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5 } as const;

/** The addon's functions. Matrices are row-major float32; sizes are element counts. */
export interface NativeAddon {
  /**
   * C[i] = op(A[i])·op(B[i]) (+ bias over columns, then activation) for each i, where entry i
   * reads A at offsets[3i], B at offsets[3i+1], writes C at offsets[3i+2] (floats); `offsets`
   * null means one product at offset 0. op(A) is M×K, op(B) K×N, C M×N.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    offsets: Int32Array | null,
    bias: Float32Array | null,
    activation: number,
    alpha: number,
  ): void;
  /** NHWC convolution by im2col + GEMM; `geometry` holds the 15 fields of {@link convGeometryFields}. */
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, geometry: Int32Array, bias: Float32Array | null, activation: number, alpha: number): void;
  /** dw = im2col(x)ᵀ·dy. */
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, geometry: Int32Array): void;
  /** dx = col2im(dy·wᵀ). */
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** dx = max-pool gradient (first maximum of each window gets dy, as in tfjs); geometry with outC = inC. */
  maxPoolGrad(dy: Float32Array, x: Float32Array, dx: Float32Array, geometry: Int32Array): void;
  /** out[j] = Σ_i x[i·inner + j] (sum over leading axes, double accumulators). */
  sumLeading(x: Float32Array, out: Float32Array, outer: number, inner: number): void;
  /** out[i] = Σ_j x[i·inner + j] (sum over trailing axes). */
  sumTrailing(x: Float32Array, out: Float32Array, outer: number, inner: number): void;
  /**
   * out = a op b (op: 0 add, 1 sub, 2 mul, 3 div, 4 squared difference, 5 a·2b) over a dense output of
   * extents `shape`; a and b are read with per-dim element strides (0 where broadcast).
   */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  /** y = (x − mean)·rsqrt(variance + ε)·scale + offset over the last axis (`channels` wide, `outer` rows). */
  batchNorm(
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    offset: Float32Array | null,
    scale: Float32Array | null,
    epsilon: number,
    y: Float32Array,
    outer: number,
    channels: number,
  ): void;
  /** The FusedBatchNorm gradients wrt x, mean, variance, scale and offset (as tfjs defines them), given dy. */
  batchNormGrad(
    x: Float32Array,
    dy: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    scale: Float32Array | null,
    epsilon: number,
    outer: number,
    channels: number,
    dx: Float32Array,
    dMean: Float32Array,
    dVariance: Float32Array,
    dScale: Float32Array,
    dOffset: Float32Array,
  ): void;
  /**
   * Layer norm (rms 0) or RMSNorm (rms 1) over the last axis: y = (x − mean)·rstd·γ + β, writing each
   * row's mean (0 for RMSNorm) and rstd = 1/√(var + ε); γ and β null mean 1 and 0.
   */
  layerNorm(
    x: Float32Array,
    gamma: Float32Array | null,
    beta: Float32Array | null,
    epsilon: number,
    rms: number,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    outer: number,
    channels: number,
  ): void;
  /** Its gradients wrt x, γ and β from the forward's per-row mean and rstd. */
  layerNormGrad(
    x: Float32Array,
    dy: Float32Array,
    gamma: Float32Array | null,
    mean: Float32Array,
    rstd: Float32Array,
    rms: number,
    outer: number,
    channels: number,
    dx: Float32Array,
    dGamma: Float32Array | null,
    dBeta: Float32Array | null,
  ): void;
  /** y = gelu(x + bias) (exact erf form), bias over the last axis (null: none). */
  biasGelu(x: Float32Array, bias: Float32Array | null, y: Float32Array, outer: number, channels: number): void;
  /** dx = dy·gelu′(x + bias), dBias = Σ over rows of dx. */
  biasGeluGrad(
    x: Float32Array,
    bias: Float32Array | null,
    dy: Float32Array,
    dx: Float32Array,
    dBias: Float32Array | null,
    outer: number,
    channels: number,
  ): void;
  /**
   * Attention over `slices` (batch·head) slices: probs = softmax(scale·Q·Kᵀ) [slices, tq, tk], causal
   * (causal 1: query i sees keys j ≤ tk − tq + i), out = probs·V [slices, tq, d]; K, V are [slices, tk, d].
   * With `heads` > 1 Q, K, V and out are [slices/heads, rows, heads·d] instead (the projections' layout).
   */
  attention(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    out: Float32Array,
    probs: Float32Array,
    slices: number,
    tq: number,
    tk: number,
    d: number,
    scale: number,
    causal: number,
    heads?: number,
  ): void;
  /** dQ, dK, dV of {@link attention} from its probs and dOut. */
  attentionGrad(
    q: Float32Array,
    k: Float32Array,
    v: Float32Array,
    probs: Float32Array,
    dOut: Float32Array,
    dq: Float32Array,
    dk: Float32Array,
    dv: Float32Array,
    slices: number,
    tq: number,
    tk: number,
    d: number,
    scale: number,
    heads?: number,
  ): void;
  /**
   * y [rows, p·n] = x [rows, k]·[W_0 | … | W_{p−1}] + [b_0 | …] for p = weights.length weights [k, n]
   * (a null bias: none), the parts side by side in each output row.
   */
  linearParts(x: Float32Array, weights: Float32Array[], biases: Array<Float32Array | null>, y: Float32Array, rows: number, k: number, n: number): void;
  /** Its gradients from dy [rows, p·n]: dx = Σ_p dY_p·W_pᵀ, dW_p = xᵀ·dY_p, db_p = column sums of dY_p (null entries skipped). */
  linearPartsGrad(
    x: Float32Array,
    weights: Float32Array[],
    dy: Float32Array,
    dx: Float32Array | null,
    dWeights: Array<Float32Array | null>,
    dBiases: Array<Float32Array | null>,
    rows: number,
    k: number,
    n: number,
  ): void;
  /**
   * Self-attention reading Q, K and V from one projection qkv [batch, tokens, 3·heads·d] (side by
   * side, heads interleaved in each): out [batch, tokens, heads·d], probs [batch, heads, tokens, tokens].
   */
  attentionQkv(
    qkv: Float32Array,
    out: Float32Array,
    probs: Float32Array,
    batch: number,
    heads: number,
    tokens: number,
    d: number,
    scale: number,
    causal: number,
  ): void;
  /** dQ, dK, dV of {@link attentionQkv} written side by side into dQkv (qkv's layout). */
  attentionQkvGrad(
    qkv: Float32Array,
    probs: Float32Array,
    dOut: Float32Array,
    dQkv: Float32Array,
    batch: number,
    heads: number,
    tokens: number,
    d: number,
    scale: number,
  ): void;
  /**
   * A KV-cached step: k, v [batch, past + tokens, heads·d] = kPast, vPast (null when past = 0) followed by
   * qkv's K and V, then causal attention of qkv's Q over them into out [batch·tokens, heads·d].
   */
  attentionCached(
    qkv: Float32Array,
    kPast: Float32Array | null,
    vPast: Float32Array | null,
    k: Float32Array,
    v: Float32Array,
    out: Float32Array,
    batch: number,
    heads: number,
    past: number,
    tokens: number,
    d: number,
    scale: number,
  ): void;
  /** dx = dy · step(x) over x.length elements. */
  reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** out = x tiled reps[d] times along each dim (tf.tile), row-major. */
  tile(x: Float32Array, out: Float32Array, xShape: Int32Array, reps: Int32Array): void;
  /** One tfjs-Adam step in place on w, m, v (w.length elements). */
  adam(
    w: Float32Array,
    grad: Float32Array,
    m: Float32Array,
    v: Float32Array,
    learningRate: number,
    beta1: number,
    beta2: number,
    epsilon: number,
    oneMinusAccBeta1: number,
    oneMinusAccBeta2: number,
  ): void;
  /**
   * out[b, o, i, :] = x[b, o, indices[b, i], :] for x [batch, outer, dim, slice] and indices [batch, count]
   * (GatherV2 flattened as tfjs does). Returns the position in `indices` of the first index outside
   * [0, dim) (then nothing is written), else −1.
   */
  gather(x: Float32Array, indices: Int32Array, out: Float32Array, batch: number, outer: number, dim: number, slice: number, count: number): number;
  /** out[s, :] = Σ over i with ids[i] = s of x[i, :], out [segments, inner] (ids outside [0, segments) dropped). */
  segmentSum(x: Float32Array, ids: Int32Array, out: Float32Array, count: number, inner: number, segments: number): void;
  /**
   * Per row r of [rows, classes] logits: loss[r] = −Σ_c labels[r, c]·log softmax(logits[r])_c and
   * logSumExp[r] = log Σ_c exp(logits[r, c]), without storing the softmax.
   */
  softmaxCrossEntropy(logits: Float32Array, labels: Float32Array, loss: Float32Array, logSumExp: Float32Array, rows: number, classes: number): void;
  /** dLogits[r, c] = dLoss[r]·(softmax(logits[r])_c·Σ labels[r] − labels[r, c]), from the forward's logSumExp. */
  softmaxCrossEntropyGrad(
    logits: Float32Array,
    labels: Float32Array,
    logSumExp: Float32Array,
    dLoss: Float32Array,
    dLogits: Float32Array,
    rows: number,
    classes: number,
  ): void;
  /** OpenBLAS worker threads (the calling thread counts as one). */
  setThreads(threads: number): void;
  getThreads(): number;
  /** OpenBLAS build and detected core, e.g. "OpenBLAS 0.3.21 ... (core Zen)". */
  blasConfig(): string;
}

/** The addon, or why it is not there. */
export type AddonState = { ok: true; addon: NativeAddon; blas: string } | { ok: false; reason: string };

const addonFile = fileURLToPath(new URL('../../../native/build/Release/costsim_native.node', import.meta.url));
const statusFile = fileURLToPath(new URL('../../../native/build/status.json', import.meta.url));

/** What native/build.mjs recorded about the last build attempt, if anything. */
function recordedFailure(statusFile: string): string | undefined {
  if (!existsSync(statusFile)) return undefined;
  try {
    const status = JSON.parse(readFileSync(statusFile, 'utf8')) as { ok?: boolean; reason?: string };
    return status.ok ? undefined : status.reason;
  } catch {
    return undefined;
  }
}

/**
 * Load an addon file, or say why not: the build's recorded failure when the file is missing,
 * else the load error. Never throws. Exposed (with explicit paths) for tests.
 */
export function loadAddonFrom(file: string, statusPath: string): AddonState {
  if (!existsSync(file)) {
    return { ok: false, reason: recordedFailure(statusPath) ?? 'the native addon has not been built (native/build/Release/costsim_native.node is missing)' };
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    return { ok: true, addon, blas: addon.blasConfig() };
  } catch (error) {
    return { ok: false, reason: `the native addon failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
}

let cached: AddonState | undefined;

/** Load the repo's addon once per process; never throws. */
export function loadNativeAddon(): AddonState {
  cached ??= loadAddonFrom(addonFile, statusFile);
  return cached;
}

/** How to make the addon available, for `costsim doctor`. */
export const NATIVE_HOW_TO_ENABLE =
  'install a C++ compiler, make, python3 and OpenBLAS (Debian/Ubuntu: `apt-get install g++ make python3 libopenblas-dev`), ' +
  'then run `node native/build.mjs` (npm ci and npm install run it too)';
