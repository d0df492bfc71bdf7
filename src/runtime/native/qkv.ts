/**
 * The transformer's Q, K and V as one projection and one buffer, for the `native` backend:
 * x·[Wq | Wk | Wv] + [bq | bk | bv] → qkv [..., 3·d] is one addon call (three GEMMs whose output
 * rows are 3·d apart) and its backward one more (dX, every dW and db); self-attention reads Q, K
 * and V from that buffer in place (strided GEMMs) and its backward writes dQ, dK, dV into one
 * dQKV of the same layout, which is exactly the projection backward's dY. Per attention layer and
 * training step that is 4 kernels and 6 saved-tensor clones where three projections and the
 * attention on separate q, k, v were 16 and 10 (and 2 Adds summing the three dX). For KV-cached
 * decoding, one kernel appends qkv's K and V to the cache and attends over it. Registered under
 * costsim's own names for the native backend only, reached through runtime/self-attention.ts.
 */
import type { KernelConfig, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, type KernelArgs, kernelConfigMaker } from './matmul.ts';

/** Kernel names (native backend only). */
export const QKV_KERNELS = {
  /** Inputs x [..., K], w0…w{p−1} [K, N], b0…b{p−1} [N] when attr biases; attr parts (3 when a gradient is needed). Output y [..., p·N]. */
  linearParts: 'CostsimNativeLinearParts',
  /** Inputs x, w0…, dy; attrs parts, biases (boolean). Outputs dx, dw0…, then db0… when biases. */
  linearPartsGrad: 'CostsimNativeLinearPartsGrad',
  /** Input qkv [B, T, 3·heads·D]; attrs heads, scale, causal. Outputs out [B, T, heads·D], probs [B, heads, T, T]. */
  attentionQkv: 'CostsimNativeAttentionQkv',
  /** Inputs qkv, probs, dy; attrs heads, scale. Output dQkv (qkv's layout). */
  attentionQkvGrad: 'CostsimNativeAttentionQkvGrad',
  /**
   * Inputs qkv [B·T, 3·heads·D] (rows batch-major), optional kPast, vPast [B, P, heads·D]; attrs batch, heads, scale.
   * Outputs out [B·T, heads·D], k and v [B, P + T, heads·D]. Forward only (serving).
   */
  attentionCached: 'CostsimNativeAttentionCached',
} as const;

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

interface PartsAttrs {
  parts: number;
  biases?: boolean;
}

function partInputs(inputs: KernelArgs['inputs'], prefix: string, parts: number): TensorInfo[] {
  return Array.from({ length: parts }, (_, p) => inputs[`${prefix}${p}`]).filter((t): t is TensorInfo => t !== undefined);
}

function linearParts(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { parts } = args.attrs as unknown as PartsAttrs;
  const x = args.inputs.x as TensorInfo;
  const weights = partInputs(args.inputs, 'w', parts);
  const biases = partInputs(args.inputs, 'b', parts);
  const [k, n] = (weights[0] as TensorInfo).shape as [number, number];
  const y = backend.makeOutput([...x.shape.slice(0, -1), parts * n], 'float32');
  addon.linearParts(
    floats(backend, x),
    weights.map((w) => floats(backend, w)),
    biases.length === parts ? biases.map((b) => floats(backend, b)) : weights.map(() => null),
    floats(backend, y),
    size(x.shape) / k,
    k,
    n,
  );
  return y;
}

function linearPartsGrad(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { parts, biases } = args.attrs as unknown as PartsAttrs;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const weights = partInputs(args.inputs, 'w', parts);
  const [k, n] = (weights[0] as TensorInfo).shape as [number, number];
  const dx = backend.makeOutput(x.shape, 'float32');
  const dWeights = weights.map(() => backend.makeOutput([k, n], 'float32'));
  const dBiases = biases ? weights.map(() => backend.makeOutput([n], 'float32')) : [];
  addon.linearPartsGrad(
    floats(backend, x),
    weights.map((w) => floats(backend, w)),
    floats(backend, dy),
    floats(backend, dx),
    dWeights.map((t) => floats(backend, t)),
    biases ? dBiases.map((t) => floats(backend, t)) : weights.map(() => null),
    size(x.shape) / k,
    k,
    n,
  );
  return [dx, ...dWeights, ...dBiases];
}

interface AttentionAttrs {
  heads: number;
  scale: number;
  causal?: boolean;
}

function attentionQkv(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const qkv = args.inputs.qkv as TensorInfo;
  const { heads, scale, causal = true } = args.attrs as unknown as AttentionAttrs;
  const [batch, tokens, width3] = qkv.shape as [number, number, number];
  const width = width3 / 3;
  const out = backend.makeOutput([batch, tokens, width], 'float32');
  const probs = backend.makeOutput([batch, heads, tokens, tokens], 'float32');
  addon.attentionQkv(floats(backend, qkv), floats(backend, out), floats(backend, probs), batch, heads, tokens, width / heads, scale, causal ? 1 : 0);
  return [out, probs];
}

function attentionQkvGrad(addon: NativeAddon, args: KernelArgs): TensorInfo {
  const backend = args.backend as BackendWasm;
  const { qkv, probs, dy } = args.inputs as { qkv: TensorInfo; probs: TensorInfo; dy: TensorInfo };
  const { heads, scale } = args.attrs as unknown as AttentionAttrs;
  const [batch, tokens, width3] = qkv.shape as [number, number, number];
  const dQkv = backend.makeOutput(qkv.shape, 'float32');
  addon.attentionQkvGrad(
    floats(backend, qkv),
    floats(backend, probs),
    floats(backend, dy),
    floats(backend, dQkv),
    batch,
    heads,
    tokens,
    width3 / 3 / heads,
    scale,
  );
  return dQkv;
}

function attentionCached(addon: NativeAddon, args: KernelArgs): TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { qkv, kPast, vPast } = args.inputs as { qkv: TensorInfo; kPast?: TensorInfo; vPast?: TensorInfo };
  const { batch, heads, scale } = args.attrs as unknown as AttentionAttrs & { batch: number };
  const rows = size(qkv.shape.slice(0, -1));
  const width = (qkv.shape[qkv.shape.length - 1] as number) / 3;
  const tokens = rows / batch;
  const past = kPast ? (kPast.shape[1] as number) : 0;
  const out = backend.makeOutput([...qkv.shape.slice(0, -1), width], 'float32');
  const k = backend.makeOutput([batch, past + tokens, width], 'float32');
  const v = backend.makeOutput([batch, past + tokens, width], 'float32');
  addon.attentionCached(
    floats(backend, qkv),
    kPast ? floats(backend, kPast) : null,
    vPast ? floats(backend, vPast) : null,
    floats(backend, k),
    floats(backend, v),
    floats(backend, out),
    batch,
    heads,
    past,
    tokens,
    width / heads,
    scale,
  );
  return [out, k, v];
}

let gradientsRegistered = false;

/**
 * Register the gradients once per process. The projection's one backward kernel yields every
 * input's gradient at once (the transformer needs them all: x is a layer norm's output, never a
 * data input); the attention's reads the saved qkv and probabilities.
 */
export function registerQkvGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  tf.registerGradient({
    kernelName: QKV_KERNELS.linearParts,
    // tfjs saves inputs by name, so the gradient is registered for the three parts of Q, K and V.
    inputsToSave: ['x', 'w0', 'w1', 'w2'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: unknown) => {
      const { parts, biases } = attrs as PartsAttrs;
      if (parts !== 3) throw new Error(`${QKV_KERNELS.linearParts}: the gradient is registered for 3 parts (got ${parts})`);
      const [x, ...weights] = saved as [Tensor, ...Tensor[]];
      const inputs: Record<string, Tensor> = { x, dy: dy as Tensor };
      weights.forEach((w, p) => (inputs[`w${p}`] = w));
      const [dx, ...grads] = tf.engine().runKernel(QKV_KERNELS.linearPartsGrad, inputs, { parts, biases: biases ?? false }) as Tensor[] as [
        Tensor,
        ...Tensor[],
      ];
      const result: Record<string, () => Tensor> = { x: () => dx };
      grads.forEach((g, i) => (result[i < parts ? `w${i}` : `b${i - parts}`] = () => g));
      return result;
    },
  });
  tf.registerGradient({
    kernelName: QKV_KERNELS.attentionQkv,
    inputsToSave: ['qkv'],
    outputsToSave: [false, true],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: unknown) => {
      const [qkv, probs] = saved as [Tensor, Tensor];
      const dOut = (dy as Array<Tensor | null>)[0] ?? tf.zeros([...qkv.shape.slice(0, -1), (qkv.shape[2] as number) / 3]);
      return { qkv: () => tf.engine().runKernel(QKV_KERNELS.attentionQkvGrad, { qkv, probs, dy: dOut }, attrs as never) as Tensor };
    },
  });
}

/** The kernel configs for backend `backendName`; none when the addon predates them (the ops then run as before). */
export function qkvKernels(addon: NativeAddon, backendName: string): KernelConfig[] {
  if (typeof addon.linearParts !== 'function' || typeof addon.attentionQkv !== 'function' || typeof addon.attentionCached !== 'function') return [];
  const config = kernelConfigMaker(backendName);
  return [
    config(QKV_KERNELS.linearParts, (args) => linearParts(addon, args)),
    config(QKV_KERNELS.linearPartsGrad, (args) => linearPartsGrad(addon, args)),
    config(QKV_KERNELS.attentionQkv, (args) => attentionQkv(addon, args)),
    config(QKV_KERNELS.attentionQkvGrad, (args) => attentionQkvGrad(addon, args)),
    config(QKV_KERNELS.attentionCached, (args) => attentionCached(addon, args)),
  ];
}
