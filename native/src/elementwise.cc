// Elementwise float32 kernels with numpy/tfjs broadcasting: the binary arithmetic that
// batch norm, its gradient and the Mean/Sum gradients run on whole activation tensors.
// The JS side collapses the broadcast into at most a few dims (adjacent dims with the same
// broadcast pattern merged), so the innermost loop is a contiguous run with each input either
// advancing (stride 1) or fixed (stride 0), which the compiler vectorises.
#include <cmath>
#include <cstdint>
#include "kernels.h"

namespace costsim {
namespace {

template <int Op>
inline float Apply(float a, float b) {
  if constexpr (Op == kAdd) return a + b;
  if constexpr (Op == kSub) return a - b;
  if constexpr (Op == kMul) return a * b;
  if constexpr (Op == kDiv) return a / b;
  if constexpr (Op == kSquaredDifference) return (a - b) * (a - b);
  if constexpr (Op == kTwiceProduct) return a * (b * 2.0f);
  return 0.0f;
}

template <int Op>
void Row(const float* __restrict a, const float* __restrict b, float* __restrict out, std::size_t n, int sa, int sb) {
  if (sa == 1 && sb == 1) {
    for (std::size_t i = 0; i < n; i++) out[i] = Apply<Op>(a[i], b[i]);
  } else if (sa == 1) {
    const float bv = b[0];
    for (std::size_t i = 0; i < n; i++) out[i] = Apply<Op>(a[i], bv);
  } else if (sb == 1) {
    const float av = a[0];
    for (std::size_t i = 0; i < n; i++) out[i] = Apply<Op>(av, b[i]);
  } else {
    const float v = Apply<Op>(a[0], b[0]);
    for (std::size_t i = 0; i < n; i++) out[i] = v;
  }
}

template <int Op>
float* Dims(const float* a, const float* b, float* out, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides,
            int rank, int d) {
  if (d == rank - 1) {
    Row<Op>(a, b, out, static_cast<std::size_t>(shape[d]), aStrides[d], bStrides[d]);
    return out + shape[d];
  }
  for (int i = 0; i < shape[d]; i++) {
    out = Dims<Op>(a + static_cast<std::ptrdiff_t>(i) * aStrides[d], b + static_cast<std::ptrdiff_t>(i) * bStrides[d], out, shape,
                   aStrides, bStrides, rank, d + 1);
  }
  return out;
}

template <int Op>
void Run(const float* a, const float* b, float* out, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides, int rank) {
  if (rank == 0) {
    out[0] = Apply<Op>(a[0], b[0]);
    return;
  }
  Dims<Op>(a, b, out, shape, aStrides, bStrides, rank, 0);
}

}  // namespace

void Binary(int op, const float* a, const float* b, float* out, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides,
            int rank) {
  switch (op) {
    case kAdd: return Run<kAdd>(a, b, out, shape, aStrides, bStrides, rank);
    case kSub: return Run<kSub>(a, b, out, shape, aStrides, bStrides, rank);
    case kMul: return Run<kMul>(a, b, out, shape, aStrides, bStrides, rank);
    case kDiv: return Run<kDiv>(a, b, out, shape, aStrides, bStrides, rank);
    case kSquaredDifference: return Run<kSquaredDifference>(a, b, out, shape, aStrides, bStrides, rank);
    case kTwiceProduct: return Run<kTwiceProduct>(a, b, out, shape, aStrides, bStrides, rank);
    default: return;
  }
}

}  // namespace costsim
