import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, tf } from '../../../src/runtime/index.ts';
import { buildZooModel, createZooModel, loadTask, resolveModelOptions, ZOO_DEFAULTS } from '../../../src/bench/zoo/index.ts';
import { causalMask } from '../../../src/bench/zoo/layers.ts';
import { UsageError } from '../../../src/errors.ts';

beforeAll(async () => {
  await initRuntime({ flag: 'cpu' });
});

const weightsOf = (m: tf.LayersModel): number[] => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

describe('model zoo', () => {
  it('default architectures: MLP 784-512-512-10, CNN conv32-conv64-fc64 with batch norm', () => {
    const task = loadTask('mlp', { seed: 0, dataLimit: 100 });
    const mlp = createZooModel('mlp', task);
    expect(mlp.countParams()).toBe(784 * 512 + 512 + 512 * 512 + 512 + 512 * 10 + 10);
    task.dispose();
    const { model: cnn, task: images } = buildZooModel('cnn', { seed: 0, dataLimit: 100 });
    expect(images.inputShape).toEqual([28, 28, 1]);
    expect(cnn.layers.map((l) => l.getClassName())).toEqual([
      'InputLayer',
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'MaxPooling2D',
      'Conv2D',
      'BatchNormalization',
      'Activation',
      'MaxPooling2D',
      'Flatten',
      'Dense',
      'Dense',
    ]);
    // conv 3·3·1·32 + BN 4·32 + conv 3·3·32·64 + BN 4·64 + fc (7·7·64)·64 + 64 + 64·10 + 10
    expect(cnn.countParams()).toBe(288 + 128 + 18_432 + 256 + 3136 * 64 + 64 + 650);
    images.dispose();
  });

  it('same seed → same weights and data; another seed → different', () => {
    const a = buildZooModel('transformer', { seed: 4, dModel: 16, heads: 2, layers: 1, digits: 2, dataLimit: 100 });
    const b = buildZooModel('transformer', { seed: 4, dModel: 16, heads: 2, layers: 1, digits: 2, dataLimit: 100 });
    const c = buildZooModel('transformer', { seed: 5, dModel: 16, heads: 2, layers: 1, digits: 2, dataLimit: 100 });
    expect(weightsOf(a.model)).toEqual(weightsOf(b.model));
    expect(weightsOf(a.model)).not.toEqual(weightsOf(c.model));
    expect(Array.from(a.task.train.x.dataSync())).toEqual(Array.from(b.task.train.x.dataSync()));
    for (const z of [a, b, c]) z.task.dispose();
  });

  it('the transformer survives serialization (custom layers registered by class name) and predicts the same', async () => {
    const { model, task } = buildZooModel('transformer', { seed: 1, dModel: 16, heads: 2, layers: 1, digits: 2, dataLimit: 100 });
    const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve) => {
      void model.save(
        tf.io.withSaveHandler(async (a) => {
          resolve(a);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
    });
    const restored = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const x = tf.slice(task.test.x, 0, 4);
    const before = (model.predict(x) as tf.Tensor).dataSync();
    const after = (restored.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(restored.layers.map((l) => l.getClassName())).toContain('costsim>CausalSelfAttention');
    task.dispose();
  });

  it('causal mask: a position never sees a later one', async () => {
    const mask = (await causalMask(3).array()) as number[][];
    expect(mask).toEqual([
      [0, -1e9, -1e9],
      [0, 0, -1e9],
      [0, 0, 0],
    ]);
  });

  it('options: defaults filled, unknown or bad options are usage errors naming the option', () => {
    expect(resolveModelOptions('cnn', { filters1: 8 })).toEqual({ ...ZOO_DEFAULTS.cnn, filters1: 8 });
    expect(() => resolveModelOptions('mlp', { depthh: 3 })).toThrow(/model option "depthh": not an option of mlp \(allowed: width, depth\)/);
    expect(() => resolveModelOptions('mlp', { width: 0 })).toThrow(UsageError);
    expect(() => buildZooModel('resnet')).toThrow(/--model: unknown model "resnet" \(allowed: mlp, cnn, transformer\)/);
    expect(() => buildZooModel('transformer', { dModel: 10, heads: 4, dataLimit: 100 })).toThrow(/divisible by heads/);
  });

  it('small addition tasks fit the problem space: 2 digits give at most 100·101/2 = 5,050 distinct problems, split without overlap', async () => {
    const task = loadTask('transformer', { digits: 2, seed: 3 });
    // 2-digit operands: 100² ordered pairs, 5,050 problems when a + b and b + a count once, by hand.
    expect(task.train.count + task.validation.count + task.test.count).toBeLessThanOrEqual(5_050);
    expect(task.test.count).toBeGreaterThanOrEqual(100);
    expect(task.validation.count).toBe(459); // a tenth of the 4,590 training-side problems
    const rows = async (x: tf.Tensor) => ((await x.array()) as number[][]).map((r) => r.slice(0, 5).join(','));
    const train = new Set(await rows(task.train.x));
    const overlap = (await rows(task.test.x)).filter((r) => train.has(r));
    expect(overlap).toEqual([]);
    // Nor the commuted twin: tokens a1 a2 + b1 b2 → b1 b2 + a1 a2.
    const twins = (await rows(task.test.x)).map((r) => r.split(',')).map(([a1, a2, plus, b1, b2]) => [b1, b2, plus, a1, a2].join(','));
    expect(twins.filter((r) => train.has(r))).toEqual([]);
    // Validation vs test, the same two checks: no problem and no twin shared.
    const validation = new Set(await rows(task.validation.x));
    expect((await rows(task.test.x)).filter((r) => validation.has(r))).toEqual([]);
    expect(twins.filter((r) => validation.has(r))).toEqual([]);
    expect(task.description).toMatch(/a \+ b and b \+ a are one problem/);
    task.dispose();
  });
});
