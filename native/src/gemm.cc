// Batched GEMM with a fused bias + activation epilogue, on OpenBLAS's cblas_sgemm.
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include "kernels.h"

extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace costsim {

namespace {
// Assumed crossover (measured roughly on a 2-core Zen 3: a 704×64×64 product took ~4 ms with two
// threads on a loaded machine and well under 1 ms with one).
constexpr double kMultiThreadFlops = 1e8;
int maxThreads = 0;
int currentThreads = 0;
}  // namespace

void SetMaxThreads(int threads) {
  maxThreads = threads;
  openblas_set_num_threads(threads);
  currentThreads = threads;
}

int MaxThreads() {
  if (maxThreads == 0) maxThreads = currentThreads = openblas_get_num_threads();
  return maxThreads;
}

void UseThreadsFor(double flops) {
  const int wanted = flops < kMultiThreadFlops ? 1 : MaxThreads();
  if (currentThreads == 0) currentThreads = openblas_get_num_threads();
  if (wanted != currentThreads) {
    openblas_set_num_threads(wanted);
    currentThreads = wanted;
  }
}

void BiasActivation(float* values, std::size_t rows, int cols, const float* bias, int activation, float alpha) {
  if (bias == nullptr && activation == kLinear) return;
  for (std::size_t r = 0; r < rows; r++) {
    float* row = values + r * static_cast<std::size_t>(cols);
    if (bias != nullptr) {
      for (int c = 0; c < cols; c++) row[c] += bias[c];
    }
    switch (activation) {
      case kRelu:
        for (int c = 0; c < cols; c++) row[c] = std::max(row[c], 0.0f);
        break;
      case kRelu6:
        for (int c = 0; c < cols; c++) row[c] = std::min(std::max(row[c], 0.0f), 6.0f);
        break;
      case kElu:
        for (int c = 0; c < cols; c++) row[c] = row[c] >= 0.0f ? row[c] : std::expm1(row[c]);
        break;
      case kLeakyRelu:
        for (int c = 0; c < cols; c++) row[c] = row[c] >= 0.0f ? row[c] : alpha * row[c];
        break;
      case kSigmoid:
        for (int c = 0; c < cols; c++) row[c] = 1.0f / (1.0f + std::exp(-row[c]));
        break;
      default:
        break;
    }
  }
}

void GemmBatch(bool transA, bool transB, int M, int N, int K, const float* A, const float* B, float* C,
               const int32_t* offsets, int batch, const float* bias, int activation, float alpha) {
  const int lda = transA ? M : K;
  const int ldb = transB ? K : N;
  UseThreadsFor(2.0 * M * N * K * batch);
  for (int b = 0; b < batch; b++) {
    const float* a = A + (offsets ? offsets[3 * b] : 0);
    const float* bm = B + (offsets ? offsets[3 * b + 1] : 0);
    float* c = C + (offsets ? offsets[3 * b + 2] : 0);
    if (K == 0) {
      std::fill(c, c + static_cast<std::size_t>(M) * N, 0.0f);
    } else {
      cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, a,
                  lda, bm, ldb, 0.0f, c, N);
    }
    BiasActivation(c, static_cast<std::size_t>(M), N, bias, activation, alpha);
  }
}

}  // namespace costsim
