import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, tf } from '../../../src/runtime/index.ts';
import { countFlops, accumulatedStepFlops } from '../../../src/bench/flops/analytic.ts';
import { createZooModel, loadTask } from '../../../src/bench/zoo/index.ts';
import { UnsupportedError } from '../../../src/errors.ts';

beforeAll(async () => {
  await initRuntime({ flag: 'cpu' });
});

/** LeNet-5 (32×32 input, 6-16-120-84-10), the classic layout. */
function lenet5(): tf.LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [32, 32, 1], filters: 6, kernelSize: 5, activation: 'tanh' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'tanh' }));
  m.add(tf.layers.averagePooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 120, activation: 'tanh' }));
  m.add(tf.layers.dense({ units: 84, activation: 'tanh' }));
  m.add(tf.layers.dense({ units: 10 }));
  return m;
}

describe('countFlops (analytic)', () => {
  it('LeNet-5: 61,706 parameters and 416,520 MACs (LeCun et al. 1998, LeNet-5; counted by hand from the layer shapes), i.e. 833,040 matmul/conv FLOPs per sample', () => {
    const count = countFlops(lenet5(), { batchSize: 1 });
    expect(count.totals.params).toBe(61_706);
    expect(count.totals.matmulForwardFlops).toBe(2 * 416_520);
    // Batch scales linearly.
    expect(countFlops(lenet5(), { batchSize: 8 }).totals.matmulForwardFlops).toBe(8 * 2 * 416_520);
  });

  it('hand-computed layers: Dense 784→512 and a first conv 3×3, 1→32 on 28×28 (same padding)', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 512, activation: 'relu' }));
    const [conv, , dense] = countFlops(m, { batchSize: 4 }).layers;
    // conv: 4 images × 28·28 pixels × 32 filters × 9 taps × 1 channel, 2 FLOPs per MAC
    expect(conv?.matmulForwardFlops).toBe(2 * 4 * 28 * 28 * 32 * 9);
    // first layer (ReLU, unfused while training): weight gradient only, no input gradient
    expect(conv?.computesInputGrad).toBe(false);
    expect(conv?.matmulBackwardFlops).toBe(2 * 4 * 28 * 28 * 32 * 9);
    // dense: 4 × 25088 inputs × 512 outputs × 2; backward = dX + dW
    expect(dense?.matmulForwardFlops).toBe(2 * 4 * 25_088 * 512);
    expect(dense?.matmulBackwardFlops).toBe(2 * 2 * 4 * 25_088 * 512);
    expect(dense?.params).toBe(25_088 * 512 + 512);
    expect(dense?.activationElements).toBe(4 * 512);
  });

  it('effective FLOPs count only non-zero weights', () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [10], units: 4, useBias: false }));
    const kernel = m.layers[0]!.getWeights()[0]!;
    const values = kernel.arraySync() as number[][];
    values.forEach((row, i) =>
      row.forEach((_, j) => {
        if ((i + j) % 2 === 0) row[j] = 0;
      }),
    );
    m.layers[0]!.setWeights([tf.tensor2d(values)]);
    const count = countFlops(m, { batchSize: 3 });
    expect(count.totals.forwardFlops).toBe(2 * 3 * 10 * 4);
    expect(count.totals.effectiveForwardFlops).toBe(2 * 3 * 20); // 20 of 40 weights are non-zero
    expect(count.totals.nonZeroParams).toBe(20);
  });

  it('the zoo transformer matches Kaplan et al. (2020): 2N + de-embedding + dense T×T attention per token', () => {
    const task = loadTask('transformer', { seed: 0, digits: 2, dataLimit: 200 });
    const d = 16;
    const layers = 2;
    const model = createZooModel('transformer', task, { dModel: d, heads: 2, layers, mlpRatio: 4, digits: 2 });
    const T = task.inputShape[0] as number;
    const vocab = task.numClasses;
    const count = countFlops(model, { batchSize: 1 });
    const nonEmbedding = 12 * layers * d * d; // N ≈ 12·n_layer·d² (d_ff = 4d)
    // Kaplan's 2·n_layer·n_ctx·d assumes causal skipping; tfjs computes the full T×T scores and mix (4·n_layer·T·d).
    const perToken = 2 * nonEmbedding + 2 * d * vocab + 4 * layers * T * d;
    expect(count.totals.matmulForwardFlops).toBe(T * perToken);
    task.dispose();
  });

  it('accumulation multiplies forward+backward by k and adds k−1 gradient sums', () => {
    const count = countFlops(lenet5(), { batchSize: 8 });
    const t = count.totals;
    const step = accumulatedStepFlops(count, 4);
    expect(step.matmul).toBe(4 * t.matmulTrainStepFlops);
    expect(step.total).toBe(4 * (t.forwardFlops + t.backwardFlops) + 3 * t.trainableParams + t.optimizerFlops);
  });

  it('rejects an unsupported layer with an error naming it and listing what is supported', () => {
    const m = tf.sequential();
    m.add(tf.layers.conv1d({ inputShape: [16, 3], filters: 4, kernelSize: 3, name: 'my_conv1d' }));
    expect(() => countFlops(m, { batchSize: 1 })).toThrow(UnsupportedError);
    expect(() => countFlops(m, { batchSize: 1 })).toThrow(/layer "my_conv1d" is a Conv1D.*Supported layer classes: .*Dense/);
  });
});
