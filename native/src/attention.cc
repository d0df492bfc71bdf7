// Scaled dot-product attention with an optional causal mask, forward and backward, per
// (batch·head) slice: the scores GEMM, mask, softmax and weighted-sum GEMM in one call instead
// of tfjs's ~6 kernels (and ~10 more for the gradient). Causal: query i (of Tq) sees keys
// j ≤ (Tk − Tq) + i, so training (Tq = Tk) is the lower triangle and a KV-cached decode step
// (queries after `past` cached keys) sees every cached key and the new ones up to itself.
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <vector>
#include "kernels.h"

namespace costsim {

namespace {
int VisibleKeys(bool causal, int tq, int tk, int i) { return causal ? std::min(tk, tk - tq + i + 1) : tk; }
}  // namespace

void AttentionForward(const float* q, const float* k, const float* v, float* out, float* probs, int slices, int tq, int tk, int d,
                      float scale, bool causal) {
  UseThreadsFor(2.0 * tq * tk * d);
  for (int s = 0; s < slices; s++) {
    const float* qs = q + static_cast<std::size_t>(s) * tq * d;
    const float* ks = k + static_cast<std::size_t>(s) * tk * d;
    const float* vs = v + static_cast<std::size_t>(s) * tk * d;
    float* ps = probs + static_cast<std::size_t>(s) * tq * tk;
    float* os = out + static_cast<std::size_t>(s) * tq * d;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, scale, qs, d, ks, d, 0.0f, ps, tk);
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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, 1.0f, ps, tk, vs, d, 0.0f, os, d);
  }
}

void AttentionBackward(const float* q, const float* k, const float* v, const float* probs, const float* dOut, float* dq, float* dk,
                       float* dv, int slices, int tq, int tk, int d, float scale) {
  UseThreadsFor(2.0 * tq * tk * d);
  std::vector<float> dScores(static_cast<std::size_t>(tq) * tk);
  float* ds = dScores.data();
  for (int s = 0; s < slices; s++) {
    const std::size_t qOff = static_cast<std::size_t>(s) * tq * d, kOff = static_cast<std::size_t>(s) * tk * d;
    const float* ps = probs + static_cast<std::size_t>(s) * tq * tk;
    const float* go = dOut + qOff;
    // dV = Pᵀ·dO; dP = dO·Vᵀ
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, 1.0f, ps, tk, go, d, 0.0f, dv + kOff, d);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, tq, tk, d, 1.0f, go, d, v + kOff, d, 0.0f, ds, tk);
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
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, tq, d, tk, scale, ds, tk, k + kOff, d, 0.0f, dq + qOff, d);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, tk, d, tq, scale, ds, tk, q + qOff, d, 0.0f, dk + kOff, d);
  }
}

}  // namespace costsim
