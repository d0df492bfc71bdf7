// Memory-bound training kernels that the wasm backend runs slowly: max-pool gradient,
// reductions over leading or trailing axes (bias gradients, normalisation statistics), tiling,
// and a fused Adam update.
// Each is one pass over its data; semantics follow tfjs's cpu backend.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>
#include "kernels.h"

namespace costsim {

namespace {

// Windows that tile the input exactly (stride = window, no padding, no dilation, no remainder),
// e.g. 2×2 stride 2: every dx element belongs to one window, so dx is written once (the
// window's first maximum gets dy, the rest 0) with no zero-fill pass and no scattered adds.
bool TilesExactly(const ConvGeometry& g) {
  return g.strideH == g.kH && g.strideW == g.kW && g.dilationH == 1 && g.dilationW == 1 && g.padTop == 0 && g.padLeft == 0 &&
         g.inH == g.outH * g.kH && g.inW == g.outW * g.kW;
}

void MaxPoolGradTiled(const float* dy, const float* x, float* dx, const ConvGeometry& g) {
  const int C = g.inC;
  std::vector<float> bestStore(C);
  std::vector<int32_t> whereStore(C);
  float* __restrict best = bestStore.data();
  int32_t* __restrict where = whereStore.data();
  const std::size_t rowStride = static_cast<std::size_t>(g.inW) * C;
  const float* dyPixel = dy;
  for (int b = 0; b < g.batch; b++) {
    for (int oh = 0; oh < g.outH; oh++) {
      const std::size_t rowBase = (static_cast<std::size_t>(b) * g.inH + static_cast<std::size_t>(oh) * g.kH) * rowStride;
      for (int ow = 0; ow < g.outW; ow++, dyPixel += C) {
        const std::size_t corner = rowBase + static_cast<std::size_t>(ow) * g.kW * C;
        std::fill(best, best + C, -std::numeric_limits<float>::infinity());
        std::fill(where, where + C, -1);
        // Window positions in row-major order, strictly greater: the first maximum wins, as in tfjs.
        for (int kh = 0, p = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++, p++) {
            const float* __restrict values = x + corner + kh * rowStride + static_cast<std::size_t>(kw) * C;
            for (int d = 0; d < C; d++) {
              // Integer masks instead of selects: GCC does not if-convert the select form here.
              const float value = values[d], current = best[d];
              const int32_t mask = -static_cast<int32_t>(value > current);
              best[d] = std::max(current, value);  // (current < value) ? value : current, NaN never taken
              where[d] = (p & mask) | (where[d] & ~mask);
            }
          }
        }
        const float* __restrict grad = dyPixel;
        for (int kh = 0, p = 0; kh < g.kH; kh++) {
          for (int kw = 0; kw < g.kW; kw++, p++) {
            float* __restrict out = dx + corner + kh * rowStride + static_cast<std::size_t>(kw) * C;
            for (int d = 0; d < C; d++) {
              const float g = grad[d];
              out[d] = where[d] == p ? g : 0.0f;
            }
          }
        }
      }
    }
  }
}

}  // namespace

void MaxPoolGrad(const float* dy, const float* x, float* dx, const ConvGeometry& g) {
  if (TilesExactly(g)) {
    MaxPoolGradTiled(dy, x, dx, g);
    return;
  }
  const std::size_t inPixels = static_cast<std::size_t>(g.inH) * g.inW;
  std::fill(dx, dx + static_cast<std::size_t>(g.batch) * inPixels * g.inC, 0.0f);
  // Per-channel running maximum and where it is (offset within the image, -1 = none yet).
  // Branch-free (integer masks) over the channel vector so the compiler vectorises it: a
  // data-dependent branch per element mispredicted about half the time on real activations.
  std::vector<float> bestStore(g.inC);
  std::vector<int32_t> whereStore(g.inC);
  float* __restrict best = bestStore.data();
  int32_t* __restrict where = whereStore.data();
  const int effH = (g.kH - 1) * g.dilationH + 1;
  const int effW = (g.kW - 1) * g.dilationW + 1;
  const float* dyPixel = dy;
  for (int b = 0; b < g.batch; b++) {
    const float* image = x + b * inPixels * g.inC;
    float* dxImage = dx + b * inPixels * g.inC;
    for (int oh = 0; oh < g.outH; oh++) {
      const int rowCorner = oh * g.strideH - g.padTop;
      int rowMin = rowCorner;
      while (rowMin < 0) rowMin += g.dilationH;
      const int rowMax = std::min(g.inH, rowCorner + effH);
      for (int ow = 0; ow < g.outW; ow++, dyPixel += g.inC) {
        const int colCorner = ow * g.strideW - g.padLeft;
        int colMin = colCorner;
        while (colMin < 0) colMin += g.dilationW;
        const int colMax = std::min(g.inW, colCorner + effW);
        std::fill(best, best + g.inC, -std::numeric_limits<float>::infinity());
        std::fill(where, where + g.inC, -1);
        // Scan rows then columns, strictly greater: the first maximum wins, as in tfjs.
        for (int r = rowMin; r < rowMax; r += g.dilationH) {
          for (int c = colMin; c < colMax; c += g.dilationW) {
            const int32_t pixel = (r * g.inW + c) * g.inC;
            const float* __restrict values = image + pixel;
            for (int d = 0; d < g.inC; d++) {
              const float value = values[d], current = best[d];
              const int32_t mask = -static_cast<int32_t>(value > current);
              best[d] = std::max(current, value);
              where[d] = ((pixel + d) & mask) | (where[d] & ~mask);
            }
          }
        }
        for (int d = 0; d < g.inC; d++) {
          if (where[d] >= 0) dxImage[where[d]] += dyPixel[d];
        }
      }
    }
  }
}

void SumLeading(const float* x, float* out, std::size_t outer, std::size_t inner) {
  // Double accumulators: a bias gradient sums tens of thousands of rows.
  std::vector<double> sums(inner, 0.0);
  for (std::size_t i = 0; i < outer; i++) {
    const float* row = x + i * inner;
    for (std::size_t j = 0; j < inner; j++) sums[j] += row[j];
  }
  for (std::size_t j = 0; j < inner; j++) out[j] = static_cast<float>(sums[j]);
}

void SumTrailing(const float* x, float* out, std::size_t outer, std::size_t inner) {
  // Eight float lanes per row (vectorised); a row is at most a few thousand values in practice.
  constexpr std::size_t kLanes = 8;
  for (std::size_t i = 0; i < outer; i++) {
    const float* row = x + i * inner;
    float lanes[kLanes] = {};
    std::size_t j = 0;
    for (; j + kLanes <= inner; j += kLanes) {
      for (std::size_t l = 0; l < kLanes; l++) lanes[l] += row[j + l];
    }
    double total = 0.0;
    for (std::size_t l = 0; l < kLanes; l++) total += lanes[l];
    for (; j < inner; j++) total += row[j];
    out[i] = static_cast<float>(total);
  }
}

namespace {

// Tile dimension `d` onward: x block at `x`, output block at `out`; returns floats written.
std::size_t TileFrom(const float* x, float* out, const int32_t* xShape, const int32_t* reps, int rank, int d,
                     const std::size_t* xStrides) {
  if (d == rank - 1) {
    const std::size_t row = static_cast<std::size_t>(xShape[d]);
    for (int r = 0; r < reps[d]; r++) std::memcpy(out + r * row, x, sizeof(float) * row);
    return row * reps[d];
  }
  // Build one tiled copy of dims d+1.. for each x index along d, then repeat the whole slab.
  std::size_t written = 0;
  for (int i = 0; i < xShape[d]; i++) written += TileFrom(x + i * xStrides[d], out + written, xShape, reps, rank, d + 1, xStrides);
  for (int r = 1; r < reps[d]; r++) std::memcpy(out + r * written, out, sizeof(float) * written);
  return written * reps[d];
}

}  // namespace

void Tile(const float* x, float* out, const int32_t* xShape, const int32_t* reps, int rank) {
  if (rank == 0) {
    out[0] = x[0];
    return;
  }
  std::vector<std::size_t> strides(rank);
  std::size_t stride = 1;
  for (int d = rank - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= static_cast<std::size_t>(xShape[d]);
  }
  TileFrom(x, out, xShape, reps, rank, 0, strides.data());
}

void AdamUpdate(float* w, const float* grad, float* m, float* v, std::size_t n, const AdamParams& p) {
  // __restrict: the four arrays are distinct tensors, which lets the compiler vectorise the loop.
  float* __restrict wr = w;
  const float* __restrict gr = grad;
  float* __restrict mr = m;
  float* __restrict vr = v;
  const float keep1 = p.beta1, keep2 = p.beta2, take1 = 1.0f - p.beta1, take2 = 1.0f - p.beta2;
  // Reciprocals of the bias corrections: multiplications instead of two divisions per element
  // (differs from tfjs's division by at most an ulp or two).
  const float correct1 = 1.0f / p.oneMinusAccBeta1, correct2 = 1.0f / p.oneMinusAccBeta2;
  for (std::size_t i = 0; i < n; i++) {
    const float gi = gr[i];
    const float mi = mr[i] * keep1 + gi * take1;
    const float vi = vr[i] * keep2 + gi * gi * take2;
    mr[i] = mi;
    vr[i] = vi;
    wr[i] -= p.learningRate * (mi * correct1) / (std::sqrt(vi * correct2) + p.epsilon);
  }
}

}  // namespace costsim
