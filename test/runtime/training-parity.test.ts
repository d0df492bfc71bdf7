/**
 * The foundation's promise: models train on wasm exactly as on cpu. A 2-conv CNN (with a
 * depthwise-separable conv, so both depthwise backprops run) and an Embedding model train 3
 * steps from identical seeded weights on each backend; the losses must match, and a step
 * must not leak tensors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/tf.ts';
import { loadWasmAndCpu, maxRelativeError, seededValues } from './backend-helpers.ts';

beforeAll(loadWasmAndCpu);

function cnn(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.glorotUniform({ seed });
  const model = tf.sequential();
  model.add(
    tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 4, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu', kernelInitializer: init(1) }),
  );
  model.add(
    tf.layers.separableConv2d({
      filters: 6,
      kernelSize: 3,
      strides: 2,
      padding: 'valid',
      depthMultiplier: 2,
      activation: 'relu',
      depthwiseInitializer: init(2),
      pointwiseInitializer: init(3),
    }),
  );
  model.add(tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(4) }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(5) }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  return model;
}

function embeddingModel(): tf.LayersModel {
  const model = tf.sequential();
  model.add(
    tf.layers.embedding({
      inputDim: 20,
      outputDim: 8,
      inputLength: 6,
      embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 6 }),
    }),
  );
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }));
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
  return model;
}

function oneHot(n: number, classes: number, seed: number): tf.Tensor2D {
  const labels = Array.from(seededValues(n, seed), (v) => Math.floor(((v + 1) / 2) * classes) % classes);
  return tf.oneHot(tf.tensor1d(labels, 'int32'), classes) as tf.Tensor2D;
}

/** Train 3 steps on `backend`; return the 3 losses, the final weights and the tensor-count change per step. */
async function trainThreeSteps(
  backend: string,
  build: () => tf.LayersModel,
  makeBatch: () => [tf.Tensor, tf.Tensor],
): Promise<{ losses: number[]; weights: Float32Array; leakedPerStep: number }> {
  await tf.setBackend(backend);
  const model = build();
  const [x, y] = makeBatch();
  const losses: number[] = [];
  let leaked = 0;
  for (let step = 0; step < 3; step++) {
    const before = tf.memory().numTensors;
    losses.push((await model.trainOnBatch(x, y)) as number);
    if (step > 0) leaked = Math.max(leaked, tf.memory().numTensors - before); // step 0 creates optimizer slots
  }
  const weights = Float32Array.from(model.getWeights().flatMap((w) => Array.from(w.dataSync())));
  tf.dispose([x, y]);
  model.dispose();
  return { losses, weights, leakedPerStep: leaked };
}

describe('training on wasm matches cpu', () => {
  it('a 2-conv CNN with a separable conv: same 3 losses and weights, no leaks', async () => {
    const batch = (): [tf.Tensor, tf.Tensor] => [tf.tensor4d(seededValues(8 * 12 * 12, 11), [8, 12, 12, 1]), oneHot(8, 3, 12)];
    const wasm = await trainThreeSteps('wasm', cnn, batch);
    const cpu = await trainThreeSteps('cpu', cnn, batch);
    expect(maxRelativeError(wasm.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(maxRelativeError(wasm.weights, cpu.weights)).toBeLessThan(1e-4);
    expect(wasm.losses[2]).toBeLessThan(wasm.losses[0] as number);
    expect(wasm.leakedPerStep).toBe(0);
  });

  it('an Embedding model: same 3 losses and weights, no leaks', async () => {
    const batch = (): [tf.Tensor, tf.Tensor] => {
      const ids = Array.from(seededValues(16 * 6, 13), (v) => Math.floor(((v + 1) / 2) * 20) % 20);
      return [tf.tensor2d(ids, [16, 6], 'int32'), oneHot(16, 4, 14)];
    };
    const wasm = await trainThreeSteps('wasm', embeddingModel, batch);
    const cpu = await trainThreeSteps('cpu', embeddingModel, batch);
    expect(maxRelativeError(wasm.losses, cpu.losses)).toBeLessThan(1e-4);
    expect(maxRelativeError(wasm.weights, cpu.weights)).toBeLessThan(1e-4);
    expect(wasm.losses[2]).toBeLessThan(wasm.losses[0] as number);
    expect(wasm.leakedPerStep).toBe(0);
  });
});
