/**
 * The zoo transformer read by role (src/bench/zoo/transformer-plan.ts): recognised by names,
 * classes and wiring — built, and after a serialisation round trip — and never for another model;
 * on native its forward pass is the fused part kernels, and its outputs equal tfjs-layers' own
 * per-layer execution of the same weights (the cpu backend, a second method).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, probeBackends, tf, BLOCK_KERNELS } from '../../../src/runtime/index.ts';
import { defaultLoaders } from '../../../src/runtime/loaders.ts';
import { buildZooModel } from '../../../src/bench/zoo/index.ts';
import { buildTransformer } from '../../../src/bench/zoo/models.ts';
import { CausalSelfAttention, LayerNorm, PositionEmbedding } from '../../../src/bench/zoo/layers.ts';
import { transformerLayers } from '../../../src/bench/zoo/transformer-plan.ts';
import { zooSegments } from '../../../src/bench/zoo/segments.ts';

const nativeAvailable = (await probeBackends(defaultLoaders())).some((p) => p.name === 'native' && p.available);

/** A copy of `model` through its JSON topology and weight values (what a saved checkpoint reloads). */
async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  const copy = (await tf.models.modelFromJSON({
    modelTopology: model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'],
  } as tf.io.ModelJSON)) as tf.LayersModel;
  copy.setWeights(model.getWeights());
  return copy;
}

describe('transformerLayers', () => {
  beforeAll(async () => {
    await initRuntime({ flag: 'cpu' });
  });

  it('reads the zoo transformer by role: embedding, every block, head — built and after a round trip', async () => {
    const model = buildTransformer(6, 10, { dModel: 8, heads: 2, layers: 3, mlpRatio: 4 }, 1);
    const plan = transformerLayers(model);
    expect(plan?.blocks.map((b) => [b.ln1.name, b.attention.name, b.residual2.name])).toEqual([
      ['block1_ln1', 'block1_attention', 'block1_residual2'],
      ['block2_ln1', 'block2_attention', 'block2_residual2'],
      ['block3_ln1', 'block3_attention', 'block3_residual2'],
    ]);
    expect(plan?.embedding.map((l) => l.name)).toEqual(['token_embedding', 'position_embedding']);
    expect(plan?.head.map((l) => l.name)).toEqual(['final_ln', 'logits']);
    const copy = await roundTrip(model);
    expect(transformerLayers(copy)?.blocks).toHaveLength(3);
    model.dispose();
    copy.dispose();
  });

  it('is undefined for the MLP and the CNN', () => {
    for (const name of ['mlp', 'cnn'] as const) {
      const { model, task } = buildZooModel(name, { seed: 0, dataLimit: 50 });
      expect(transformerLayers(model), name).toBeUndefined();
      model.dispose();
      task.dispose();
    }
  });

  it('is undefined for a model with the zoo’s names but other wiring (the residual adds the normed input, not the block input)', () => {
    const input = tf.input({ shape: [4], dtype: 'int32', name: 'tokens' });
    let x = tf.layers.embedding({ inputDim: 10, outputDim: 8, name: 'token_embedding' }).apply(input) as tf.SymbolicTensor;
    x = new PositionEmbedding({ maxLength: 4, name: 'position_embedding' }).apply(x) as tf.SymbolicTensor;
    const normed = new LayerNorm({ name: 'block1_ln1' }).apply(x) as tf.SymbolicTensor;
    const attended = new CausalSelfAttention({ numHeads: 2, name: 'block1_attention' }).apply(normed) as tf.SymbolicTensor;
    const r1 = tf.layers.add({ name: 'block1_residual1' }).apply([normed, attended]) as tf.SymbolicTensor;
    const n2 = new LayerNorm({ name: 'block1_ln2' }).apply(r1) as tf.SymbolicTensor;
    const h = tf.layers.dense({ units: 16, activation: 'relu', name: 'block1_mlp_in' }).apply(n2) as tf.SymbolicTensor;
    const o = tf.layers.dense({ units: 8, name: 'block1_mlp_out' }).apply(h) as tf.SymbolicTensor;
    const r2 = tf.layers.add({ name: 'block1_residual2' }).apply([r1, o]) as tf.SymbolicTensor;
    const f = new LayerNorm({ name: 'final_ln' }).apply(r2) as tf.SymbolicTensor;
    const logits = tf.layers.dense({ units: 10, name: 'logits' }).apply(f) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: logits });
    expect(transformerLayers(model)).toBeUndefined();
    model.dispose();
  });
});

describe.skipIf(!nativeAvailable)('the zoo transformer on native', () => {
  it('runs its forward pass as one whole-model kernel, with the outputs of tfjs-layers’ per-layer call on cpu (built and reloaded)', async () => {
    await initRuntime({ flag: 'cpu' });
    const model = buildTransformer(5, 9, { dModel: 8, heads: 2, layers: 2, mlpRatio: 4 }, 4);
    const tokens = [
      [1, 4, 8, 0, 2],
      [7, 7, 3, 5, 6],
    ];
    const predict = (m: tf.LayersModel): Float32Array =>
      tf.tidy(() => (m.apply(tf.tensor2d(tokens, [2, 5], 'int32'), { training: false }) as tf.Tensor).dataSync() as Float32Array);
    const reference = predict(model);
    await initRuntime({ flag: 'native' });
    for (const m of [model, await roundTrip(model)]) {
      const info = await tf.profile(() => {
        predict(m);
      });
      const names = info.kernels.map((k) => k.name).filter((n) => !n.endsWith('__op'));
      expect(names.filter((n) => n === BLOCK_KERNELS.transformer)).toHaveLength(1);
      for (const perLayer of ['CostsimNativeLayerNorm', 'CostsimNativeLinear', 'GatherV2', BLOCK_KERNELS.block]) expect(names).not.toContain(perLayer);
      const got = predict(m);
      reference.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 4));
    }
    model.dispose();
  });

  it('its checkpoint segments are one part kernel each (embedding, each block, head), and applied in order give the same logits', async () => {
    await initRuntime({ flag: 'native' });
    const model = buildTransformer(5, 9, { dModel: 8, heads: 2, layers: 2, mlpRatio: 4 }, 4);
    const tokens = tf.tensor2d([1, 4, 8, 0, 2, 7, 7, 3, 5, 6], [2, 5], 'int32');
    const segments = zooSegments('transformer', model);
    expect(segments).toHaveLength(4);
    let chained: Float32Array | undefined;
    const info = await tf.profile(() => {
      chained = tf.tidy(() => (segments.reduce((h, segment) => segment(h), tokens as tf.Tensor) as tf.Tensor).dataSync() as Float32Array);
    });
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n === BLOCK_KERNELS.block)).toHaveLength(2);
    expect(names.filter((n) => n === BLOCK_KERNELS.embedding)).toHaveLength(1);
    expect(names.filter((n) => n === BLOCK_KERNELS.normLinear)).toHaveLength(1);
    const whole = tf.tidy(() => (model.apply(tokens, { training: true }) as tf.Tensor).dataSync() as Float32Array);
    whole.forEach((v, i) => expect(chained?.[i]).toBeCloseTo(v, 5));
    tokens.dispose();
    model.dispose();
  });
});
