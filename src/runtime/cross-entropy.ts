/**
 * Softmax cross-entropy per row, −Σ_c labels·log softmax(logits), as one fused native kernel
 * each way on the `native` backend (runtime/native/cross-entropy.ts: the backward keeps only the
 * logits, the labels and one log-sum-exp per row) and as tfjs's ops elsewhere (logSoftmax,
 * multiply, sum — what the zoo task's loss wrote).
 */
import { tf, type Tensor } from './tf.ts';
import { CROSS_ENTROPY_KERNELS } from './native/cross-entropy.ts';
import { NATIVE_BACKEND } from './native/backend.ts';

function nativeApplies(labels: Tensor, logits: Tensor): boolean {
  if (tf.getBackend() !== NATIVE_BACKEND || !tf.getKernel(CROSS_ENTROPY_KERNELS.forward, NATIVE_BACKEND)) return false;
  return logits.rank >= 1 && logits.size > 0 && logits.dtype === 'float32' && labels.dtype === 'float32' && tf.util.arraysEqual(labels.shape, logits.shape);
}

/**
 * Per-row softmax cross-entropy (nats) of `logits` [..., C] against `labels` of the same shape
 * (one-hot, soft, or all-zero rows for unscored positions): a tensor of logits' shape without the
 * last axis. Differentiable wrt logits; labels are data (no gradient flows to them).
 */
export function softmaxCrossEntropyRows(labels: Tensor, logits: Tensor): Tensor {
  if (!tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw new Error(`softmaxCrossEntropyRows: labels ${JSON.stringify(labels.shape)} and logits ${JSON.stringify(logits.shape)} must have the same shape`);
  }
  if (!nativeApplies(labels, logits)) return tf.tidy(() => tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1)));
  const fused = tf.customGrad((logitsIn, save) => {
    const [loss, logSumExp] = tf.engine().runKernel(CROSS_ENTROPY_KERNELS.forward, { logits: logitsIn as Tensor, labels }, {}) as Tensor[] as [Tensor, Tensor];
    (save as tf.GradSaveFunc)([logitsIn as Tensor, labels, logSumExp]);
    return {
      value: loss,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sLogits, sLabels, sLogSumExp] = saved as [Tensor, Tensor, Tensor];
        return [tf.engine().runKernel(CROSS_ENTROPY_KERNELS.backward, { logits: sLogits, labels: sLabels, logSumExp: sLogSumExp, dy }, {}) as Tensor];
      },
    };
  });
  return fused(logits);
}

/**
 * Σ of the per-row softmax cross-entropies of `logits` against `labels` (as
 * {@link softmaxCrossEntropyRows}), divided by `divisor`: a scalar training loss. On native one
 * kernel each way (no per-row loss tensor, no Sum and RealDiv kernels or their gradients);
 * elsewhere tf.sum and tf.div of the rows. Differentiable wrt logits.
 */
export function softmaxCrossEntropyMean(labels: Tensor, logits: Tensor, divisor: number): tf.Scalar {
  if (!nativeApplies(labels, logits) || !tf.getKernel(CROSS_ENTROPY_KERNELS.mean, NATIVE_BACKEND)) {
    return tf.tidy(() => tf.div(tf.sum(softmaxCrossEntropyRows(labels, logits)), divisor) as tf.Scalar);
  }
  const attrs = { divisor };
  const fused = tf.customGrad((logitsIn, save) => {
    const [loss, logSumExp] = tf.engine().runKernel(CROSS_ENTROPY_KERNELS.mean, { logits: logitsIn as Tensor, labels }, attrs) as Tensor[] as [Tensor, Tensor];
    (save as tf.GradSaveFunc)([logitsIn as Tensor, labels, logSumExp]);
    return {
      value: loss,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sLogits, sLabels, sLogSumExp] = saved as [Tensor, Tensor, Tensor];
        return [tf.engine().runKernel(CROSS_ENTROPY_KERNELS.meanGrad, { logits: sLogits, labels: sLabels, logSumExp: sLogSumExp, dy }, attrs) as Tensor];
      },
    };
  });
  return fused(logits) as tf.Scalar;
}
