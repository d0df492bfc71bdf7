// Batch normalisation over the last (channel) axis, forward and a fused backward, and the
// ReLU gradient: the per-element work that tfjs runs as a dozen separate broadcasting ops
// (FusedBatchNorm_grad.ts, Relu_grad.ts) done in one or two passes. Semantics follow tfjs:
// y = (x − mean) · rsqrt(variance + ε) · scale + offset.
#include <cmath>
#include <vector>
#include "kernels.h"

namespace costsim {

void BatchNormForward(const float* x, const float* mean, const float* variance, const float* offset, const float* scale,
                      float epsilon, float* y, std::size_t outer, int channels) {
  // Per channel: y = x · k + c with k = scale · rsqrt(var + ε), c = offset − mean · k.
  std::vector<float> k(channels), c(channels);
  for (int j = 0; j < channels; j++) {
    const float inv = 1.0f / std::sqrt(variance[j] + epsilon);
    k[j] = (scale ? scale[j] : 1.0f) * inv;
    c[j] = (offset ? offset[j] : 0.0f) - mean[j] * k[j];
  }
  const float* __restrict kk = k.data();
  const float* __restrict cc = c.data();
  for (std::size_t i = 0; i < outer; i++) {
    const float* __restrict row = x + i * channels;
    float* __restrict dst = y + i * channels;
    for (int j = 0; j < channels; j++) dst[j] = row[j] * kk[j] + cc[j];
  }
}

void BatchNormBackward(const float* x, const float* dy, const float* mean, const float* variance, const float* scale, float epsilon,
                       std::size_t outer, int channels, float* dx, float* dMean, float* dVariance, float* dScale, float* dOffset) {
  // One pass for the channel sums Σdy and Σdy·(x − mean) (double accumulators: ~50k rows),
  // one pass for dx = dy · scale · rsqrt(var + ε).
  std::vector<double> sumDy(channels, 0.0), sumDyCentered(channels, 0.0);
  for (std::size_t i = 0; i < outer; i++) {
    const float* row = x + i * channels;
    const float* grad = dy + i * channels;
    for (int j = 0; j < channels; j++) {
      sumDy[j] += grad[j];
      sumDyCentered[j] += static_cast<double>(grad[j]) * (row[j] - mean[j]);
    }
  }
  std::vector<float> k(channels);
  for (int j = 0; j < channels; j++) {
    const float inv = 1.0f / std::sqrt(variance[j] + epsilon);
    const float s = scale ? scale[j] : 1.0f;
    k[j] = s * inv;
    dMean[j] = static_cast<float>(-inv * s * sumDy[j]);
    dVariance[j] = static_cast<float>(-0.5 * inv * inv * inv * s * sumDyCentered[j]);
    dScale[j] = static_cast<float>(inv * sumDyCentered[j]);
    dOffset[j] = static_cast<float>(sumDy[j]);
  }
  const float* __restrict kk = k.data();
  for (std::size_t i = 0; i < outer; i++) {
    const float* __restrict grad = dy + i * channels;
    float* __restrict dst = dx + i * channels;
    for (int j = 0; j < channels; j++) dst[j] = grad[j] * kk[j];
  }
}

void ReluGrad(const float* dy, const float* x, float* dx, std::size_t n) {
  const float* __restrict g = dy;
  const float* __restrict v = x;
  float* __restrict out = dx;
  // tfjs: dy · step(x), step(x) = x > 0 ? 1 : 0 (NaN stays NaN there: step(NaN) = NaN).
  // Written as selects so the loop vectorises.
  for (std::size_t i = 0; i < n; i++) {
    const float value = v[i], grad = g[i];
    const float passed = value > 0.0f ? grad : 0.0f * grad;
    out[i] = value != value ? value : passed;
  }
}

}  // namespace costsim
