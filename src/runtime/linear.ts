/**
 * A dense projection y = act(x·W + b) (act: none or ReLU) over the last axis of x [..., K] with W [K, N] and b [N]: one
 * native GEMM kernel forward and one per needed gradient backward on the `native` backend (runtime/native/linear.ts), tf.fused.matMul on
 * x reshaped to 2-D elsewhere (the same GEMM and bias, so the same arithmetic).
 */
import { tf, type Tensor } from './tf.ts';
import { LINEAR_KERNELS, type LinearActivation } from './native/linear.ts';
import { NATIVE_BACKEND } from './native/backend.ts';

function nativeApplies(x: Tensor, kernel: Tensor, bias: Tensor): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || !tf.getKernel(LINEAR_KERNELS.linear, NATIVE_BACKEND)) return false;
  return [x, kernel, bias].every((t) => t.dtype === 'float32') && x.size > 0 && kernel.size > 0;
}

/**
 * act(x·kernel + bias) over x's last axis: [..., K] × [K, N] + [N] → [..., N], act none or ReLU.
 * Differentiable wrt all three.
 */
export function linear(x: Tensor, kernel: Tensor, bias: Tensor, activation: LinearActivation = 'linear'): Tensor {
  const [k, n] = kernel.shape as [number, number];
  if (kernel.rank !== 2 || x.rank < 1 || x.shape[x.rank - 1] !== k || bias.rank !== 1 || bias.shape[0] !== n) {
    throw new Error(
      `linear: x ${JSON.stringify(x.shape)}, kernel ${JSON.stringify(kernel.shape)} and bias ${JSON.stringify(bias.shape)} do not fit [..., K] × [K, N] + [N]`,
    );
  }
  const outShape = [...x.shape.slice(0, -1), n];
  if (!nativeApplies(x, kernel, bias)) {
    return tf.tidy(() => tf.reshape(tf.fused.matMul({ a: tf.reshape(x, [-1, k]) as tf.Tensor2D, b: kernel as tf.Tensor2D, bias, activation }), outShape));
  }
  // Differentiable through the kernel's registered gradient (runtime/native/linear.ts).
  return tf.engine().runKernel(activation === 'relu' ? LINEAR_KERNELS.linearRelu : LINEAR_KERNELS.linear, { x, kernel, bias }, {}) as Tensor;
}
