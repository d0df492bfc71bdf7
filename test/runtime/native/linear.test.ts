/**
 * The native linear projection (runtime/linear.ts, kernels in runtime/native/linear.ts): output
 * and the gradients wrt x, kernel and bias against tf.fused.matMul on the cpu backend at 1e-4
 * relative, and that native runs one kernel each way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { linear } from '../../../src/runtime/linear.ts';
import { LINEAR_KERNELS } from '../../../src/runtime/native/linear.ts';
import { expectNativeMatchesCpu, nativeBuilt, setUpBackends, skipReason, withGrads } from './helpers.ts';

/** The 2-D reference every backend has: tf.fused.matMul on x flattened to rows. */
function reference(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [k, n] = kernel.shape as [number, number];
  return tf.reshape(tf.fused.matMul({ a: tf.reshape(x, [-1, k]) as tf.Tensor2D, b: kernel as tf.Tensor2D, bias }), [...x.shape.slice(0, -1), n]);
}

describe.skipIf(!nativeBuilt)(`native linear projection${skipReason}`, () => {
  beforeAll(setUpBackends);

  for (const activation of ['linear', 'relu'] as const) {
    it(`${activation}: [3, 5, 8] × [8, 6] + [6], output and the gradients wrt x, kernel and bias match cpu`, async () => {
      await expectNativeMatchesCpu(
        [[3, 5, 8], [8, 6], [6]],
        withGrads((x, k, b) => linear(x, k, b, activation)),
      );
    });

    it(`${activation}: 2-D input matches cpu`, async () => {
      await expectNativeMatchesCpu(
        [[7, 4], [4, 9], [9]],
        withGrads((x, k, b) => linear(x, k, b, activation)),
      );
    });
  }

  it('on native equals tf.fused.matMul forward and backward (same GEMM, same bias)', async () => {
    await tf.setBackend('native');
    const [x, kernel, bias] = [
      tf.randomNormal([2, 3, 4], 0, 1, 'float32', 1),
      tf.randomNormal([4, 5], 0, 1, 'float32', 2),
      tf.randomNormal([5], 0, 1, 'float32', 3),
    ];
    const ours = withGrads((a, k, b) => linear(a, k, b))(x, kernel, bias);
    const theirs = withGrads(reference)(x, kernel, bias);
    for (let i = 0; i < ours.length; i++) {
      const diff = tf.max(tf.abs(tf.sub(ours[i] as tf.Tensor, theirs[i] as tf.Tensor))).dataSync()[0] as number;
      expect(diff).toBeLessThan(1e-5);
    }
  });

  it('on native it is one kernel forward and one per gradient backward, with no tfjs matmuls', async () => {
    await tf.setBackend('native');
    const args = [tf.ones([2, 3, 4]), tf.ones([4, 5]), tf.ones([5])];
    const info = await tf.profile(() => tf.grads((x: tf.Tensor, k: tf.Tensor, b: tf.Tensor) => linear(x, k, b).sum())(args));
    expect(info.kernelNames).toContain(LINEAR_KERNELS.linear);
    expect(info.kernelNames).toContain(LINEAR_KERNELS.linearGradKernel);
    expect(info.kernelNames).toContain(LINEAR_KERNELS.linearGradInput);
    expect(info.kernelNames).not.toContain('BatchMatMul');
    expect(info.kernelNames).not.toContain('_FusedMatMul');
  });

  for (const activation of ['relu', 'linear', 'sigmoid'] as const) {
    it(`tf.layers.dense (${activation}) on [2, 3, 4]: output and the weight gradients match cpu`, async () => {
      await expectNativeMatchesCpu([[2, 3, 4], [4, 5], [5]], (x, kernel, bias) => {
        const layer = tf.layers.dense({ units: 5, activation, weights: [kernel as tf.Tensor, bias as tf.Tensor] });
        const y = layer.apply(x as tf.Tensor) as tf.Tensor; // builds it, so its weights are variables
        const weights = tf.linspace(-1, 2, 30).reshape([2, 3, 5]);
        const { value, grads } = tf.variableGrads(() => (layer.apply(x as tf.Tensor) as tf.Tensor).mul(weights).sum() as tf.Scalar);
        const out = [y, value, ...Object.values(grads)];
        layer.dispose();
        return out;
      });
    });
  }

  it('tf.layers.dense with ReLU runs the linear kernels on native (routed), not tfjs-layers dot, and no dX for a data input', async () => {
    await tf.setBackend('native');
    const layer = tf.layers.dense({ units: 5, activation: 'relu', inputShape: [4] });
    const x = tf.ones([2, 3, 4]);
    layer.apply(x);
    const info = await tf.profile(() => tf.variableGrads(() => (layer.apply(x) as tf.Tensor).sum() as tf.Scalar).grads);
    expect(info.kernelNames).toContain(LINEAR_KERNELS.linearRelu);
    expect(info.kernelNames).toContain(LINEAR_KERNELS.linearGradKernel);
    expect(info.kernelNames).not.toContain('_FusedMatMul');
    // x is data, not differentiated: no dX is computed (as tfjs's own gradient skips it).
    expect(info.kernelNames).not.toContain(LINEAR_KERNELS.linearGradInput);
    layer.dispose();
  });

  it('shapes that do not fit are an error naming them', () => {
    expect(() => linear(tf.zeros([2, 3]), tf.zeros([4, 5]), tf.zeros([5]))).toThrow(/x \[2,3\], kernel \[4,5\] and bias \[5\]/);
  });
});
