/**
 * One training step of every zoo model on the native backend against the cpu backend: the
 * same seeded weights and batch must give the same loss and the same gradient for every
 * trainable weight (1e-4 of each gradient's largest magnitude). The CNN runs at reduced widths
 * (the cpu backend's convolution gradients take ~15 s at full width) and on MNIST plus 1%
 * seeded noise: flat black regions make exact ties inside max-pool windows, which tfjs's wasm
 * kernels break differently from cpu (both are valid subgradients, but they differ by ~1e-2).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { createZooModel, loadTask, resolveModelOptions, ZOO_MODELS } from '../../../src/bench/zoo/index.ts';
import { nativeBuilt, setUpBackends, skipReason } from './helpers.ts';

interface StepResult {
  loss: number;
  gradients: Map<string, Float32Array>;
}

/** Loss and gradients of one batch of `name` on `backend` (model and data built there, seed 0). */
async function oneStep(name: string, backend: string, batch: number): Promise<StepResult> {
  await tf.setBackend(backend);
  const digits = name === 'transformer' ? { digits: resolveModelOptions('transformer').digits } : {};
  const task = loadTask(name, { seed: 0, dataLimit: 64, ...digits });
  const model = createZooModel(name, task, { seed: 0, ...(name === 'cnn' ? { filters1: 8, filters2: 16, dense: 32 } : {}) });
  const { x: clean, y } = task.batch(Int32Array.from({ length: batch }, (_, i) => i));
  const x = name === 'cnn' ? tf.add(clean, tf.randomUniform(clean.shape, 0, 0.01, 'float32', 5)) : clean;
  const variables = model.trainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
  const { value, grads } = tf.variableGrads(() => task.loss(y, model.apply(x, { training: true }) as tf.Tensor), variables);
  const gradients = new Map<string, Float32Array>();
  // Variable names carry a per-model suffix; key by the layer weight's own name instead.
  model.trainableWeights.forEach((w, i) => gradients.set(w.originalName, grads[variables[i]?.name as string]?.dataSync() as Float32Array));
  const result = { loss: (await value.data())[0] as number, gradients };
  tf.dispose([value, x, clean, y, ...Object.values(grads)]);
  model.dispose();
  task.dispose();
  return result;
}

describe.skipIf(!nativeBuilt)(`zoo models: one training step, native vs cpu${skipReason}`, () => {
  beforeAll(setUpBackends);

  for (const name of ZOO_MODELS) {
    it(`${name}: same loss and gradients`, async () => {
      const batch = name === 'cnn' ? 4 : 8;
      const reference = await oneStep(name, 'cpu', batch);
      const native = await oneStep(name, 'native', batch);
      expect(Math.abs(native.loss - reference.loss)).toBeLessThanOrEqual(1e-4 * Math.abs(reference.loss));
      expect([...native.gradients.keys()].sort()).toEqual([...reference.gradients.keys()].sort());
      for (const [weight, ref] of reference.gradients) {
        const got = native.gradients.get(weight) as Float32Array;
        let scale = 0;
        let worst = 0;
        ref.forEach((v, i) => {
          scale = Math.max(scale, Math.abs(v));
          worst = Math.max(worst, Math.abs((got[i] as number) - v));
        });
        expect(worst, `${name} ${weight}: max error ${worst} vs largest gradient ${scale}`).toBeLessThanOrEqual(1e-4 * scale + 1e-7);
      }
    });
  }
});
