/**
 * A dense projection y = x·W + b over the last axis of x [..., K] with W [K, N] and b [N]: one
 * native kernel each way on the `native` backend (runtime/native/linear.ts), tf.fused.matMul on
 * x reshaped to 2-D elsewhere (the same GEMM and bias, so the same arithmetic).
 */
import { tf, type Tensor } from './tf.ts';
import { LINEAR_KERNELS } from './native/linear.ts';
import { NATIVE_BACKEND } from './native/backend.ts';

function nativeApplies(x: Tensor, kernel: Tensor, bias: Tensor): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || !tf.getKernel(LINEAR_KERNELS.linear, NATIVE_BACKEND)) return false;
  return [x, kernel, bias].every((t) => t.dtype === 'float32') && x.size > 0 && kernel.size > 0;
}

/** x·kernel + bias over x's last axis: [..., K] × [K, N] + [N] → [..., N]. Differentiable wrt all three. */
export function linear(x: Tensor, kernel: Tensor, bias: Tensor): Tensor {
  const [k, n] = kernel.shape as [number, number];
  if (kernel.rank !== 2 || x.rank < 1 || x.shape[x.rank - 1] !== k || bias.rank !== 1 || bias.shape[0] !== n) {
    throw new Error(
      `linear: x ${JSON.stringify(x.shape)}, kernel ${JSON.stringify(kernel.shape)} and bias ${JSON.stringify(bias.shape)} do not fit [..., K] × [K, N] + [N]`,
    );
  }
  const outShape = [...x.shape.slice(0, -1), n];
  if (!nativeApplies(x, kernel, bias)) {
    return tf.tidy(() => tf.reshape(tf.fused.matMul({ a: tf.reshape(x, [-1, k]) as tf.Tensor2D, b: kernel as tf.Tensor2D, bias }), outShape));
  }
  const fused = tf.customGrad((xIn, kernelIn, biasIn, save) => {
    const y = tf.engine().runKernel(LINEAR_KERNELS.linear, { x: xIn as Tensor, kernel: kernelIn as Tensor, bias: biasIn as Tensor }, {}) as Tensor;
    (save as tf.GradSaveFunc)([xIn as Tensor, kernelIn as Tensor]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sKernel] = saved as [Tensor, Tensor];
        return tf.engine().runKernel(LINEAR_KERNELS.linearGrad, { x: sx, kernel: sKernel, dy }, {}) as Tensor[];
      },
    };
  });
  return fused(x, kernel, bias);
}
