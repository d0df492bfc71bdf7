// A projection onto several weight matrices at once, y = x·[W_0 | … | W_{p−1}] + [b_0 | … | b_{p−1}]
// (the transformer's Q, K and V), written side by side into one [rows, p·n] output: one call
// (p GEMMs whose output rows are p·n apart) instead of p projections, and one call backward for
// dX = Σ_p dY_p·W_pᵀ, every dW_p = Xᵀ·dY_p and every db_p (dY_p: columns p·n…(p+1)·n of dY).
#include <cblas.h>
#include <vector>
#include "kernels.h"

namespace costsim {

void LinearPartsForward(const float* x, const float* const* w, const float* const* b, int parts, float* y, int rows, int k, int n) {
  const int ldy = parts * n;
  UseThreadsFor(2.0 * rows * k * ldy);
  for (int p = 0; p < parts; p++) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, k, 1.0f, x, k, w[p], n, 0.0f, y + static_cast<std::size_t>(p) * n, ldy);
  }
  for (int r = 0; r < rows; r++) {
    float* row = y + static_cast<std::size_t>(r) * ldy;
    for (int p = 0; p < parts; p++) {
      if (b[p] == nullptr) continue;
      float* dst = row + static_cast<std::size_t>(p) * n;
      for (int j = 0; j < n; j++) dst[j] += b[p][j];
    }
  }
}

void LinearPartsBackward(const float* x, const float* const* w, const float* dy, int parts, int rows, int k, int n, float* dx,
                         float* const* dw, float* const* db) {
  const int ldy = parts * n;
  UseThreadsFor(4.0 * rows * k * ldy);
  for (int p = 0; p < parts; p++) {
    const float* dyp = dy + static_cast<std::size_t>(p) * n;
    if (dx != nullptr) {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, k, n, 1.0f, dyp, ldy, w[p], n, p == 0 ? 0.0f : 1.0f, dx, k);
    }
    if (dw[p] != nullptr) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, k, n, rows, 1.0f, x, k, dyp, ldy, 0.0f, dw[p], n);
  }
  std::vector<double> sums(static_cast<std::size_t>(ldy), 0.0);
  for (int r = 0; r < rows; r++) {
    const float* row = dy + static_cast<std::size_t>(r) * ldy;
    for (int j = 0; j < ldy; j++) sums[j] += row[j];
  }
  for (int p = 0; p < parts; p++) {
    if (db[p] == nullptr) continue;
    for (int j = 0; j < n; j++) db[p][j] = static_cast<float>(sums[static_cast<std::size_t>(p) * n + j]);
  }
}

}  // namespace costsim
