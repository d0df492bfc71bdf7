/**
 * The fused softmax cross-entropy (runtime/cross-entropy.ts, native kernels in
 * runtime/native/cross-entropy.ts): per-row losses and the logits gradient against tfjs's ops on
 * the cpu backend at 1e-4 relative, against hand-worked values, and that native runs one kernel each way.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { softmaxCrossEntropyRows } from '../../../src/runtime/cross-entropy.ts';
import { CROSS_ENTROPY_KERNELS } from '../../../src/runtime/native/cross-entropy.ts';
import { addonHas, expectNativeMatchesCpu, setUpBackends } from './helpers.ts';

const kernels = addonHas('softmaxCrossEntropy', 'softmaxCrossEntropyGrad');

/** One-hot rows of `classes` over `shape`, with every third row all zero (an unscored position). */
function labels(shape: number[], classes: number): tf.Tensor {
  const rows = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) if (r % 3 !== 2) values[r * classes + ((r * 5 + 1) % classes)] = 1;
  return tf.tensor(values, [...shape, classes]);
}

/** Per-row losses and the gradient wrt logits of Σ rows·w for a fixed weighting w. */
function lossAndGrad(makeLabels: () => tf.Tensor): (logits: tf.Tensor) => tf.Tensor[] {
  return (logits) => {
    const y = makeLabels();
    const rows = softmaxCrossEntropyRows(y, logits);
    const weights = tf.linspace(-1, 2, rows.size).reshape(rows.shape);
    return [rows, tf.grad((z: tf.Tensor) => softmaxCrossEntropyRows(y, z).mul(weights).sum())(logits)];
  };
}

describe.skipIf(!kernels.ok)(`native softmax cross-entropy${kernels.reason}`, () => {
  beforeAll(setUpBackends);

  it('one-hot labels with unscored rows, [4, 6, 14] logits: losses and dLogits match cpu', async () => {
    await expectNativeMatchesCpu(
      [[4, 6, 14]],
      lossAndGrad(() => labels([4, 6], 14)),
    );
  });

  it('soft labels (not summing to 1) and large logits: losses and dLogits match cpu', async () => {
    await expectNativeMatchesCpu(
      [
        [5, 9],
        [5, 9],
      ],
      (logits, raw) => {
        const soft = tf.mul(tf.abs(raw as tf.Tensor), 0.4);
        return lossAndGrad(() => soft)(tf.mul(logits as tf.Tensor, 30));
      },
      11,
    );
  });

  it('hand-worked: logits [0, ln 3] against class 1 give ln(4/3), dLogits [1/4, −1/4]', async () => {
    await tf.setBackend('native');
    const logits = tf.tensor2d([[0, Math.log(3)]]);
    const y = tf.tensor2d([[0, 1]]);
    const [loss] = await softmaxCrossEntropyRows(y, logits).data();
    expect(loss).toBeCloseTo(Math.log(4 / 3), 6);
    const grad = await tf
      .grad((z: tf.Tensor) => softmaxCrossEntropyRows(y, z).sum())(logits)
      .data();
    expect(grad[0]).toBeCloseTo(0.25, 6);
    expect(grad[1]).toBeCloseTo(-0.25, 6);
  });

  it('on native it is one kernel forward and one backward, and leaves no tensors behind', async () => {
    await tf.setBackend('native');
    const logits = tf.randomNormal([8, 20]);
    const y = labels([8], 20);
    const before = tf.memory().numTensors;
    const info = await tf.profile(() => tf.grad((z: tf.Tensor) => softmaxCrossEntropyRows(y, z).sum())(logits));
    expect(info.kernelNames).toContain(CROSS_ENTROPY_KERNELS.forward);
    expect(info.kernelNames).toContain(CROSS_ENTROPY_KERNELS.backward);
    expect(info.kernelNames).not.toContain('LogSoftmax');
    expect(info.kernelNames).not.toContain('Exp');
    tf.dispose(info.result);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('labels and logits of different shapes are an error naming both', () => {
    expect(() => softmaxCrossEntropyRows(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/labels \[2,3\] and logits \[2,4\]/);
  });
});
