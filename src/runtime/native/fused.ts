/**
 * Fused transformer kernels for the `native` backend, each one addon call: layer norm / RMSNorm
 * forward (y plus each row's mean and rstd) and backward (dx, dγ, dβ), and bias + GELU forward
 * and backward (dx, dbias), and (causal) attention: scores, mask, softmax and weighted sum
 * forward (plus the probabilities, saved for the gradient) and dQ, dK, dV backward. tfjs has no such kernels, so these are registered under costsim's
 * own names for the native backend only and reached through runtime/fused-ops.ts, which falls
 * back to tfjs's broadcasting ops on every other backend.
 */
import type { KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, type KernelArgs, kernelConfigMaker } from './matmul.ts';

/** Kernel names (native backend only). */
export const FUSED_KERNELS = {
  layerNorm: 'CostsimNativeLayerNorm',
  layerNormGrad: 'CostsimNativeLayerNormGrad',
  biasGelu: 'CostsimNativeBiasGelu',
  biasGeluGrad: 'CostsimNativeBiasGeluGrad',
  attention: 'CostsimNativeAttention',
  attentionGrad: 'CostsimNativeAttentionGrad',
} as const;

/**
 * Slices, query rows, key rows and head width: of rank-≥3 q [.., Tq, D] and k [.., Tk, D] (heads 0,
 * packed), or of q [B, Tq, heads·D] and k [B, Tk, heads·D] (heads ≥ 1: slices B·heads).
 */
function attentionDims(q: TensorInfo, k: TensorInfo, heads: number): { slices: number; tq: number; tk: number; d: number } {
  if (heads >= 1) {
    const [batch, tq, width] = q.shape as [number, number, number];
    return { slices: batch * heads, tq, tk: k.shape[1] as number, d: width / heads };
  }
  const rank = q.shape.length;
  const tq = q.shape[rank - 2] as number;
  const d = q.shape[rank - 1] as number;
  return { slices: tf.util.sizeFromShape(q.shape) / (tq * d), tq, tk: k.shape[rank - 2] as number, d };
}

/** Inputs q, k, v; attrs scale, causal, heads (0: packed). Outputs out (q's shape) and probs [.., Tq, Tk] ([B, heads, Tq, Tk]). */
function attention(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { q, k, v } = args.inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo };
  const { scale, causal, heads = 0 } = args.attrs as unknown as { scale: number; causal: boolean; heads?: number };
  const { slices, tq, tk, d } = attentionDims(q, k, heads);
  const out = backend.makeOutput(q.shape, 'float32');
  const probs = backend.makeOutput(heads >= 1 ? [q.shape[0] as number, heads, tq, tk] : [...q.shape.slice(0, -1), tk], 'float32');
  addon.attention(
    floats(backend, q),
    floats(backend, k),
    floats(backend, v),
    floats(backend, out),
    floats(backend, probs),
    slices,
    tq,
    tk,
    d,
    scale,
    causal ? 1 : 0,
    Math.max(heads, 1),
  );
  return [out, probs];
}

/** Inputs q, k, v, probs, dy; attrs scale, heads. Outputs dq, dk, dv. */
function attentionGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { q, k, v, probs, dy } = args.inputs as { q: TensorInfo; k: TensorInfo; v: TensorInfo; probs: TensorInfo; dy: TensorInfo };
  const { scale, heads = 0 } = args.attrs as unknown as { scale: number; heads?: number };
  const { slices, tq, tk, d } = attentionDims(q, k, heads);
  const [dq, dk, dv] = [q, k, v].map((t) => backend.makeOutput(t.shape, 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  addon.attentionGrad(
    floats(backend, q),
    floats(backend, k),
    floats(backend, v),
    floats(backend, probs),
    floats(backend, dy),
    floats(backend, dq),
    floats(backend, dk),
    floats(backend, dv),
    slices,
    tq,
    tk,
    d,
    scale,
    Math.max(heads, 1),
  );
  return [dq, dk, dv];
}

/** Rows and width of x over its last axis. */
function rows(x: TensorInfo): { outer: number; channels: number } {
  const channels = x.shape[x.shape.length - 1] as number;
  return { outer: tf.util.sizeFromShape(x.shape) / channels, channels };
}

function view(backend: BackendWasm, t: TensorInfo | undefined): Float32Array | null {
  return t ? floats(backend, t) : null;
}

/** Inputs x, gamma?, beta?; attrs epsilon, rms (boolean). Outputs y, mean [outer], rstd [outer]. */
function layerNorm(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, gamma, beta } = args.inputs as { x: TensorInfo; gamma?: TensorInfo; beta?: TensorInfo };
  const { epsilon, rms } = args.attrs as unknown as { epsilon: number; rms: boolean };
  const { outer, channels } = rows(x);
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([outer], 'float32');
  const rstd = backend.makeOutput([outer], 'float32');
  addon.layerNorm(
    floats(backend, x),
    view(backend, gamma),
    view(backend, beta),
    epsilon,
    rms ? 1 : 0,
    floats(backend, y),
    floats(backend, mean),
    floats(backend, rstd),
    outer,
    channels,
  );
  return [y, mean, rstd];
}

/** Inputs x, dy, mean, rstd, gamma?; attrs rms. Outputs dx, dgamma [channels], dbeta [channels]. */
function layerNormGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, dy, mean, rstd, gamma } = args.inputs as { x: TensorInfo; dy: TensorInfo; mean: TensorInfo; rstd: TensorInfo; gamma?: TensorInfo };
  const { rms } = args.attrs as unknown as { rms: boolean };
  const { outer, channels } = rows(x);
  const dx = backend.makeOutput(x.shape, 'float32');
  const dGamma = backend.makeOutput([channels], 'float32');
  const dBeta = backend.makeOutput([channels], 'float32');
  addon.layerNormGrad(
    floats(backend, x),
    floats(backend, dy),
    view(backend, gamma),
    floats(backend, mean),
    floats(backend, rstd),
    rms ? 1 : 0,
    outer,
    channels,
    floats(backend, dx),
    floats(backend, dGamma),
    floats(backend, dBeta),
  );
  return [dx, dGamma, dBeta];
}

/** Inputs x, bias. Output gelu(x + bias). */
function biasGelu(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, bias } = args.inputs as { x: TensorInfo; bias: TensorInfo };
  const { outer, channels } = rows(x);
  const y = backend.makeOutput(x.shape, 'float32');
  addon.biasGelu(floats(backend, x), floats(backend, bias), floats(backend, y), outer, channels);
  return y;
}

/** Inputs x, bias, dy. Outputs dx, dbias. */
function biasGeluGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, bias, dy } = args.inputs as { x: TensorInfo; bias: TensorInfo; dy: TensorInfo };
  const { outer, channels } = rows(x);
  const dx = backend.makeOutput(x.shape, 'float32');
  const dBias = backend.makeOutput([channels], 'float32');
  addon.biasGeluGrad(floats(backend, x), floats(backend, bias), floats(backend, dy), floats(backend, dx), floats(backend, dBias), outer, channels);
  return [dx, dBias];
}

/**
 * The fused-kernel configs for backend `backendName`; none when the addon predates them (an
 * addon built before these kernels existed: `node native/build.mjs` rebuilds it), so the ops
 * fall back to tfjs's instead of failing.
 */
export function fusedKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  if (typeof addon.layerNorm !== 'function' || typeof addon.biasGelu !== 'function' || typeof addon.attention !== 'function') return [];
  const config = kernelConfigMaker(backendName);
  return [
    config(FUSED_KERNELS.layerNorm, (args) => layerNorm(addon, args)),
    config(FUSED_KERNELS.layerNormGrad, (args) => layerNormGrad(addon, args)),
    config(FUSED_KERNELS.biasGelu, (args) => biasGelu(addon, args)),
    config(FUSED_KERNELS.biasGeluGrad, (args) => biasGeluGrad(addon, args)),
    config(FUSED_KERNELS.attention, (args) => attention(addon, args)),
    config(FUSED_KERNELS.attentionGrad, (args) => attentionGrad(addon, args)),
  ];
}
