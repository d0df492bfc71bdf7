// Pure C++ kernels of the costsim native addon: float32, row-major, NHWC, no N-API types,
// so they can be read (and tested) apart from the JavaScript glue in addon.cc.
#pragma once
#include <cstddef>
#include <cstdint>

namespace costsim {

// OpenBLAS threads for large products; small ones run on one thread, because waking a second
// thread costs more than it saves below ~1e8 FLOPs, and far more when the cores are shared.
void SetMaxThreads(int threads);
int MaxThreads();
// Use MaxThreads() for a product of `flops`, or 1 thread when it is small.
void UseThreadsFor(double flops);

// Activations fused after a GEMM or convolution, with the codes the JS side passes.
enum Activation : int { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kLeakyRelu = 4, kSigmoid = 5 };

// C[b] = op(A[b]) · op(B[b]) (+ bias over columns, then activation) for each batch entry b,
// where entry b reads A at offsets[3b], B at offsets[3b+1] and writes C at offsets[3b+2]
// (in floats). op(A) is M×K, op(B) is K×N, C is M×N, all densely packed.
void GemmBatch(bool transA, bool transB, int M, int N, int K, const float* A, const float* B, float* C,
               const int32_t* offsets, int batch, const float* bias, int activation, float alpha);

// Bias over the last dimension (length cols) then activation, in place, on rows×cols values.
void BiasActivation(float* values, std::size_t rows, int cols, const float* bias, int activation, float alpha);

// Geometry of a 2-D NHWC convolution as tfjs computes it (computeConv2DInfo).
struct ConvGeometry {
  int batch, inH, inW, inC, outH, outW, outC, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft;
};
constexpr int kConvGeometryFields = 15;

// y[B,OH,OW,OC] = conv(x[B,H,W,C], w[KH,KW,C,OC]) (+ bias, activation), by im2col + GEMM.
void Conv2D(const float* x, const float* w, float* y, const ConvGeometry& g, const float* bias, int activation, float alpha);
// dw[KH,KW,C,OC] = im2col(x)ᵀ · dy.
void Conv2DBackpropFilter(const float* x, const float* dy, float* dw, const ConvGeometry& g);
// dx[B,H,W,C] = col2im(dy · wᵀ).
void Conv2DBackpropInput(const float* dy, const float* w, float* dx, const ConvGeometry& g);

// dx = gradient of max pooling: each dy goes to the first maximum of its window (tfjs order).
// Uses ConvGeometry with outC = inC and kH/kW the pool window.
void MaxPoolGrad(const float* dy, const float* x, float* dx, const ConvGeometry& g);
// out[j] = Σ_i x[i·inner + j]: a sum over leading axes (bias gradients).
void SumLeading(const float* x, float* out, std::size_t outer, std::size_t inner);
// out[i] = Σ_j x[i·inner + j]: a sum over trailing axes (layer-norm statistics, softmax gradients).
void SumTrailing(const float* x, float* out, std::size_t outer, std::size_t inner);

// Binary elementwise ops with the codes the JS side passes; kTwiceProduct = a·(2b) is the Square gradient dy·2x.
enum BinaryOp : int { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kSquaredDifference = 4, kTwiceProduct = 5 };
// out = a op b over an output of `rank` dims `shape` (row-major, dense); a and b are read with
// per-dim element strides (0 where that input is broadcast along the dim).
void Binary(int op, const float* a, const float* b, float* out, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides,
            int rank);

// Batch norm over the last axis (`channels` wide, `outer` rows): y = (x − mean)·rsqrt(var + ε)·scale + offset,
// scale/offset may be null (1 and 0).
void BatchNormForward(const float* x, const float* mean, const float* variance, const float* offset, const float* scale,
                      float epsilon, float* y, std::size_t outer, int channels);
// Its gradients wrt x, mean, variance, scale and offset as tfjs's FusedBatchNorm gradient defines them
// (mean and variance treated as independent inputs); scale may be null.
void BatchNormBackward(const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon,
                       std::size_t outer, int channels, float* dx, float* dMean, float* dVariance, float* dScale, float* dOffset);
// dx = dy · step(x) (the ReLU gradient).
void ReluGrad(const float* dy, const float* x, float* dx, std::size_t n);

// Layer norm (rms = false) or RMSNorm (rms = true, no centring) over the last axis (`channels` wide, `outer` rows):
// y = (x − mean)·rstd·γ + β; writes each row's mean (0 for RMSNorm) and rstd = 1/√(var + ε). γ, β may be null (1, 0).
void LayerNormForward(const float* x, const float* gamma, const float* beta, float epsilon, bool rms, float* y, float* mean,
                      float* rstd, std::size_t outer, int channels);
// Its gradients wrt x, γ and β given dy and the forward's per-row mean and rstd; γ, dGamma, dBeta may be null.
void LayerNormBackward(const float* x, const float* dy, const float* gamma, const float* mean, const float* rstd, bool rms,
                       std::size_t outer, int channels, float* dx, float* dGamma, float* dBeta);
// y = gelu(x + bias) (exact erf GELU), bias over the last axis (may be null).
void BiasGeluForward(const float* x, const float* bias, float* y, std::size_t outer, int channels);
// dx = dy·gelu'(x + bias) (the gradient wrt the pre-activation, so also wrt x) and dBias = Σ_rows dx (may be null).
void BiasGeluBackward(const float* x, const float* bias, const float* dy, float* dx, float* dBias, std::size_t outer, int channels);

// Attention over `slices` (batch·head) slices of [batch, rows, heads·d] Q, K, V, out (heads = 1: packed [slices, rows, d]): probs = softmax(scale·Q·Kᵀ, causal-masked when `causal`:
// query i sees keys j ≤ (tk − tq) + i) [slices, tq, tk], out = probs·V [slices, tq, d]; Q [slices, tq, d], K and V [slices, tk, d].
void AttentionForward(const float* q, const float* k, const float* v, float* out, float* probs, int slices, int tq, int tk, int d,
                      float scale, bool causal, int heads);
// Its gradients dQ, dK, dV from the forward's probs and dOut.
void AttentionBackward(const float* q, const float* k, const float* v, const float* probs, const float* dOut, float* dq, float* dk,
                       float* dv, int slices, int tq, int tk, int d, float scale, int heads);

// Row strides (floats) of the attention tensors: Q and dQ, K/V and dK/dV, out and dOut.
struct AttentionStrides {
  int q, kv, out;
};
// The same two kernels with explicit row strides (AttentionForward/Backward use heads·d for all three);
// probs may be null in the forward (not kept: a scratch of tq·tk floats is reused per slice).
void AttentionForwardStrided(const float* q, const float* k, const float* v, float* out, float* probs, int slices, int tq, int tk, int d,
                             float scale, bool causal, int heads, const AttentionStrides& ld);
void AttentionBackwardStrided(const float* q, const float* k, const float* v, const float* probs, const float* dOut, float* dq, float* dk,
                              float* dv, int slices, int tq, int tk, int d, float scale, int heads, const AttentionStrides& ld);
// A KV cache grown by `tokens` positions: k, v [batch, past + tokens, width] = the cached kPast, vPast
// [batch, past, width] followed by the K and V columns (width…2·width, 2·width…3·width) of qkv [batch, tokens, 3·width].
void AppendKeysValues(const float* qkv, const float* kPast, const float* vPast, float* k, float* v, int batch, int past, int tokens,
                      int width);

// y [rows, parts·n] = x [rows, k] · [W_0 | … | W_{parts−1}] (each [k, n]) + [b_0 | …] (each [n], or null).
void LinearPartsForward(const float* x, const float* const* w, const float* const* b, int parts, float* y, int rows, int k, int n);
// Its gradients from dy [rows, parts·n]: dx [rows, k] (may be null), dw[p] [k, n] and db[p] [n] (each may be null).
void LinearPartsBackward(const float* x, const float* const* w, const float* dy, int parts, int rows, int k, int n, float* dx,
                         float* const* dw, float* const* db);

// out = x tiled reps[d] times along each of `rank` dims (row-major), as tf.tile.
void Tile(const float* x, float* out, const int32_t* xShape, const int32_t* reps, int rank);

// One Adam step as tfjs's AdamOptimizer computes it, in place on w, m, v.
struct AdamParams {
  float learningRate, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2;
};
void AdamUpdate(float* w, const float* grad, float* m, float* v, std::size_t n, const AdamParams& p);

// Gather along one axis, as tfjs's GatherV2 flattens it: out[b, o, i, :] = x[b, o, indices[b, i], :] with x
// [batch, outer, dim, slice] and indices [batch, count]. Returns the position of the first index outside
// [0, dim) (nothing written), else −1.
int64_t GatherRows(const float* x, const int32_t* indices, float* out, std::size_t batch, std::size_t outer, int dim,
                   std::size_t slice, std::size_t count);
// out[s, :] = Σ over i with ids[i] = s of x[i, :] (UnsortedSegmentSum, the Gather gradient), out [segments, inner];
// ids outside [0, segments) are dropped, as in TensorFlow.
void SegmentSumRows(const float* x, const int32_t* ids, float* out, std::size_t count, std::size_t inner, int segments);
// Per-row softmax cross-entropy loss[r] = −Σ_c labels[r,c]·log softmax(logits[r])_c (labels need not be one-hot
// or sum to 1) and logSumExp[r] = log Σ_c exp(logits[r,c]), without storing softmax; double accumulators.
void SoftmaxCrossEntropyForward(const float* logits, const float* labels, float* loss, float* logSumExp, std::size_t rows,
                                std::size_t classes);
// dLogits[r,c] = dLoss[r]·(softmax(logits[r])_c·Σ_c′ labels[r,c′] − labels[r,c]) from the forward's logSumExp.
void SoftmaxCrossEntropyBackward(const float* logits, const float* labels, const float* logSumExp, const float* dLoss, float* dLogits,
                                 std::size_t rows, std::size_t classes);

}  // namespace costsim
