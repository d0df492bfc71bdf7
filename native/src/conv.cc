// 2-D convolution (NHWC) forward and both gradients as im2col + GEMM on OpenBLAS.
// The patch matrix is built a few images at a time in a reused native buffer, so memory
// stays bounded (about kChunkFloats floats) and the chunk stays in the core's L2 cache.
#include <cblas.h>
#include <algorithm>
#include <cstring>
#include <vector>
#include "kernels.h"

namespace costsim {
namespace {

// Target patch-matrix size per chunk: 128 Ki floats = 512 KiB, the L2 of one Zen core (assumed from
// AMD's Zen 2/3 specs). Measured here on the CNN's 14×14×32→64 layer (bench:peer profile, 2026-11-22):
// 8 MiB chunks took ~41 ms per step for the three conv kernels, 512 KiB-1 MiB chunks ~25-29 ms.
constexpr std::size_t kChunkFloats = std::size_t{1} << 17;

std::vector<float>& Scratch(std::size_t floats) {
  static thread_local std::vector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer;
}

std::size_t PatchLength(const ConvGeometry& g) { return static_cast<std::size_t>(g.kH) * g.kW * g.inC; }
std::size_t PixelsPerImage(const ConvGeometry& g) { return static_cast<std::size_t>(g.outH) * g.outW; }

int ImagesPerChunk(const ConvGeometry& g) {
  const std::size_t perImage = std::max<std::size_t>(PixelsPerImage(g) * PatchLength(g), 1);
  return static_cast<int>(std::clamp<std::size_t>(kChunkFloats / perImage, 1, static_cast<std::size_t>(std::max(g.batch, 1))));
}

// A 1×1, stride-1, unpadded convolution is a plain GEMM on the NHWC tensor: no patches.
bool IsPointwise(const ConvGeometry& g) {
  return g.kH == 1 && g.kW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0 && g.padLeft == 0 && g.outH == g.inH &&
         g.outW == g.inW;
}

// Rows = (image, oh, ow), columns = (kh, kw, c): the filter's [KH, KW, C, OC] order.
void Im2col(const float* x, const ConvGeometry& g, int firstImage, int images, float* cols) {
  const std::size_t rowStride = static_cast<std::size_t>(g.inW) * g.inC;
  const std::size_t imageStride = static_cast<std::size_t>(g.inH) * rowStride;
  const int windowRow = g.kW * g.inC;
  float* dst = cols;
  for (int b = firstImage; b < firstImage + images; b++) {
    const float* image = x + b * imageStride;
    for (int oh = 0; oh < g.outH; oh++) {
      for (int ow = 0; ow < g.outW; ow++) {
        const int iw0 = ow * g.strideW - g.padLeft;
        const bool rowInside = g.dilationW == 1 && iw0 >= 0 && iw0 + g.kW <= g.inW;
        for (int kh = 0; kh < g.kH; kh++) {
          const int ih = oh * g.strideH + kh * g.dilationH - g.padTop;
          if (ih < 0 || ih >= g.inH) {
            std::memset(dst, 0, sizeof(float) * windowRow);
            dst += windowRow;
            continue;
          }
          const float* src = image + ih * rowStride;
          if (rowInside) {
            std::memcpy(dst, src + static_cast<std::size_t>(iw0) * g.inC, sizeof(float) * windowRow);
            dst += windowRow;
            continue;
          }
          for (int kw = 0; kw < g.kW; kw++, dst += g.inC) {
            const int iw = iw0 + kw * g.dilationW;
            if (iw < 0 || iw >= g.inW) {
              std::memset(dst, 0, sizeof(float) * g.inC);
            } else {
              std::memcpy(dst, src + static_cast<std::size_t>(iw) * g.inC, sizeof(float) * g.inC);
            }
          }
        }
      }
    }
  }
}

// The adjoint of Im2col: add each patch entry back onto the input pixel it came from.
void Col2imAdd(const float* cols, const ConvGeometry& g, int firstImage, int images, float* dx) {
  const std::size_t rowStride = static_cast<std::size_t>(g.inW) * g.inC;
  const std::size_t imageStride = static_cast<std::size_t>(g.inH) * rowStride;
  const float* src = cols;
  for (int b = firstImage; b < firstImage + images; b++) {
    float* image = dx + b * imageStride;
    for (int oh = 0; oh < g.outH; oh++) {
      for (int ow = 0; ow < g.outW; ow++) {
        const int iw0 = ow * g.strideW - g.padLeft;
        for (int kh = 0; kh < g.kH; kh++) {
          const int ih = oh * g.strideH + kh * g.dilationH - g.padTop;
          if (ih < 0 || ih >= g.inH) {
            src += static_cast<std::size_t>(g.kW) * g.inC;
            continue;
          }
          float* row = image + ih * rowStride;
          for (int kw = 0; kw < g.kW; kw++, src += g.inC) {
            const int iw = iw0 + kw * g.dilationW;
            if (iw < 0 || iw >= g.inW) continue;
            float* pixel = row + static_cast<std::size_t>(iw) * g.inC;
            for (int c = 0; c < g.inC; c++) pixel[c] += src[c];
          }
        }
      }
    }
  }
}

// dx for few input channels (the first layer of an image model: 1 or 3): col2im of a GEMM
// with N = KH·KW·C ≈ 9 wastes most of OpenBLAS's tile and scatters single floats, so instead
// each output pixel's dy row is dotted with each tap's filter rows and added straight into dx.
constexpr int kDirectBackpropInputMaxChannels = 4;

float Dot(const float* __restrict a, const float* __restrict b, int n) {
  // Eight independent partial sums so the loop vectorises without reassociation flags.
  float lanes[8] = {};
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int l = 0; l < 8; l++) lanes[l] += a[i + l] * b[i + l];
  }
  float total = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
  for (; i < n; i++) total += a[i] * b[i];
  return total;
}

void BackpropInputDirect(const float* dy, const float* w, float* dx, const ConvGeometry& g) {
  const std::size_t imageStride = static_cast<std::size_t>(g.inH) * g.inW * g.inC;
  const float* dyRow = dy;
  for (int b = 0; b < g.batch; b++) {
    float* image = dx + b * imageStride;
    for (int oh = 0; oh < g.outH; oh++) {
      for (int ow = 0; ow < g.outW; ow++, dyRow += g.outC) {
        for (int kh = 0; kh < g.kH; kh++) {
          const int ih = oh * g.strideH + kh * g.dilationH - g.padTop;
          if (ih < 0 || ih >= g.inH) continue;
          for (int kw = 0; kw < g.kW; kw++) {
            const int iw = ow * g.strideW + kw * g.dilationW - g.padLeft;
            if (iw < 0 || iw >= g.inW) continue;
            float* pixel = image + (static_cast<std::size_t>(ih) * g.inW + iw) * g.inC;
            // Filter layout [KH, KW, C, OC]: tap (kh, kw), channel c is a contiguous OC row.
            const float* tap = w + (static_cast<std::size_t>(kh) * g.kW + kw) * g.inC * g.outC;
            for (int c = 0; c < g.inC; c++) pixel[c] += Dot(dyRow, tap + static_cast<std::size_t>(c) * g.outC, g.outC);
          }
        }
      }
    }
  }
}

}  // namespace

void Conv2D(const float* x, const float* w, float* y, const ConvGeometry& g, const float* bias, int activation, float alpha) {
  const int K = static_cast<int>(PatchLength(g));
  const std::size_t pixels = PixelsPerImage(g);
  UseThreadsFor(2.0 * K * g.outC * pixels * g.batch);
  if (IsPointwise(g)) {
    const int rows = static_cast<int>(pixels * g.batch);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, g.outC, K, 1.0f, x, K, w, g.outC, 0.0f, y, g.outC);
  } else {
    const int chunk = ImagesPerChunk(g);
    float* cols = Scratch(static_cast<std::size_t>(chunk) * pixels * K).data();
    for (int b = 0; b < g.batch; b += chunk) {
      const int images = std::min(chunk, g.batch - b);
      const int rows = static_cast<int>(images * pixels);
      Im2col(x, g, b, images, cols);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, g.outC, K, 1.0f, cols, K, w, g.outC, 0.0f,
                  y + b * pixels * g.outC, g.outC);
    }
  }
  BiasActivation(y, pixels * g.batch, g.outC, bias, activation, alpha);
}

void Conv2DBackpropFilter(const float* x, const float* dy, float* dw, const ConvGeometry& g) {
  const int K = static_cast<int>(PatchLength(g));
  const std::size_t pixels = PixelsPerImage(g);
  UseThreadsFor(2.0 * K * g.outC * pixels * g.batch);
  if (IsPointwise(g)) {
    const int rows = static_cast<int>(pixels * g.batch);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, g.outC, rows, 1.0f, x, K, dy, g.outC, 0.0f, dw, g.outC);
    return;
  }
  const int chunk = ImagesPerChunk(g);
  float* cols = Scratch(static_cast<std::size_t>(chunk) * pixels * K).data();
  if (g.batch == 0) std::fill(dw, dw + static_cast<std::size_t>(K) * g.outC, 0.0f);
  for (int b = 0; b < g.batch; b += chunk) {
    const int images = std::min(chunk, g.batch - b);
    const int rows = static_cast<int>(images * pixels);
    Im2col(x, g, b, images, cols);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, K, g.outC, rows, 1.0f, cols, K, dy + b * pixels * g.outC, g.outC,
                b == 0 ? 0.0f : 1.0f, dw, g.outC);
  }
}

void Conv2DBackpropInput(const float* dy, const float* w, float* dx, const ConvGeometry& g) {
  const int K = static_cast<int>(PatchLength(g));
  const std::size_t pixels = PixelsPerImage(g);
  UseThreadsFor(2.0 * K * g.outC * pixels * g.batch);
  if (IsPointwise(g)) {
    const int rows = static_cast<int>(pixels * g.batch);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, K, g.outC, 1.0f, dy, g.outC, w, g.outC, 0.0f, dx, K);
    return;
  }
  std::fill(dx, dx + static_cast<std::size_t>(g.batch) * g.inH * g.inW * g.inC, 0.0f);
  if (g.inC <= kDirectBackpropInputMaxChannels) {
    BackpropInputDirect(dy, w, dx, g);
    return;
  }
  const int chunk = ImagesPerChunk(g);
  float* cols = Scratch(static_cast<std::size_t>(chunk) * pixels * K).data();
  for (int b = 0; b < g.batch; b += chunk) {
    const int images = std::min(chunk, g.batch - b);
    const int rows = static_cast<int>(images * pixels);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, K, g.outC, 1.0f, dy + b * pixels * g.outC, g.outC, w, g.outC,
                0.0f, cols, K);
    Col2imAdd(cols, g, b, images, dx);
  }
}

}  // namespace costsim
