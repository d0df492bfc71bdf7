/**
 * Transformer ops that run as one fused native kernel each way on the `native` backend
 * (runtime/native/fused.ts) and as tfjs's broadcasting ops everywhere else, with the same
 * arithmetic: layer norm (as the zoo transformer writes it), RMSNorm (as the KV-cached decoder
 * writes it) and bias + exact GELU. On native the forward is one kernel instead of ~7 and the
 * backward one instead of ~15, cutting the per-kernel launch overhead of the transformer's step.
 */
import { tf, type Tensor } from './tf.ts';
import { FUSED_KERNELS } from './native/fused.ts';
import { NATIVE_BACKEND } from './native/backend.ts';

/**
 * Whether the fused native kernels apply: native backend active with them registered (a stale
 * addon build has none), x float32 and non-empty, each per-channel tensor rank 1 of x's last-axis width.
 */
function nativeApplies(x: Tensor, ...perChannel: Tensor[]): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || x.dtype !== 'float32' || x.rank < 1 || x.size === 0) return false;
  if (!tf.getKernel(FUSED_KERNELS.layerNorm, NATIVE_BACKEND)) return false;
  const channels = x.shape[x.rank - 1];
  return perChannel.every((t) => t.dtype === 'float32' && t.rank === 1 && t.shape[0] === channels);
}

/** Layer norm over the last axis, broadcasting ops: (x − mean)·rsqrt(var + ε)·γ + β (biased variance, tf.moments). */
function layerNormOps(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
    return tf.add(tf.mul(normed, gamma), beta);
  });
}

/**
 * Layer normalisation over the last axis with scale γ and offset β (rank-1, the last axis's
 * width): (x − mean)/√(var + ε)·γ + β. Differentiable wrt x, γ and β.
 */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number): Tensor {
  if (!nativeApplies(x, gamma, beta)) return layerNormOps(x, gamma, beta, epsilon);
  const attrs = { epsilon, rms: false };
  const fused = tf.customGrad((xIn, gammaIn, betaIn, save) => {
    const [y, mean, rstd] = tf
      .engine()
      .runKernel(FUSED_KERNELS.layerNorm, { x: xIn as Tensor, gamma: gammaIn as Tensor, beta: betaIn as Tensor }, attrs) as Tensor[] as [
      Tensor,
      Tensor,
      Tensor,
    ];
    (save as tf.GradSaveFunc)([xIn as Tensor, gammaIn as Tensor, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sGamma, sMean, sRstd] = saved as [Tensor, Tensor, Tensor, Tensor];
        return tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { x: sx, dy, gamma: sGamma, mean: sMean, rstd: sRstd }, attrs) as Tensor[];
      },
    };
  });
  return fused(x, gamma, beta);
}

/** RMSNorm over the last axis without a scale: x/√(mean(x²) + ε). Differentiable wrt x. */
export function rmsNorm(x: Tensor, epsilon: number): Tensor {
  if (!nativeApplies(x)) return tf.tidy(() => tf.div(x, tf.sqrt(tf.add(tf.mean(tf.square(x), -1, true), epsilon))));
  const attrs = { epsilon, rms: true };
  const fused = tf.customGrad((xIn, save) => {
    const [y, mean, rstd] = tf.engine().runKernel(FUSED_KERNELS.layerNorm, { x: xIn as Tensor }, attrs) as Tensor[] as [Tensor, Tensor, Tensor];
    (save as tf.GradSaveFunc)([xIn as Tensor, mean, rstd]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sMean, sRstd] = saved as [Tensor, Tensor, Tensor];
        const [dx, dGamma, dBeta] = tf.engine().runKernel(FUSED_KERNELS.layerNormGrad, { x: sx, dy, mean: sMean, rstd: sRstd }, attrs) as Tensor[] as [
          Tensor,
          Tensor,
          Tensor,
        ];
        tf.dispose([dGamma, dBeta]);
        return [dx];
      },
    };
  });
  return fused(x);
}

/** gelu(x + bias) with the exact (erf) GELU, as tfjs-layers' 'gelu' activation, bias over the last axis. Differentiable wrt x and bias. */
export function biasGelu(x: Tensor, bias: Tensor): Tensor {
  if (!nativeApplies(x, bias)) {
    return tf.tidy(() => {
      const u = tf.add(x, bias);
      return tf.mul(tf.mul(u, 0.5), tf.add(1, tf.erf(tf.div(u, Math.SQRT2))));
    });
  }
  const fused = tf.customGrad((xIn, biasIn, save) => {
    const y = tf.engine().runKernel(FUSED_KERNELS.biasGelu, { x: xIn as Tensor, bias: biasIn as Tensor }, {}) as Tensor;
    (save as tf.GradSaveFunc)([xIn as Tensor, biasIn as Tensor]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sBias] = saved as [Tensor, Tensor];
        return tf.engine().runKernel(FUSED_KERNELS.biasGeluGrad, { x: sx, bias: sBias, dy }, {}) as Tensor[];
      },
    };
  });
  return fused(x, bias);
}
