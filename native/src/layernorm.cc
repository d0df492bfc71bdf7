// Layer normalisation (and RMSNorm) over the last axis, and bias + GELU, each forward and
// backward in one native call: the per-row work tfjs runs as ~10 broadcasting kernels
// (moments, sub, rsqrt, mul, add and their gradients) or 6 (add, div, erf, add, mul, mul).
//   layer norm: y = (x − mean)·rstd·γ + β, rstd = 1/√(var + ε) (biased variance, as tf.moments)
//   RMSNorm:    y = x·rstd·γ,               rstd = 1/√(mean(x²) + ε)
//   GELU (exact, erf form, Hendrycks & Gimpel 2016): gelu(u) = u·Φ(u) = ½u(1 + erf(u/√2))
#include <cmath>
#include <vector>
#include "kernels.h"

namespace costsim {

void LayerNormForward(const float* x, const float* gamma, const float* beta, float epsilon, bool rms, float* y, float* mean,
                      float* rstd, std::size_t outer, int channels) {
  for (std::size_t i = 0; i < outer; i++) {
    const float* __restrict row = x + i * channels;
    double sum = 0.0;
    if (!rms) for (int j = 0; j < channels; j++) sum += row[j];
    const double mu = rms ? 0.0 : sum / channels;
    double squares = 0.0;
    for (int j = 0; j < channels; j++) {
      const double centered = row[j] - mu;
      squares += centered * centered;
    }
    const float r = static_cast<float>(1.0 / std::sqrt(squares / channels + epsilon));
    const float m = static_cast<float>(mu);
    mean[i] = m;
    rstd[i] = r;
    float* __restrict dst = y + i * channels;
    for (int j = 0; j < channels; j++) {
      const float normed = (row[j] - m) * r;
      dst[j] = normed * (gamma ? gamma[j] : 1.0f) + (beta ? beta[j] : 0.0f);
    }
  }
}

void LayerNormBackward(const float* x, const float* dy, const float* gamma, const float* mean, const float* rstd, bool rms,
                       std::size_t outer, int channels, float* dx, float* dGamma, float* dBeta) {
  std::vector<double> sumGamma(channels, 0.0), sumBeta(channels, 0.0);
  for (std::size_t i = 0; i < outer; i++) {
    const float* __restrict row = x + i * channels;
    const float* __restrict grad = dy + i * channels;
    const float m = mean[i], r = rstd[i];
    // dx = r·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ (the mean(g) term only when centring).
    double sumG = 0.0, sumGX = 0.0;
    for (int j = 0; j < channels; j++) {
      const float normed = (row[j] - m) * r;
      const float g = grad[j] * (gamma ? gamma[j] : 1.0f);
      sumG += g;
      sumGX += static_cast<double>(g) * normed;
      sumGamma[j] += static_cast<double>(grad[j]) * normed;
      sumBeta[j] += grad[j];
    }
    const float meanG = rms ? 0.0f : static_cast<float>(sumG / channels);
    const float meanGX = static_cast<float>(sumGX / channels);
    float* __restrict dst = dx + i * channels;
    for (int j = 0; j < channels; j++) {
      const float normed = (row[j] - m) * r;
      const float g = grad[j] * (gamma ? gamma[j] : 1.0f);
      dst[j] = r * (g - meanG - normed * meanGX);
    }
  }
  for (int j = 0; j < channels; j++) {
    if (dGamma) dGamma[j] = static_cast<float>(sumGamma[j]);
    if (dBeta) dBeta[j] = static_cast<float>(sumBeta[j]);
  }
}

void BiasGeluForward(const float* x, const float* bias, float* y, std::size_t outer, int channels) {
  const float invSqrt2 = 0.70710678118654752f;
  for (std::size_t i = 0; i < outer; i++) {
    const float* __restrict row = x + i * channels;
    float* __restrict dst = y + i * channels;
    for (int j = 0; j < channels; j++) {
      const float u = row[j] + (bias ? bias[j] : 0.0f);
      dst[j] = 0.5f * u * (1.0f + std::erf(u * invSqrt2));
    }
  }
}

void BiasGeluBackward(const float* x, const float* bias, const float* dy, float* dx, float* dBias, std::size_t outer, int channels) {
  const float invSqrt2 = 0.70710678118654752f;
  const float invSqrt2Pi = 0.39894228040143268f;
  std::vector<double> sums(channels, 0.0);
  for (std::size_t i = 0; i < outer; i++) {
    const float* __restrict row = x + i * channels;
    const float* __restrict grad = dy + i * channels;
    float* __restrict dst = dx + i * channels;
    for (int j = 0; j < channels; j++) {
      const float u = row[j] + (bias ? bias[j] : 0.0f);
      // gelu'(u) = Φ(u) + u·φ(u)
      const float slope = 0.5f * (1.0f + std::erf(u * invSqrt2)) + u * invSqrt2Pi * std::exp(-0.5f * u * u);
      dst[j] = grad[j] * slope;
      sums[j] += dst[j];
    }
  }
  if (dBias) for (int j = 0; j < channels; j++) dBias[j] = static_cast<float>(sums[j]);
}

}  // namespace costsim
