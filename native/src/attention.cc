// Scaled dot-product attention with an optional causal mask, forward and backward, per
// (batch·head) slice: the scores GEMM, mask, softmax and weighted-sum GEMM in one call instead
// of tfjs's ~6 kernels (and ~10 more for the gradient). Causal: query i (of Tq) sees keys
// j ≤ (Tk − Tq) + i, so training (Tq = Tk) is the lower triangle and a KV-cached decode step
// (queries after `past` cached keys) sees every cached key and the new ones up to itself.
// Layout: slices = batch·heads of [batch, rows, heads·d] tensors (heads = 1: packed [slices, rows, d];
// heads > 1: the projections' own layout, so no head-splitting transposes are needed).
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <vector>
#include "kernels.h"

namespace costsim {

namespace {
int VisibleKeys(bool causal, int tq, int tk, int i) { return causal ? std::min(tk, tk - tq + i + 1) : tk; }
// First element of slice s (= batch·heads + head) of a [batch, rows, heads·d] tensor; rows are heads·d apart.
std::size_t SliceBase(int s, int heads, int rows, int d) {
  return static_cast<std::size_t>(s / heads) * rows * heads * d + static_cast<std::size_t>(s % heads) * d;
}
}  // namespace

void AttentionForward(const float* q, const float* k, const float* v, float* out, float* probs, int slices, int tq, int tk, int d,
                      float scale, bool causal, int heads) {
  UseThreadsFor(2.0 * tq * tk * d);
  const int ld = heads * d;
  for (int s = 0; s < slices; s++) {
    const float* qs = q + SliceBase(s, heads, tq, d);
    const float* ks = k + SliceBase(s, heads, tk, d);
    const float* vs = v + SliceBase(s, heads, tk, d);
    float* ps = probs + static_cast<std::size_t>(s) * tq * tk;
    float* os = out + SliceBase(s, heads, tq, d);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, scale, qs, ld, ks, ld, 0.0f, ps, tk);
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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, 1.0f, ps, tk, vs, ld, 0.0f, os, ld);
  }
}

void AttentionBackward(const float* q, const float* k, const float* v, const float* probs, const float* dOut, float* dq, float* dk,
                       float* dv, int slices, int tq, int tk, int d, float scale, int heads) {
  UseThreadsFor(2.0 * tq * tk * d);
  const int ld = heads * d;
  std::vector<float> dScores(static_cast<std::size_t>(tq) * tk);
  float* ds = dScores.data();
  for (int s = 0; s < slices; s++) {
    const std::size_t qOff = SliceBase(s, heads, tq, d), kOff = SliceBase(s, heads, tk, d);
    const float* ps = probs + static_cast<std::size_t>(s) * tq * tk;
    const float* go = dOut + qOff;
    // dV = Pᵀ·dO; dP = dO·Vᵀ
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, 1.0f, ps, tk, go, ld, 0.0f, dv + kOff, ld);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, 1.0f, go, ld, v + kOff, ld, 0.0f, ds, tk);
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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, scale, ds, tk, k + kOff, ld, 0.0f, dq + qOff, ld);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, scale, ds, tk, q + qOff, ld, 0.0f, dk + kOff, ld);
  }
}

}  // namespace costsim
