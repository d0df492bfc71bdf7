// Row gathers and their gradient, and softmax cross-entropy: the embedding lookup (GatherV2),
// its backward (UnsortedSegmentSum, a scatter-add of rows), and the loss over vocabulary-wide
// logits without materialising softmax, log-softmax or a one-hot product.
#include <algorithm>
#include <cmath>
#include <cstring>
#include "kernels.h"

namespace costsim {

int64_t GatherRows(const float* x, const int32_t* indices, float* out, std::size_t batch, std::size_t outer, int dim,
                   std::size_t slice, std::size_t count) {
  for (std::size_t i = 0; i < batch * count; i++) {
    if (indices[i] < 0 || indices[i] >= dim) return static_cast<int64_t>(i);
  }
  const std::size_t bytes = slice * sizeof(float);
  for (std::size_t b = 0; b < batch; b++) {
    const int32_t* ids = indices + b * count;
    for (std::size_t o = 0; o < outer; o++) {
      const float* src = x + (b * outer + o) * dim * slice;
      float* dst = out + (b * outer + o) * count * slice;
      for (std::size_t i = 0; i < count; i++) std::memcpy(dst + i * slice, src + static_cast<std::size_t>(ids[i]) * slice, bytes);
    }
  }
  return -1;
}

void SegmentSumRows(const float* x, const int32_t* ids, float* out, std::size_t count, std::size_t inner, int segments) {
  std::fill(out, out + static_cast<std::size_t>(segments) * inner, 0.0f);
  for (std::size_t i = 0; i < count; i++) {
    const int32_t s = ids[i];
    if (s < 0 || s >= segments) continue;  // dropped, as TensorFlow does
    const float* __restrict src = x + i * inner;
    float* __restrict dst = out + static_cast<std::size_t>(s) * inner;
    for (std::size_t j = 0; j < inner; j++) dst[j] += src[j];
  }
}

void SoftmaxCrossEntropyForward(const float* logits, const float* labels, float* loss, float* logSumExp, std::size_t rows,
                                std::size_t classes) {
  for (std::size_t r = 0; r < rows; r++) {
    const float* z = logits + r * classes;
    const float* y = labels + r * classes;
    float peak = z[0];
    for (std::size_t c = 1; c < classes; c++) peak = std::max(peak, z[c]);
    double sumExp = 0, sumY = 0, sumYZ = 0;
    for (std::size_t c = 0; c < classes; c++) {
      sumExp += std::exp(static_cast<double>(z[c] - peak));
      sumY += y[c];
      sumYZ += static_cast<double>(y[c]) * (z[c] - peak);
    }
    const double lse = std::log(sumExp);  // relative to peak
    // −Σ y·(z − lse_full) with lse_full = peak + lse: Σy·lse − Σ y·(z − peak).
    loss[r] = static_cast<float>(sumY * lse - sumYZ);
    logSumExp[r] = static_cast<float>(peak + lse);
  }
}

void SoftmaxCrossEntropyBackward(const float* logits, const float* labels, const float* logSumExp, const float* dLoss, float* dLogits,
                                 std::size_t rows, std::size_t classes) {
  for (std::size_t r = 0; r < rows; r++) {
    const float* z = logits + r * classes;
    const float* y = labels + r * classes;
    float* dz = dLogits + r * classes;
    double sumY = 0;
    for (std::size_t c = 0; c < classes; c++) sumY += y[c];
    const float g = dLoss[r];
    const float gSumY = static_cast<float>(g * sumY);
    const float lse = logSumExp[r];
    for (std::size_t c = 0; c < classes; c++) dz[c] = gSumY * std::exp(z[c] - lse) - g * y[c];
  }
}

}  // namespace costsim
