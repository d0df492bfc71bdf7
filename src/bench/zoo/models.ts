/**
 * The zoo's three architectures as tf.LayersModels. Every initialiser takes an explicit seed
 * derived from one integer, so the same options give the same weights on every backend.
 * Models output logits (no softmax layer): the task's loss applies log-softmax itself.
 */
import { tf, type LayersModel } from '../../runtime/tf.ts';
import { CausalSelfAttention, LayerNorm, PositionEmbedding } from './layers.ts';
import { routeZooTransformerThroughBlocks } from './transformer-plan.ts';

// Built or loaded, the transformer runs each pre-norm block as one op where the native kernel takes it (transformer-plan.ts).
routeZooTransformerThroughBlocks();

/** Seeds for successive initialisers, derived from one base seed. */
function seeder(base: number): () => number {
  let next = base * 1000;
  return () => next++;
}

/** Dense ReLU layer with a He-normal seeded kernel. */
function hiddenDense(units: number, seed: number, name: string): tf.layers.Layer {
  return tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed }), name });
}

/** Linear output layer with a Glorot-uniform seeded kernel. */
function linearDense(units: number, seed: number, name: string): tf.layers.Layer {
  return tf.layers.dense({ units, kernelInitializer: tf.initializers.glorotUniform({ seed }), name });
}

/** MLP 784-width^depth-10 (ReLU). Default 784-512-512-10 (the classic MNIST MLP of the Keras examples, mnist_mlp.py). */
export interface MlpOptions {
  width: number;
  depth: number;
}

export function buildMlp(inputSize: number, numClasses: number, options: MlpOptions, seed: number): LayersModel {
  const nextSeed = seeder(seed);
  const input = tf.input({ shape: [inputSize], name: 'pixels' });
  let x: tf.SymbolicTensor = input;
  for (let i = 0; i < options.depth; i++) {
    x = hiddenDense(options.width, nextSeed(), `hidden${i + 1}`).apply(x) as tf.SymbolicTensor;
  }
  const logits = linearDense(numClasses, nextSeed(), 'logits').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'mlp' });
}

/**
 * CNN: [conv3×3 (same) → batch norm → ReLU → maxpool 2×2] × 2 → flatten → dense ReLU → logits.
 * Default filters 32, 64 and 64 dense units (the Keras "Simple MNIST convnet" example: conv32-conv64, here with a 64-unit dense layer).
 */
export interface CnnOptions {
  filters1: number;
  filters2: number;
  dense: number;
}

export function buildCnn(inputShape: number[], numClasses: number, options: CnnOptions, seed: number): LayersModel {
  const nextSeed = seeder(seed);
  const input = tf.input({ shape: inputShape, name: 'image' });
  let x: tf.SymbolicTensor = input;
  [options.filters1, options.filters2].forEach((filters, i) => {
    const n = i + 1;
    // No conv bias: batch norm's beta does that job.
    x = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.heNormal({ seed: nextSeed() }), name: `conv${n}` })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `bn${n}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ activation: 'relu', name: `relu${n}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `pool${n}` }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  x = hiddenDense(options.dense, nextSeed(), 'fc').apply(x) as tf.SymbolicTensor;
  const logits = linearDense(numClasses, nextSeed(), 'logits').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'cnn' });
}

/**
 * Tiny decoder-only transformer (pre-norm, GPT-style; layer norm is the zoo's broadcasting
 * LayerNorm, see layers.ts): token embedding + learned positions,
 * `layers` × [LN → causal self-attention → residual, LN → dense 4d ReLU → dense d → residual],
 * final LN, dense to vocabulary logits at every position.
 */
export interface TransformerOptions {
  dModel: number;
  heads: number;
  layers: number;
  mlpRatio: number;
}

export function buildTransformer(sequenceLength: number, vocabSize: number, options: TransformerOptions, seed: number): LayersModel {
  const nextSeed = seeder(seed);
  const d = options.dModel;
  const input = tf.input({ shape: [sequenceLength], dtype: 'int32', name: 'tokens' });
  let x = tf.layers
    .embedding({
      inputDim: vocabSize,
      outputDim: d,
      embeddingsInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: nextSeed() }),
      name: 'token_embedding',
    })
    .apply(input) as tf.SymbolicTensor;
  x = new PositionEmbedding({ maxLength: sequenceLength, seed: nextSeed(), name: 'position_embedding' }).apply(x) as tf.SymbolicTensor;
  for (let i = 0; i < options.layers; i++) {
    const n = i + 1;
    const normed1 = new LayerNorm({ name: `block${n}_ln1` }).apply(x) as tf.SymbolicTensor;
    const attended = new CausalSelfAttention({ numHeads: options.heads, seed: nextSeed(), name: `block${n}_attention` }).apply(normed1) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `block${n}_residual1` }).apply([x, attended]) as tf.SymbolicTensor;
    const normed2 = new LayerNorm({ name: `block${n}_ln2` }).apply(x) as tf.SymbolicTensor;
    const hidden = hiddenDense(options.mlpRatio * d, nextSeed(), `block${n}_mlp_in`).apply(normed2) as tf.SymbolicTensor;
    const out = linearDense(d, nextSeed(), `block${n}_mlp_out`).apply(hidden) as tf.SymbolicTensor;
    x = tf.layers.add({ name: `block${n}_residual2` }).apply([x, out]) as tf.SymbolicTensor;
  }
  x = new LayerNorm({ name: 'final_ln' }).apply(x) as tf.SymbolicTensor;
  const logits = linearDense(vocabSize, nextSeed(), 'logits').apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: 'transformer' });
}
