// Scaled dot-product attention with an optional causal mask, forward and backward, per
// (batch·head) slice: the scores GEMM, mask, softmax and weighted-sum GEMM in one call instead
// of tfjs's ~6 kernels (and ~10 more for the gradient). Causal: query i (of Tq) sees keys
// j ≤ (Tk − Tq) + i, so training (Tq = Tk) is the lower triangle and a KV-cached decode step
// (queries after `past` cached keys) sees every cached key and the new ones up to itself.
// Layout: slices = batch·heads of row-major [batch, rows, ld] tensors, head h of a row in columns
// h·d…(h+1)·d (heads = 1 and ld = d: packed [slices, rows, d]). The row strides let Q, K and V be
// read where a projection wrote them: ld = heads·d for separate projections, 3·heads·d for one
// fused QKV projection [batch, rows, 3·heads·d] (Q, K, V at column offsets 0, heads·d, 2·heads·d).
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>
#include "kernels.h"

namespace costsim {

namespace {
int VisibleKeys(bool causal, int tq, int tk, int i) { return causal ? std::min(tk, tk - tq + i + 1) : tk; }
// First element of slice s (= batch·heads + head) of a [batch, rows, ld] tensor.
std::size_t SliceBase(int s, int heads, int rows, int d, int ld) {
  return static_cast<std::size_t>(s / heads) * rows * ld + static_cast<std::size_t>(s % heads) * d;
}

void SoftmaxRows(float* ps, int tq, int tk, bool causal) {
  for (int i = 0; i < tq; i++) {
    float* row = ps + static_cast<std::size_t>(i) * tk;
    const int visible = VisibleKeys(causal, tq, tk, i);
    float peak = -INFINITY;
    for (int j = 0; j < visible; j++) peak = std::max(peak, row[j]);
    double sum = 0.0;
    for (int j = 0; j < visible; j++) {
      row[j] = std::exp(row[j] - peak);
      sum += row[j];
    }
    const float inv = visible > 0 ? static_cast<float>(1.0 / sum) : 0.0f;
    for (int j = 0; j < visible; j++) row[j] *= inv;
    for (int j = std::max(visible, 0); j < tk; j++) row[j] = 0.0f;
  }
}
}  // namespace

void AttentionForwardStrided(const float* q, const float* k, const float* v, float* out, float* probs, int slices, int tq, int tk, int d,
                             float scale, bool causal, int heads, const AttentionStrides& ld) {
  UseThreadsFor(2.0 * tq * tk * d);
  std::vector<float> scratch(probs ? 0 : static_cast<std::size_t>(tq) * tk);
  for (int s = 0; s < slices; s++) {
    const float* qs = q + SliceBase(s, heads, tq, d, ld.q);
    const float* ks = k + SliceBase(s, heads, tk, d, ld.kv);
    const float* vs = v + SliceBase(s, heads, tk, d, ld.kv);
    float* ps = probs ? probs + static_cast<std::size_t>(s) * tq * tk : scratch.data();
    float* os = out + SliceBase(s, heads, tq, d, ld.out);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, scale, qs, ld.q, ks, ld.kv, 0.0f, ps, tk);
    SoftmaxRows(ps, tq, tk, causal);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, 1.0f, ps, tk, vs, ld.kv, 0.0f, os, ld.out);
  }
}

void AttentionBackwardStrided(const float* q, const float* k, const float* v, const float* probs, const float* dOut, float* dq, float* dk,
                              float* dv, int slices, int tq, int tk, int d, float scale, int heads, const AttentionStrides& ld) {
  UseThreadsFor(2.0 * tq * tk * d);
  std::vector<float> dScores(static_cast<std::size_t>(tq) * tk);
  float* ds = dScores.data();
  for (int s = 0; s < slices; s++) {
    const std::size_t qOff = SliceBase(s, heads, tq, d, ld.q), kOff = SliceBase(s, heads, tk, d, ld.kv);
    const float* ps = probs + static_cast<std::size_t>(s) * tq * tk;
    const float* go = dOut + SliceBase(s, heads, tq, d, ld.out);
    // dV = Pᵀ·dO; dP = dO·Vᵀ
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, 1.0f, ps, tk, go, ld.out, 0.0f, dv + kOff, ld.kv);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, 1.0f, go, ld.out, v + kOff, ld.kv, 0.0f, ds, tk);
    // Softmax gradient: dS = P ⊙ (dP − Σ_j P·dP); masked entries have P = 0, so dS = 0 there.
    for (int i = 0; i < tq; i++) {
      const float* p = ps + static_cast<std::size_t>(i) * tk;
      float* g = ds + static_cast<std::size_t>(i) * tk;
      double dot = 0.0;
      for (int j = 0; j < tk; j++) dot += static_cast<double>(p[j]) * g[j];
      const float c = static_cast<float>(dot);
      for (int j = 0; j < tk; j++) g[j] = p[j] * (g[j] - c);
    }
    // dQ = scale·dS·K; dK = scale·dSᵀ·Q
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, scale, ds, tk, k + kOff, ld.kv, 0.0f, dq + qOff, ld.q);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, scale, ds, tk, q + qOff, ld.q, 0.0f, dk + kOff, ld.kv);
  }
}

void AttentionForward(const float* q, const float* k, const float* v, float* out, float* probs, int slices, int tq, int tk, int d,
                      float scale, bool causal, int heads) {
  const int ld = heads * d;
  AttentionForwardStrided(q, k, v, out, probs, slices, tq, tk, d, scale, causal, heads, {ld, ld, ld});
}

void AttentionBackward(const float* q, const float* k, const float* v, const float* probs, const float* dOut, float* dq, float* dk,
                       float* dv, int slices, int tq, int tk, int d, float scale, int heads) {
  const int ld = heads * d;
  AttentionBackwardStrided(q, k, v, probs, dOut, dq, dk, dv, slices, tq, tk, d, scale, heads, {ld, ld, ld});
}

void AppendKeysValues(const float* qkv, const float* kPast, const float* vPast, float* k, float* v, int batch, int past, int tokens,
                      int width) {
  const std::size_t rowBytes = static_cast<std::size_t>(width) * sizeof(float);
  const int total = past + tokens;
  for (int b = 0; b < batch; b++) {
    if (past > 0) {
      std::memcpy(k + static_cast<std::size_t>(b) * total * width, kPast + static_cast<std::size_t>(b) * past * width, rowBytes * past);
      std::memcpy(v + static_cast<std::size_t>(b) * total * width, vPast + static_cast<std::size_t>(b) * past * width, rowBytes * past);
    }
    for (int t = 0; t < tokens; t++) {
      const float* row = qkv + (static_cast<std::size_t>(b) * tokens + t) * 3 * width;
      const std::size_t dst = (static_cast<std::size_t>(b) * total + past + t) * width;
      std::memcpy(k + dst, row + width, rowBytes);
      std::memcpy(v + dst, row + 2 * width, rowBytes);
    }
  }
}

}  // namespace costsim
