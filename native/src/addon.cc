// N-API glue of the costsim native addon: argument checking, then the kernels in kernels.h.
// Every buffer argument is a Float32Array view (typically of the tfjs wasm heap): the
// kernels read and write it in place, without copying. Bounds are checked before any write.
#include <napi.h>
#include <cblas.h>
#include <string>
#include <vector>
#include "kernels.h"

extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}

namespace {

using costsim::ConvGeometry;

struct FloatView {
  float* data = nullptr;
  std::size_t length = 0;
};

bool Fail(Napi::Env env, const std::string& message) {
  Napi::TypeError::New(env, "costsim_native: " + message).ThrowAsJavaScriptException();
  return false;
}

// Reads argument `index` as a Float32Array; null/undefined allowed when `optional`.
bool ReadFloats(const Napi::CallbackInfo& info, std::size_t index, const char* name, bool optional, FloatView& out) {
  Napi::Value value = info[index];
  if (optional && (value.IsNull() || value.IsUndefined())) return true;
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    return Fail(info.Env(), std::string(name) + " must be a Float32Array");
  }
  Napi::Float32Array array = value.As<Napi::Float32Array>();
  out.data = array.Data();
  out.length = array.ElementLength();
  return true;
}

bool ReadInt(const Napi::CallbackInfo& info, std::size_t index, const char* name, int& out) {
  if (!info[index].IsNumber()) return Fail(info.Env(), std::string(name) + " must be a number");
  out = info[index].As<Napi::Number>().Int32Value();
  if (out < 0) return Fail(info.Env(), std::string(name) + " must be >= 0");
  return true;
}

bool Fits(Napi::Env env, const char* name, std::size_t offset, std::size_t count, const FloatView& view) {
  if (offset + count > view.length) {
    return Fail(env, std::string(name) + " is too short: needs " + std::to_string(offset + count) + " floats, has " +
                         std::to_string(view.length));
  }
  return true;
}

// gemm(transA, transB, M, N, K, a, b, c, offsets: Int32Array(3·batch) | null, bias | null, activation, alpha)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12) return Fail(env, "gemm expects 12 arguments"), env.Undefined();
  const bool transA = info[0].ToBoolean();
  const bool transB = info[1].ToBoolean();
  int M = 0, N = 0, K = 0, activation = 0;
  FloatView a, b, c, bias;
  if (!ReadInt(info, 2, "M", M) || !ReadInt(info, 3, "N", N) || !ReadInt(info, 4, "K", K)) return env.Undefined();
  if (!ReadFloats(info, 5, "a", false, a) || !ReadFloats(info, 6, "b", false, b) || !ReadFloats(info, 7, "c", false, c)) {
    return env.Undefined();
  }
  const int32_t* offsets = nullptr;
  int batch = 1;
  if (!info[8].IsNull() && !info[8].IsUndefined()) {
    if (!info[8].IsTypedArray() || info[8].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      return Fail(env, "offsets must be an Int32Array or null"), env.Undefined();
    }
    Napi::Int32Array array = info[8].As<Napi::Int32Array>();
    if (array.ElementLength() % 3 != 0) return Fail(env, "offsets length must be a multiple of 3"), env.Undefined();
    offsets = array.Data();
    batch = static_cast<int>(array.ElementLength() / 3);
  }
  if (!ReadFloats(info, 9, "bias", true, bias) || !ReadInt(info, 10, "activation", activation)) return env.Undefined();
  const float alpha = info[11].IsNumber() ? info[11].As<Napi::Number>().FloatValue() : 0.0f;
  const std::size_t aSize = static_cast<std::size_t>(M) * K, bSize = static_cast<std::size_t>(K) * N,
                    cSize = static_cast<std::size_t>(M) * N;
  for (int i = 0; i < batch; i++) {
    const std::size_t ao = offsets ? offsets[3 * i] : 0, bo = offsets ? offsets[3 * i + 1] : 0, co = offsets ? offsets[3 * i + 2] : 0;
    if ((offsets && (offsets[3 * i] < 0 || offsets[3 * i + 1] < 0 || offsets[3 * i + 2] < 0)) || !Fits(env, "a", ao, aSize, a) ||
        !Fits(env, "b", bo, bSize, b) || !Fits(env, "c", co, cSize, c)) {
      if (!env.IsExceptionPending()) Fail(env, "negative offset");
      return env.Undefined();
    }
  }
  if (bias.data != nullptr && !Fits(env, "bias", 0, N, bias)) return env.Undefined();
  costsim::GemmBatch(transA, transB, M, N, K, a.data, b.data, c.data, offsets, batch, bias.data, activation, alpha);
  return env.Undefined();
}

bool ReadGeometry(const Napi::CallbackInfo& info, std::size_t index, ConvGeometry& g) {
  Napi::Value value = info[index];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array ||
      value.As<Napi::Int32Array>().ElementLength() != costsim::kConvGeometryFields) {
    return Fail(info.Env(), "geometry must be an Int32Array of 15 fields");
  }
  const int32_t* f = value.As<Napi::Int32Array>().Data();
  g = ConvGeometry{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], f[12], f[13], f[14]};
  for (int i = 0; i < 13; i++) {
    if (f[i] < 0 || (i >= 9 && f[i] == 0)) return Fail(info.Env(), "geometry field " + std::to_string(i) + " out of range");
  }
  return true;
}

std::size_t InputSize(const ConvGeometry& g) { return static_cast<std::size_t>(g.batch) * g.inH * g.inW * g.inC; }
std::size_t OutputSize(const ConvGeometry& g) { return static_cast<std::size_t>(g.batch) * g.outH * g.outW * g.outC; }
std::size_t FilterSize(const ConvGeometry& g) { return static_cast<std::size_t>(g.kH) * g.kW * g.inC * g.outC; }

// conv2d(x, w, y, geometry, bias | null, activation, alpha)
Napi::Value Conv2D(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) return Fail(env, "conv2d expects 7 arguments"), env.Undefined();
  FloatView x, w, y, bias;
  ConvGeometry g{};
  int activation = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "w", false, w) || !ReadFloats(info, 2, "y", false, y) ||
      !ReadGeometry(info, 3, g) || !ReadFloats(info, 4, "bias", true, bias) || !ReadInt(info, 5, "activation", activation)) {
    return env.Undefined();
  }
  const float alpha = info[6].IsNumber() ? info[6].As<Napi::Number>().FloatValue() : 0.0f;
  if (!Fits(env, "x", 0, InputSize(g), x) || !Fits(env, "w", 0, FilterSize(g), w) || !Fits(env, "y", 0, OutputSize(g), y) ||
      (bias.data != nullptr && !Fits(env, "bias", 0, g.outC, bias))) {
    return env.Undefined();
  }
  costsim::Conv2D(x.data, w.data, y.data, g, bias.data, activation, alpha);
  return env.Undefined();
}

// conv2dBackpropFilter(x, dy, dw, geometry)
Napi::Value Conv2DBackpropFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) return Fail(env, "conv2dBackpropFilter expects 4 arguments"), env.Undefined();
  FloatView x, dy, dw;
  ConvGeometry g{};
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "dy", false, dy) || !ReadFloats(info, 2, "dw", false, dw) ||
      !ReadGeometry(info, 3, g)) {
    return env.Undefined();
  }
  if (!Fits(env, "x", 0, InputSize(g), x) || !Fits(env, "dy", 0, OutputSize(g), dy) || !Fits(env, "dw", 0, FilterSize(g), dw)) {
    return env.Undefined();
  }
  costsim::Conv2DBackpropFilter(x.data, dy.data, dw.data, g);
  return env.Undefined();
}

// conv2dBackpropInput(dy, w, dx, geometry)
Napi::Value Conv2DBackpropInput(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) return Fail(env, "conv2dBackpropInput expects 4 arguments"), env.Undefined();
  FloatView dy, w, dx;
  ConvGeometry g{};
  if (!ReadFloats(info, 0, "dy", false, dy) || !ReadFloats(info, 1, "w", false, w) || !ReadFloats(info, 2, "dx", false, dx) ||
      !ReadGeometry(info, 3, g)) {
    return env.Undefined();
  }
  if (!Fits(env, "dy", 0, OutputSize(g), dy) || !Fits(env, "w", 0, FilterSize(g), w) || !Fits(env, "dx", 0, InputSize(g), dx)) {
    return env.Undefined();
  }
  costsim::Conv2DBackpropInput(dy.data, w.data, dx.data, g);
  return env.Undefined();
}

// maxPoolGrad(dy, x, dx, geometry): geometry as for conv2d with outC = inC.
Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) return Fail(env, "maxPoolGrad expects 4 arguments"), env.Undefined();
  FloatView dy, x, dx;
  ConvGeometry g{};
  if (!ReadFloats(info, 0, "dy", false, dy) || !ReadFloats(info, 1, "x", false, x) || !ReadFloats(info, 2, "dx", false, dx) ||
      !ReadGeometry(info, 3, g)) {
    return env.Undefined();
  }
  if (g.outC != g.inC) return Fail(env, "maxPoolGrad needs outC == inC"), env.Undefined();
  if (!Fits(env, "dy", 0, OutputSize(g), dy) || !Fits(env, "x", 0, InputSize(g), x) || !Fits(env, "dx", 0, InputSize(g), dx)) {
    return env.Undefined();
  }
  costsim::MaxPoolGrad(dy.data, x.data, dx.data, g);
  return env.Undefined();
}

// sumLeading(x, out, outer, inner) and sumTrailing(x, out, outer, inner)
Napi::Value RowwiseSum(const Napi::CallbackInfo& info, bool leading) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) return Fail(env, "wrong number of arguments"), env.Undefined();
  FloatView x, out;
  int outer = 0, inner = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "out", false, out) || !ReadInt(info, 2, "outer", outer) ||
      !ReadInt(info, 3, "inner", inner)) {
    return env.Undefined();
  }
  if (!Fits(env, "x", 0, static_cast<std::size_t>(outer) * inner, x) || !Fits(env, "out", 0, leading ? inner : outer, out)) {
    return env.Undefined();
  }
  if (leading) {
    costsim::SumLeading(x.data, out.data, outer, inner);
  } else {
    costsim::SumTrailing(x.data, out.data, outer, inner);
  }
  return env.Undefined();
}
Napi::Value SumLeading(const Napi::CallbackInfo& info) { return RowwiseSum(info, true); }
Napi::Value SumTrailing(const Napi::CallbackInfo& info) { return RowwiseSum(info, false); }

// adam(w, grad, m, v, learningRate, beta1, beta2, epsilon, oneMinusAccBeta1, oneMinusAccBeta2): in place on w, m, v.
Napi::Value Adam(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 10) return Fail(env, "adam expects 10 arguments"), env.Undefined();
  FloatView w, grad, m, v;
  if (!ReadFloats(info, 0, "w", false, w) || !ReadFloats(info, 1, "grad", false, grad) || !ReadFloats(info, 2, "m", false, m) ||
      !ReadFloats(info, 3, "v", false, v)) {
    return env.Undefined();
  }
  float params[6];
  for (int i = 0; i < 6; i++) {
    if (!info[4 + i].IsNumber()) return Fail(env, "adam hyper-parameters must be numbers"), env.Undefined();
    params[i] = info[4 + i].As<Napi::Number>().FloatValue();
  }
  if (!Fits(env, "grad", 0, w.length, grad) || !Fits(env, "m", 0, w.length, m) || !Fits(env, "v", 0, w.length, v)) {
    return env.Undefined();
  }
  costsim::AdamUpdate(w.data, grad.data, m.data, v.data, w.length,
                      costsim::AdamParams{params[0], params[1], params[2], params[3], params[4], params[5]});
  return env.Undefined();
}

// tile(x, out, xShape: Int32Array, reps: Int32Array)
Napi::Value Tile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4) return Fail(env, "tile expects 4 arguments"), env.Undefined();
  FloatView x, out;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "out", false, out)) return env.Undefined();
  for (int i = 2; i < 4; i++) {
    if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
      return Fail(env, "xShape and reps must be Int32Arrays"), env.Undefined();
    }
  }
  Napi::Int32Array shape = info[2].As<Napi::Int32Array>();
  Napi::Int32Array reps = info[3].As<Napi::Int32Array>();
  if (shape.ElementLength() != reps.ElementLength()) return Fail(env, "xShape and reps differ in length"), env.Undefined();
  std::size_t inSize = 1, outSize = 1;
  for (std::size_t d = 0; d < shape.ElementLength(); d++) {
    if (shape[d] < 1 || reps[d] < 1) return Fail(env, "tile needs positive sizes and reps"), env.Undefined();
    inSize *= shape[d];
    outSize *= static_cast<std::size_t>(shape[d]) * reps[d];
  }
  if (!Fits(env, "x", 0, inSize, x) || !Fits(env, "out", 0, outSize, out)) return env.Undefined();
  costsim::Tile(x.data, out.data, shape.Data(), reps.Data(), static_cast<int>(shape.ElementLength()));
  return env.Undefined();
}

bool ReadInts(const Napi::CallbackInfo& info, std::size_t index, const char* name, Napi::Int32Array& out) {
  if (!info[index].IsTypedArray() || info[index].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
    return Fail(info.Env(), std::string(name) + " must be an Int32Array");
  }
  out = info[index].As<Napi::Int32Array>();
  return true;
}

// binary(op, a, b, out, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array)
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) return Fail(env, "binary expects 7 arguments"), env.Undefined();
  int op = 0;
  FloatView a, b, out;
  Napi::Int32Array shape, aStrides, bStrides;
  if (!ReadInt(info, 0, "op", op) || !ReadFloats(info, 1, "a", false, a) || !ReadFloats(info, 2, "b", false, b) ||
      !ReadFloats(info, 3, "out", false, out) || !ReadInts(info, 4, "shape", shape) || !ReadInts(info, 5, "aStrides", aStrides) ||
      !ReadInts(info, 6, "bStrides", bStrides)) {
    return env.Undefined();
  }
  if (op > costsim::kTwiceProduct) return Fail(env, "unknown binary op"), env.Undefined();
  const std::size_t rank = shape.ElementLength();
  if (aStrides.ElementLength() != rank || bStrides.ElementLength() != rank) return Fail(env, "strides must match shape"), env.Undefined();
  std::size_t total = 1, aLast = 0, bLast = 0;
  for (std::size_t d = 0; d < rank; d++) {
    if (shape[d] < 1 || aStrides[d] < 0 || bStrides[d] < 0) return Fail(env, "binary needs positive sizes, strides >= 0"), env.Undefined();
    total *= static_cast<std::size_t>(shape[d]);
    aLast += static_cast<std::size_t>(shape[d] - 1) * aStrides[d];
    bLast += static_cast<std::size_t>(shape[d] - 1) * bStrides[d];
  }
  if (!Fits(env, "a", 0, aLast + 1, a) || !Fits(env, "b", 0, bLast + 1, b) || !Fits(env, "out", 0, total, out)) return env.Undefined();
  costsim::Binary(op, a.data, b.data, out.data, shape.Data(), aStrides.Data(), bStrides.Data(), static_cast<int>(rank));
  return env.Undefined();
}

bool ReadFloat(const Napi::CallbackInfo& info, std::size_t index, const char* name, float& out) {
  if (!info[index].IsNumber()) return Fail(info.Env(), std::string(name) + " must be a number");
  out = info[index].As<Napi::Number>().FloatValue();
  return true;
}

// batchNorm(x, mean, variance, offset | null, scale | null, epsilon, y, outer, channels)
Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) return Fail(env, "batchNorm expects 9 arguments"), env.Undefined();
  FloatView x, mean, variance, offset, scale, y;
  float epsilon = 0;
  int outer = 0, channels = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "mean", false, mean) || !ReadFloats(info, 2, "variance", false, variance) ||
      !ReadFloats(info, 3, "offset", true, offset) || !ReadFloats(info, 4, "scale", true, scale) || !ReadFloat(info, 5, "epsilon", epsilon) ||
      !ReadFloats(info, 6, "y", false, y) || !ReadInt(info, 7, "outer", outer) || !ReadInt(info, 8, "channels", channels)) {
    return env.Undefined();
  }
  const std::size_t total = static_cast<std::size_t>(outer) * channels;
  if (!Fits(env, "x", 0, total, x) || !Fits(env, "y", 0, total, y) || !Fits(env, "mean", 0, channels, mean) ||
      !Fits(env, "variance", 0, channels, variance) || (offset.data && !Fits(env, "offset", 0, channels, offset)) ||
      (scale.data && !Fits(env, "scale", 0, channels, scale))) {
    return env.Undefined();
  }
  costsim::BatchNormForward(x.data, mean.data, variance.data, offset.data, scale.data, epsilon, y.data, outer, channels);
  return env.Undefined();
}

// batchNormGrad(x, dy, mean, variance, scale | null, epsilon, outer, channels, dx, dMean, dVariance, dScale, dOffset)
Napi::Value BatchNormGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 13) return Fail(env, "batchNormGrad expects 13 arguments"), env.Undefined();
  FloatView x, dy, mean, variance, scale, dx, dMean, dVariance, dScale, dOffset;
  float epsilon = 0;
  int outer = 0, channels = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "dy", false, dy) || !ReadFloats(info, 2, "mean", false, mean) ||
      !ReadFloats(info, 3, "variance", false, variance) || !ReadFloats(info, 4, "scale", true, scale) ||
      !ReadFloat(info, 5, "epsilon", epsilon) || !ReadInt(info, 6, "outer", outer) || !ReadInt(info, 7, "channels", channels) ||
      !ReadFloats(info, 8, "dx", false, dx) || !ReadFloats(info, 9, "dMean", false, dMean) ||
      !ReadFloats(info, 10, "dVariance", false, dVariance) || !ReadFloats(info, 11, "dScale", false, dScale) ||
      !ReadFloats(info, 12, "dOffset", false, dOffset)) {
    return env.Undefined();
  }
  const std::size_t total = static_cast<std::size_t>(outer) * channels;
  if (!Fits(env, "x", 0, total, x) || !Fits(env, "dy", 0, total, dy) || !Fits(env, "dx", 0, total, dx) ||
      !Fits(env, "mean", 0, channels, mean) || !Fits(env, "variance", 0, channels, variance) ||
      (scale.data && !Fits(env, "scale", 0, channels, scale)) || !Fits(env, "dMean", 0, channels, dMean) ||
      !Fits(env, "dVariance", 0, channels, dVariance) || !Fits(env, "dScale", 0, channels, dScale) ||
      !Fits(env, "dOffset", 0, channels, dOffset)) {
    return env.Undefined();
  }
  costsim::BatchNormBackward(x.data, dy.data, mean.data, variance.data, scale.data, epsilon, outer, channels, dx.data, dMean.data,
                             dVariance.data, dScale.data, dOffset.data);
  return env.Undefined();
}

// layerNorm(x, gamma | null, beta | null, epsilon, rms (0/1), y, mean, rstd, outer, channels)
Napi::Value LayerNorm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 10) return Fail(env, "layerNorm expects 10 arguments"), env.Undefined();
  FloatView x, gamma, beta, y, mean, rstd;
  float epsilon = 0;
  int rms = 0, outer = 0, channels = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "gamma", true, gamma) || !ReadFloats(info, 2, "beta", true, beta) ||
      !ReadFloat(info, 3, "epsilon", epsilon) || !ReadInt(info, 4, "rms", rms) || !ReadFloats(info, 5, "y", false, y) ||
      !ReadFloats(info, 6, "mean", false, mean) || !ReadFloats(info, 7, "rstd", false, rstd) || !ReadInt(info, 8, "outer", outer) ||
      !ReadInt(info, 9, "channels", channels)) {
    return env.Undefined();
  }
  const std::size_t total = static_cast<std::size_t>(outer) * channels;
  if (!Fits(env, "x", 0, total, x) || !Fits(env, "y", 0, total, y) || !Fits(env, "mean", 0, outer, mean) || !Fits(env, "rstd", 0, outer, rstd) ||
      (gamma.data && !Fits(env, "gamma", 0, channels, gamma)) || (beta.data && !Fits(env, "beta", 0, channels, beta))) {
    return env.Undefined();
  }
  costsim::LayerNormForward(x.data, gamma.data, beta.data, epsilon, rms != 0, y.data, mean.data, rstd.data, outer, channels);
  return env.Undefined();
}

// layerNormGrad(x, dy, gamma | null, mean, rstd, rms (0/1), outer, channels, dx, dGamma | null, dBeta | null)
Napi::Value LayerNormGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 11) return Fail(env, "layerNormGrad expects 11 arguments"), env.Undefined();
  FloatView x, dy, gamma, mean, rstd, dx, dGamma, dBeta;
  int rms = 0, outer = 0, channels = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "dy", false, dy) || !ReadFloats(info, 2, "gamma", true, gamma) ||
      !ReadFloats(info, 3, "mean", false, mean) || !ReadFloats(info, 4, "rstd", false, rstd) || !ReadInt(info, 5, "rms", rms) ||
      !ReadInt(info, 6, "outer", outer) || !ReadInt(info, 7, "channels", channels) || !ReadFloats(info, 8, "dx", false, dx) ||
      !ReadFloats(info, 9, "dGamma", true, dGamma) || !ReadFloats(info, 10, "dBeta", true, dBeta)) {
    return env.Undefined();
  }
  const std::size_t total = static_cast<std::size_t>(outer) * channels;
  if (!Fits(env, "x", 0, total, x) || !Fits(env, "dy", 0, total, dy) || !Fits(env, "dx", 0, total, dx) || !Fits(env, "mean", 0, outer, mean) ||
      !Fits(env, "rstd", 0, outer, rstd) || (gamma.data && !Fits(env, "gamma", 0, channels, gamma)) ||
      (dGamma.data && !Fits(env, "dGamma", 0, channels, dGamma)) || (dBeta.data && !Fits(env, "dBeta", 0, channels, dBeta))) {
    return env.Undefined();
  }
  costsim::LayerNormBackward(x.data, dy.data, gamma.data, mean.data, rstd.data, rms != 0, outer, channels, dx.data, dGamma.data, dBeta.data);
  return env.Undefined();
}

// biasGelu(x, bias | null, y, outer, channels)
Napi::Value BiasGelu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5) return Fail(env, "biasGelu expects 5 arguments"), env.Undefined();
  FloatView x, bias, y;
  int outer = 0, channels = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "bias", true, bias) || !ReadFloats(info, 2, "y", false, y) ||
      !ReadInt(info, 3, "outer", outer) || !ReadInt(info, 4, "channels", channels)) {
    return env.Undefined();
  }
  const std::size_t total = static_cast<std::size_t>(outer) * channels;
  if (!Fits(env, "x", 0, total, x) || !Fits(env, "y", 0, total, y) || (bias.data && !Fits(env, "bias", 0, channels, bias))) return env.Undefined();
  costsim::BiasGeluForward(x.data, bias.data, y.data, outer, channels);
  return env.Undefined();
}

// biasGeluGrad(x, bias | null, dy, dx, dBias | null, outer, channels)
Napi::Value BiasGeluGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) return Fail(env, "biasGeluGrad expects 7 arguments"), env.Undefined();
  FloatView x, bias, dy, dx, dBias;
  int outer = 0, channels = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 1, "bias", true, bias) || !ReadFloats(info, 2, "dy", false, dy) ||
      !ReadFloats(info, 3, "dx", false, dx) || !ReadFloats(info, 4, "dBias", true, dBias) || !ReadInt(info, 5, "outer", outer) ||
      !ReadInt(info, 6, "channels", channels)) {
    return env.Undefined();
  }
  const std::size_t total = static_cast<std::size_t>(outer) * channels;
  if (!Fits(env, "x", 0, total, x) || !Fits(env, "dy", 0, total, dy) || !Fits(env, "dx", 0, total, dx) ||
      (bias.data && !Fits(env, "bias", 0, channels, bias)) || (dBias.data && !Fits(env, "dBias", 0, channels, dBias))) {
    return env.Undefined();
  }
  costsim::BiasGeluBackward(x.data, bias.data, dy.data, dx.data, dBias.data, outer, channels);
  return env.Undefined();
}

// Optional trailing `heads` argument (default 1), see AttentionForward.
bool ReadHeads(const Napi::CallbackInfo& info, std::size_t index, int slices, int& heads) {
  heads = 1;
  if (info.Length() > index && !ReadInt(info, index, "heads", heads)) return false;
  if (heads < 1 || slices % heads != 0) return Fail(info.Env(), "heads must be >= 1 and divide slices");
  return true;
}

// attention(q, k, v, out, probs, slices, tq, tk, d, scale, causal (0/1), heads = 1)
Napi::Value Attention(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 11) return Fail(env, "attention expects 11 arguments"), env.Undefined();
  FloatView q, k, v, out, probs;
  int slices = 0, tq = 0, tk = 0, d = 0, causal = 0, heads = 1;
  float scale = 0;
  if (!ReadFloats(info, 0, "q", false, q) || !ReadFloats(info, 1, "k", false, k) || !ReadFloats(info, 2, "v", false, v) ||
      !ReadFloats(info, 3, "out", false, out) || !ReadFloats(info, 4, "probs", false, probs) || !ReadInt(info, 5, "slices", slices) ||
      !ReadInt(info, 6, "tq", tq) || !ReadInt(info, 7, "tk", tk) || !ReadInt(info, 8, "d", d) || !ReadFloat(info, 9, "scale", scale) ||
      !ReadInt(info, 10, "causal", causal) || !ReadHeads(info, 11, slices, heads)) {
    return env.Undefined();
  }
  const std::size_t queries = static_cast<std::size_t>(slices) * tq * d, keys = static_cast<std::size_t>(slices) * tk * d;
  if (tq > tk || !Fits(env, "q", 0, queries, q) || !Fits(env, "out", 0, queries, out) || !Fits(env, "k", 0, keys, k) || !Fits(env, "v", 0, keys, v) ||
      !Fits(env, "probs", 0, static_cast<std::size_t>(slices) * tq * tk, probs)) {
    if (tq > tk) Fail(env, "attention needs tq <= tk");
    return env.Undefined();
  }
  costsim::AttentionForward(q.data, k.data, v.data, out.data, probs.data, slices, tq, tk, d, scale, causal != 0, heads);
  return env.Undefined();
}

// attentionGrad(q, k, v, probs, dOut, dq, dk, dv, slices, tq, tk, d, scale, heads = 1)
Napi::Value AttentionGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 13) return Fail(env, "attentionGrad expects 13 arguments"), env.Undefined();
  FloatView q, k, v, probs, dOut, dq, dk, dv;
  int slices = 0, tq = 0, tk = 0, d = 0, heads = 1;
  float scale = 0;
  if (!ReadFloats(info, 0, "q", false, q) || !ReadFloats(info, 1, "k", false, k) || !ReadFloats(info, 2, "v", false, v) ||
      !ReadFloats(info, 3, "probs", false, probs) || !ReadFloats(info, 4, "dOut", false, dOut) || !ReadFloats(info, 5, "dq", false, dq) ||
      !ReadFloats(info, 6, "dk", false, dk) || !ReadFloats(info, 7, "dv", false, dv) || !ReadInt(info, 8, "slices", slices) ||
      !ReadInt(info, 9, "tq", tq) || !ReadInt(info, 10, "tk", tk) || !ReadInt(info, 11, "d", d) || !ReadFloat(info, 12, "scale", scale) ||
      !ReadHeads(info, 13, slices, heads)) {
    return env.Undefined();
  }
  const std::size_t queries = static_cast<std::size_t>(slices) * tq * d, keys = static_cast<std::size_t>(slices) * tk * d;
  if (!Fits(env, "q", 0, queries, q) || !Fits(env, "dOut", 0, queries, dOut) || !Fits(env, "dq", 0, queries, dq) || !Fits(env, "k", 0, keys, k) ||
      !Fits(env, "v", 0, keys, v) || !Fits(env, "dk", 0, keys, dk) || !Fits(env, "dv", 0, keys, dv) ||
      !Fits(env, "probs", 0, static_cast<std::size_t>(slices) * tq * tk, probs)) {
    return env.Undefined();
  }
  costsim::AttentionBackward(q.data, k.data, v.data, probs.data, dOut.data, dq.data, dk.data, dv.data, slices, tq, tk, d, scale, heads);
  return env.Undefined();
}

// Reads argument `index` as an array of Float32Arrays (entries null/undefined allowed when `optional`), each holding ≥ `count` floats.
bool ReadFloatList(const Napi::CallbackInfo& info, std::size_t index, const char* name, bool optional, std::size_t count,
                   std::vector<float*>& out) {
  if (!info[index].IsArray()) return Fail(info.Env(), std::string(name) + " must be an array of Float32Array");
  Napi::Array list = info[index].As<Napi::Array>();
  out.assign(list.Length(), nullptr);
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value value = list.Get(i);
    if (optional && (value.IsNull() || value.IsUndefined())) continue;
    if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      return Fail(info.Env(), std::string(name) + "[" + std::to_string(i) + "] must be a Float32Array");
    }
    Napi::Float32Array array = value.As<Napi::Float32Array>();
    FloatView view{array.Data(), array.ElementLength()};
    if (!Fits(info.Env(), (std::string(name) + "[" + std::to_string(i) + "]").c_str(), 0, count, view)) return false;
    out[i] = view.data;
  }
  return true;
}

// linearParts(x, weights: Float32Array[], biases: (Float32Array | null)[], y, rows, k, n)
Napi::Value LinearParts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) return Fail(env, "linearParts expects 7 arguments"), env.Undefined();
  FloatView x, y;
  int rows = 0, k = 0, n = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 3, "y", false, y) || !ReadInt(info, 4, "rows", rows) ||
      !ReadInt(info, 5, "k", k) || !ReadInt(info, 6, "n", n)) {
    return env.Undefined();
  }
  std::vector<float*> w, b;
  const std::size_t wSize = static_cast<std::size_t>(k) * n;
  if (!ReadFloatList(info, 1, "weights", false, wSize, w) || !ReadFloatList(info, 2, "biases", true, n, b)) return env.Undefined();
  const int parts = static_cast<int>(w.size());
  if (parts < 1 || b.size() != w.size()) return Fail(env, "linearParts needs >= 1 weight and one bias entry per weight"), env.Undefined();
  if (!Fits(env, "x", 0, static_cast<std::size_t>(rows) * k, x) || !Fits(env, "y", 0, static_cast<std::size_t>(rows) * parts * n, y)) {
    return env.Undefined();
  }
  std::vector<const float*> wc(w.begin(), w.end()), bc(b.begin(), b.end());
  costsim::LinearPartsForward(x.data, wc.data(), bc.data(), parts, y.data, rows, k, n);
  return env.Undefined();
}

// linearPartsGrad(x, weights[], dy, dx | null, dWeights: (Float32Array | null)[], dBiases: (Float32Array | null)[], rows, k, n)
Napi::Value LinearPartsGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) return Fail(env, "linearPartsGrad expects 9 arguments"), env.Undefined();
  FloatView x, dy, dx;
  int rows = 0, k = 0, n = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadFloats(info, 2, "dy", false, dy) || !ReadFloats(info, 3, "dx", true, dx) ||
      !ReadInt(info, 6, "rows", rows) || !ReadInt(info, 7, "k", k) || !ReadInt(info, 8, "n", n)) {
    return env.Undefined();
  }
  std::vector<float*> w, dw, db;
  const std::size_t wSize = static_cast<std::size_t>(k) * n;
  if (!ReadFloatList(info, 1, "weights", false, wSize, w) || !ReadFloatList(info, 4, "dWeights", true, wSize, dw) ||
      !ReadFloatList(info, 5, "dBiases", true, n, db)) {
    return env.Undefined();
  }
  const int parts = static_cast<int>(w.size());
  if (parts < 1 || dw.size() != w.size() || db.size() != w.size()) {
    return Fail(env, "linearPartsGrad needs one dWeights and one dBiases entry per weight"), env.Undefined();
  }
  const std::size_t xSize = static_cast<std::size_t>(rows) * k;
  if (!Fits(env, "x", 0, xSize, x) || !Fits(env, "dy", 0, static_cast<std::size_t>(rows) * parts * n, dy) ||
      (dx.data && !Fits(env, "dx", 0, xSize, dx))) {
    return env.Undefined();
  }
  std::vector<const float*> wc(w.begin(), w.end());
  costsim::LinearPartsBackward(x.data, wc.data(), dy.data, parts, rows, k, n, dx.data, dw.data(), db.data());
  return env.Undefined();
}

// attentionQkv(qkv, out, probs, batch, heads, tokens, d, scale, causal (0/1)): self-attention over one
// fused projection qkv [batch, tokens, 3·heads·d] (Q, K, V side by side), out [batch, tokens, heads·d],
// probs [batch, heads, tokens, tokens].
Napi::Value AttentionQkv(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) return Fail(env, "attentionQkv expects 9 arguments"), env.Undefined();
  FloatView qkv, out, probs;
  int batch = 0, heads = 0, tokens = 0, d = 0, causal = 0;
  float scale = 0;
  if (!ReadFloats(info, 0, "qkv", false, qkv) || !ReadFloats(info, 1, "out", false, out) || !ReadFloats(info, 2, "probs", false, probs) ||
      !ReadInt(info, 3, "batch", batch) || !ReadInt(info, 4, "heads", heads) || !ReadInt(info, 5, "tokens", tokens) ||
      !ReadInt(info, 6, "d", d) || !ReadFloat(info, 7, "scale", scale) || !ReadInt(info, 8, "causal", causal)) {
    return env.Undefined();
  }
  if (heads < 1) return Fail(env, "heads must be >= 1"), env.Undefined();
  const std::size_t rows = static_cast<std::size_t>(batch) * tokens, width = static_cast<std::size_t>(heads) * d;
  if (!Fits(env, "qkv", 0, rows * 3 * width, qkv) || !Fits(env, "out", 0, rows * width, out) ||
      !Fits(env, "probs", 0, static_cast<std::size_t>(batch) * heads * tokens * tokens, probs)) {
    return env.Undefined();
  }
  const int w = static_cast<int>(width);
  costsim::AttentionForwardStrided(qkv.data, qkv.data + w, qkv.data + 2 * w, out.data, probs.data, batch * heads, tokens, tokens, d, scale,
                                   causal != 0, heads, {3 * w, 3 * w, w});
  return env.Undefined();
}

// attentionQkvGrad(qkv, probs, dOut, dQkv, batch, heads, tokens, d, scale): dQ, dK, dV side by side in dQkv (qkv's layout).
Napi::Value AttentionQkvGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 9) return Fail(env, "attentionQkvGrad expects 9 arguments"), env.Undefined();
  FloatView qkv, probs, dOut, dQkv;
  int batch = 0, heads = 0, tokens = 0, d = 0;
  float scale = 0;
  if (!ReadFloats(info, 0, "qkv", false, qkv) || !ReadFloats(info, 1, "probs", false, probs) || !ReadFloats(info, 2, "dOut", false, dOut) ||
      !ReadFloats(info, 3, "dQkv", false, dQkv) || !ReadInt(info, 4, "batch", batch) || !ReadInt(info, 5, "heads", heads) ||
      !ReadInt(info, 6, "tokens", tokens) || !ReadInt(info, 7, "d", d) || !ReadFloat(info, 8, "scale", scale)) {
    return env.Undefined();
  }
  if (heads < 1) return Fail(env, "heads must be >= 1"), env.Undefined();
  const std::size_t rows = static_cast<std::size_t>(batch) * tokens, width = static_cast<std::size_t>(heads) * d;
  if (!Fits(env, "qkv", 0, rows * 3 * width, qkv) || !Fits(env, "dQkv", 0, rows * 3 * width, dQkv) || !Fits(env, "dOut", 0, rows * width, dOut) ||
      !Fits(env, "probs", 0, static_cast<std::size_t>(batch) * heads * tokens * tokens, probs)) {
    return env.Undefined();
  }
  const int w = static_cast<int>(width);
  costsim::AttentionBackwardStrided(qkv.data, qkv.data + w, qkv.data + 2 * w, probs.data, dOut.data, dQkv.data, dQkv.data + w,
                                    dQkv.data + 2 * w, batch * heads, tokens, tokens, d, scale, heads, {3 * w, 3 * w, w});
  return env.Undefined();
}

// attentionCached(qkv, kPast | null, vPast | null, k, v, out, batch, heads, past, tokens, d, scale): a KV-cached
// step: k, v [batch, past + tokens, heads·d] = the cache followed by qkv's K and V columns, then causal attention
// of qkv's Q over them into out [batch, tokens, heads·d] (forward only: the probabilities are not kept).
Napi::Value AttentionCached(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12) return Fail(env, "attentionCached expects 12 arguments"), env.Undefined();
  FloatView qkv, kPast, vPast, k, v, out;
  int batch = 0, heads = 0, past = 0, tokens = 0, d = 0;
  float scale = 0;
  if (!ReadFloats(info, 0, "qkv", false, qkv) || !ReadFloats(info, 1, "kPast", true, kPast) || !ReadFloats(info, 2, "vPast", true, vPast) ||
      !ReadFloats(info, 3, "k", false, k) || !ReadFloats(info, 4, "v", false, v) || !ReadFloats(info, 5, "out", false, out) ||
      !ReadInt(info, 6, "batch", batch) || !ReadInt(info, 7, "heads", heads) || !ReadInt(info, 8, "past", past) ||
      !ReadInt(info, 9, "tokens", tokens) || !ReadInt(info, 10, "d", d) || !ReadFloat(info, 11, "scale", scale)) {
    return env.Undefined();
  }
  if (heads < 1) return Fail(env, "heads must be >= 1"), env.Undefined();
  if (past > 0 && (!kPast.data || !vPast.data)) return Fail(env, "kPast and vPast are needed when past > 0"), env.Undefined();
  const std::size_t width = static_cast<std::size_t>(heads) * d, rows = static_cast<std::size_t>(batch) * tokens;
  const std::size_t cached = static_cast<std::size_t>(batch) * past * width, total = static_cast<std::size_t>(batch) * (past + tokens) * width;
  if (!Fits(env, "qkv", 0, rows * 3 * width, qkv) || !Fits(env, "out", 0, rows * width, out) || !Fits(env, "k", 0, total, k) ||
      !Fits(env, "v", 0, total, v) || (past > 0 && (!Fits(env, "kPast", 0, cached, kPast) || !Fits(env, "vPast", 0, cached, vPast)))) {
    return env.Undefined();
  }
  const int w = static_cast<int>(width);
  costsim::AppendKeysValues(qkv.data, kPast.data, vPast.data, k.data, v.data, batch, past, tokens, w);
  costsim::AttentionForwardStrided(qkv.data, k.data, v.data, out.data, nullptr, batch * heads, tokens, past + tokens, d, scale, true, heads,
                                   {3 * w, w, w});
  return env.Undefined();
}

// reluGrad(dy, x, dx)
Napi::Value ReluGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3) return Fail(env, "reluGrad expects 3 arguments"), env.Undefined();
  FloatView dy, x, dx;
  if (!ReadFloats(info, 0, "dy", false, dy) || !ReadFloats(info, 1, "x", false, x) || !ReadFloats(info, 2, "dx", false, dx)) {
    return env.Undefined();
  }
  if (!Fits(env, "dy", 0, x.length, dy) || !Fits(env, "dx", 0, x.length, dx)) return env.Undefined();
  costsim::ReluGrad(dy.data, x.data, dx.data, x.length);
  return env.Undefined();
}

// gather(x, indices: Int32Array, out, batch, outer, dim, slice, count) → position of the first bad index, or −1.
Napi::Value Gather(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 8) return Fail(env, "gather expects 8 arguments"), env.Undefined();
  FloatView x, out;
  Napi::Int32Array indices;
  int batch = 0, outer = 0, dim = 0, slice = 0, count = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadInts(info, 1, "indices", indices) || !ReadFloats(info, 2, "out", false, out) ||
      !ReadInt(info, 3, "batch", batch) || !ReadInt(info, 4, "outer", outer) || !ReadInt(info, 5, "dim", dim) ||
      !ReadInt(info, 6, "slice", slice) || !ReadInt(info, 7, "count", count)) {
    return env.Undefined();
  }
  const std::size_t b = batch, o = outer, s = slice, n = count;
  if (indices.ElementLength() < b * n) return Fail(env, "indices is too short"), env.Undefined();
  if (!Fits(env, "x", 0, b * o * dim * s, x) || !Fits(env, "out", 0, b * o * n * s, out)) return env.Undefined();
  const int64_t bad = costsim::GatherRows(x.data, indices.Data(), out.data, b, o, dim, s, n);
  return Napi::Number::New(env, static_cast<double>(bad));
}

// segmentSum(x, ids: Int32Array, out, count, inner, segments)
Napi::Value SegmentSum(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) return Fail(env, "segmentSum expects 6 arguments"), env.Undefined();
  FloatView x, out;
  Napi::Int32Array ids;
  int count = 0, inner = 0, segments = 0;
  if (!ReadFloats(info, 0, "x", false, x) || !ReadInts(info, 1, "ids", ids) || !ReadFloats(info, 2, "out", false, out) ||
      !ReadInt(info, 3, "count", count) || !ReadInt(info, 4, "inner", inner) || !ReadInt(info, 5, "segments", segments)) {
    return env.Undefined();
  }
  const std::size_t n = count, w = inner;
  if (ids.ElementLength() < n) return Fail(env, "ids is too short"), env.Undefined();
  if (!Fits(env, "x", 0, n * w, x) || !Fits(env, "out", 0, static_cast<std::size_t>(segments) * w, out)) return env.Undefined();
  costsim::SegmentSumRows(x.data, ids.Data(), out.data, n, w, segments);
  return env.Undefined();
}

// softmaxCrossEntropy(logits, labels, loss, logSumExp, rows, classes)
Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) return Fail(env, "softmaxCrossEntropy expects 6 arguments"), env.Undefined();
  FloatView logits, labels, loss, lse;
  int rows = 0, classes = 0;
  if (!ReadFloats(info, 0, "logits", false, logits) || !ReadFloats(info, 1, "labels", false, labels) ||
      !ReadFloats(info, 2, "loss", false, loss) || !ReadFloats(info, 3, "logSumExp", false, lse) || !ReadInt(info, 4, "rows", rows) ||
      !ReadInt(info, 5, "classes", classes)) {
    return env.Undefined();
  }
  if (classes < 1) return Fail(env, "classes must be >= 1"), env.Undefined();
  const std::size_t n = static_cast<std::size_t>(rows) * classes;
  if (!Fits(env, "logits", 0, n, logits) || !Fits(env, "labels", 0, n, labels) || !Fits(env, "loss", 0, rows, loss) ||
      !Fits(env, "logSumExp", 0, rows, lse)) {
    return env.Undefined();
  }
  costsim::SoftmaxCrossEntropyForward(logits.data, labels.data, loss.data, lse.data, rows, classes);
  return env.Undefined();
}

// softmaxCrossEntropyGrad(logits, labels, logSumExp, dLoss, dLogits, rows, classes)
Napi::Value SoftmaxCrossEntropyGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 7) return Fail(env, "softmaxCrossEntropyGrad expects 7 arguments"), env.Undefined();
  FloatView logits, labels, lse, dLoss, dLogits;
  int rows = 0, classes = 0;
  if (!ReadFloats(info, 0, "logits", false, logits) || !ReadFloats(info, 1, "labels", false, labels) ||
      !ReadFloats(info, 2, "logSumExp", false, lse) || !ReadFloats(info, 3, "dLoss", false, dLoss) ||
      !ReadFloats(info, 4, "dLogits", false, dLogits) || !ReadInt(info, 5, "rows", rows) || !ReadInt(info, 6, "classes", classes)) {
    return env.Undefined();
  }
  const std::size_t n = static_cast<std::size_t>(rows) * classes;
  if (!Fits(env, "logits", 0, n, logits) || !Fits(env, "labels", 0, n, labels) || !Fits(env, "logSumExp", 0, rows, lse) ||
      !Fits(env, "dLoss", 0, rows, dLoss) || !Fits(env, "dLogits", 0, n, dLogits)) {
    return env.Undefined();
  }
  costsim::SoftmaxCrossEntropyBackward(logits.data, labels.data, lse.data, dLoss.data, dLogits.data, rows, classes);
  return env.Undefined();
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int threads = 0;
  if (!ReadInt(info, 0, "threads", threads)) return info.Env().Undefined();
  if (threads < 1) return Fail(info.Env(), "threads must be >= 1"), info.Env().Undefined();
  costsim::SetMaxThreads(threads);
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), costsim::MaxThreads()); }

Napi::Value BlasConfig(const Napi::CallbackInfo& info) {
  std::string text = std::string(openblas_get_config()) + " (core " + openblas_get_corename() + ")";
  return Napi::String::New(info.Env(), text);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("conv2d", Napi::Function::New(env, Conv2D));
  exports.Set("conv2dBackpropFilter", Napi::Function::New(env, Conv2DBackpropFilter));
  exports.Set("conv2dBackpropInput", Napi::Function::New(env, Conv2DBackpropInput));
  exports.Set("maxPoolGrad", Napi::Function::New(env, MaxPoolGrad));
  exports.Set("sumLeading", Napi::Function::New(env, SumLeading));
  exports.Set("sumTrailing", Napi::Function::New(env, SumTrailing));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("batchNorm", Napi::Function::New(env, BatchNorm));
  exports.Set("batchNormGrad", Napi::Function::New(env, BatchNormGrad));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
  exports.Set("layerNormGrad", Napi::Function::New(env, LayerNormGrad));
  exports.Set("biasGelu", Napi::Function::New(env, BiasGelu));
  exports.Set("biasGeluGrad", Napi::Function::New(env, BiasGeluGrad));
  exports.Set("attention", Napi::Function::New(env, Attention));
  exports.Set("attentionGrad", Napi::Function::New(env, AttentionGrad));
  exports.Set("linearParts", Napi::Function::New(env, LinearParts));
  exports.Set("linearPartsGrad", Napi::Function::New(env, LinearPartsGrad));
  exports.Set("attentionQkv", Napi::Function::New(env, AttentionQkv));
  exports.Set("attentionQkvGrad", Napi::Function::New(env, AttentionQkvGrad));
  exports.Set("attentionCached", Napi::Function::New(env, AttentionCached));
  exports.Set("reluGrad", Napi::Function::New(env, ReluGrad));
  exports.Set("tile", Napi::Function::New(env, Tile));
  exports.Set("adam", Napi::Function::New(env, Adam));
  exports.Set("gather", Napi::Function::New(env, Gather));
  exports.Set("segmentSum", Napi::Function::New(env, SegmentSum));
  exports.Set("softmaxCrossEntropy", Napi::Function::New(env, SoftmaxCrossEntropy));
  exports.Set("softmaxCrossEntropyGrad", Napi::Function::New(env, SoftmaxCrossEntropyGrad));
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("blasConfig", Napi::Function::New(env, BlasConfig));
  return exports;
}

}  // namespace

NODE_API_MODULE(costsim_native, Init)
