/** Tiny hand-built models for the pruning tests (seeded initialisers, a few hundred weights). */
import { tf } from '../../../src/runtime/tf.ts';
import type { LayersModel, Tensor } from '../../../src/runtime/tf.ts';
import { createRng } from '../../../src/util/rng.ts';

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** conv(4, relu) → BN → maxpool → conv(6) → BN → relu → flatten → dense(8, relu) → dense(3). */
export function tinyCnn(seed = 1): LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(seed) }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, kernelInitializer: init(seed + 1), biasInitializer: 'randomNormal' }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.activation({ activation: 'relu' }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 8, activation: 'relu', kernelInitializer: init(seed + 2), biasInitializer: 'ones' }));
  m.add(tf.layers.dropout({ rate: 0.1 }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: init(seed + 3) }));
  return m;
}

/** dense(16, relu) → dense(12, relu) → dense(4): 4 inputs. */
export function tinyMlp(seed = 1): LayersModel {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: init(seed) }));
  m.add(tf.layers.dense({ units: 12, activation: 'relu', kernelInitializer: init(seed + 1) }));
  m.add(tf.layers.dense({ units: 4, kernelInitializer: init(seed + 2) }));
  return m;
}

/** A seeded normal tensor of `shape`. */
export function randomInput(shape: number[], seed = 3): Tensor {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal()),
    shape,
  );
}

/** Randomise BatchNorm moving statistics so tests see non-trivial normalisation. */
export function randomiseBatchNormStats(model: LayersModel, seed = 5): void {
  const rng = createRng(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.getWeights().map((w, i) =>
        tf.tensor(
          Float32Array.from({ length: w.size }, () => (i === 3 ? 0.5 + rng.next() : rng.normal())),
          w.shape,
        ),
      ),
    );
  }
}
