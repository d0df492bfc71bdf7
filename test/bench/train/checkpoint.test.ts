import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, tf } from '../../../src/runtime/index.ts';
import { buildZooModel } from '../../../src/bench/zoo/index.ts';
import { zooSegments } from '../../../src/bench/zoo/segments.ts';
import { batchGradients, trainableVariables } from '../../../src/bench/train/loop.ts';

beforeAll(async () => {
  await initRuntime({ flag: 'wasm' });
});

const cases = [
  ['transformer', { dModel: 16, heads: 2, layers: 2, mlpRatio: 2, digits: 2, dataLimit: 64, seed: 1 }],
  ['cnn', { filters1: 4, filters2: 4, dense: 8, dataLimit: 64, seed: 1 }],
  ['mlp', { width: 16, depth: 2, dataLimit: 64, seed: 1 }],
] as const;

describe('gradient checkpointing', () => {
  it.each(cases)('%s: the segments in order are the model, and checkpointed gradients equal plain backprop within 1e-5', async (name, options) => {
    const { model, task } = buildZooModel(name, options);
    const variables = trainableVariables(model);
    const state = model.nonTrainableWeights.map((w) => (w as unknown as { read(): tf.Variable }).read());
    const segments = zooSegments(name, model);
    const { x, y } = task.batch(Int32Array.from({ length: 16 }, (_, i) => i));
    // Same forward pass: model.apply vs the segments one after the other (inference mode would differ only for batch norm, so compare in training mode).
    const whole = model.apply(x, { training: true }) as tf.Tensor;
    const chained = segments.reduce((h, s) => s(h), x);
    expect(tf.max(tf.abs(tf.sub(whole, chained))).dataSync()[0]).toBeLessThan(1e-6);
    tf.dispose([whole, chained]);
    // Plain gradients from the same weights; restore batch norm's statistics in between so both runs start alike.
    const before = state.map((v) => tf.clone(v));
    const plain = batchGradients(model, task, x, y, variables);
    const statsAfterPlain = state.map((v) => tf.clone(v));
    state.forEach((v, i) => v.assign(before[i] as tf.Tensor));
    const tensorsBefore = tf.memory().numTensors;
    const checkpointed = batchGradients(model, task, x, y, variables, segments);
    // Nothing left behind but the loss and one gradient per variable.
    expect(tf.memory().numTensors - tensorsBefore).toBe(1 + variables.length);
    expect(Object.keys(checkpointed.grads).sort()).toEqual(Object.keys(plain.grads).sort());
    for (const key of Object.keys(plain.grads)) {
      const a = plain.grads[key] as tf.Tensor;
      const b = checkpointed.grads[key] as tf.Tensor;
      const scale = Math.max(1, tf.max(tf.abs(a)).dataSync()[0] as number);
      expect((tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number) / scale).toBeLessThan(1e-5);
    }
    expect(Math.abs((plain.value.dataSync()[0] as number) - (checkpointed.value.dataSync()[0] as number))).toBeLessThan(1e-6);
    // Batch norm's moving statistics moved once, as in plain training (the recomputation does not move them again).
    state.forEach((v, i) => expect(tf.max(tf.abs(tf.sub(v, statsAfterPlain[i] as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-7));
    if (name === 'cnn') {
      expect(state.length).toBe(4); // 2 batch norm layers × (moving mean, moving variance)
      // And they did move in the step (so the check above is not vacuous).
      expect(Math.max(...state.map((v, i) => tf.max(tf.abs(tf.sub(v, before[i] as tf.Tensor))).dataSync()[0] as number))).toBeGreaterThan(1e-6);
    }
    tf.dispose([x, y, plain.value, checkpointed.value, ...Object.values(plain.grads), ...Object.values(checkpointed.grads), ...before, ...statsAfterPlain]);
    model.dispose();
    task.dispose();
  });
});
