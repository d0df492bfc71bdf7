import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import type { LayersModel, Tensor } from '../../../src/runtime/tf.ts';
import { createPruner } from '../../../src/bench/prune/pruner.ts';
import { measureSparsity, prunableWeights, readValues } from '../../../src/bench/prune/prunable.ts';
import { constant, polynomialDecay } from '../../../src/bench/prune/schedule.ts';
import { unstructuredPolicy } from '../../../src/bench/prune/unstructured.ts';
import { createRng } from '../../../src/util/rng.ts';
import { randomInput, tinyCnn } from './models.ts';

/** A few Adam steps on random data, calling `afterUpdate` like the trainer's onAfterUpdate (1-based). */
function fineTune(model: LayersModel, steps: number, afterUpdate: (step: number) => void): void {
  const optimizer = tf.train.adam(0.05);
  const x = randomInput([6, 8, 8, 2], 21);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32'), 3);
  for (let step = 0; step < steps; step++) {
    optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as Tensor) as tf.Scalar);
    afterUpdate(step + 1);
  }
}

describe('unstructured magnitude pruning', () => {
  it('prunes kernels only, to the target within one weight per layer', () => {
    const model = tinyCnn(3);
    const biasBefore = model.layers.map((l) =>
      l
        .getWeights()
        .slice(1)
        .map((w) => Array.from(w.dataSync())),
    );
    const pruner = createPruner(unstructuredPolicy(model, { criterion: 'magnitude', scope: 'layer' }), constant(0.7));
    pruner.start();
    for (const layer of measureSparsity(model).layers) expect(Math.abs(layer.zeros - 0.7 * layer.size)).toBeLessThanOrEqual(1);
    // Biases and BatchNorm parameters untouched.
    expect(
      model.layers.map((l) =>
        l
          .getWeights()
          .slice(1)
          .map((w) => Array.from(w.dataSync())),
      ),
    ).toEqual(biasBefore);
  });

  it('keeps pruned weights exactly zero through fine-tuning steps', () => {
    const model = tinyCnn(4);
    const pruner = createPruner(unstructuredPolicy(model, { criterion: 'magnitude', scope: 'layer' }), constant(0.6, { frequency: 1000 }));
    pruner.start();
    const zerosAt = prunableWeights(model).map((w) => readValues(w.variable).map((v) => (v === 0 ? 1 : 0)));
    const before = prunableWeights(model).map((w) => readValues(w.variable));
    fineTune(model, 4, (step) => pruner.afterUpdate(step));
    prunableWeights(model).forEach((w, i) => {
      const after = readValues(w.variable);
      let moved = 0;
      after.forEach((v, j) => {
        if (zerosAt[i]![j] === 1) expect(v).toBe(0);
        else if (v !== before[i]![j]) moved++;
      });
      expect(moved).toBeGreaterThan(0); // the kept weights did train
    });
  });

  it('follows a polynomial schedule: sparsity rises on the mask-update steps and masks are nested', () => {
    const model = tinyCnn(5);
    const schedule = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.8, beginStep: 0, endStep: 4, frequency: 2 });
    const pruner = createPruner(unstructuredPolicy(model, { criterion: 'magnitude', scope: 'global' }), schedule);
    pruner.start();
    const seen: number[] = [];
    fineTune(model, 6, (updatesDone) => {
      pruner.afterUpdate(updatesDone);
      seen.push(measureSparsity(model).realisedSparsity);
    });
    // Mask updates at steps 0, 2, 4: sparsity 0, 0.8 - 0.8·0.125 = 0.7, 0.8 (closed form by hand).
    // seen[i] is measured after i + 1 updates, i.e. as step i + 1 starts.
    const total = measureSparsity(model).size;
    expect(seen[0]).toBe(0);
    expect(Math.abs(seen[1]! * total - 0.7 * total)).toBeLessThanOrEqual(1);
    expect(Math.abs(seen[2]! * total - 0.7 * total)).toBeLessThanOrEqual(1);
    expect(Math.abs(seen[5]! * total - 0.8 * total)).toBeLessThanOrEqual(1);
    expect(pruner.maskUpdates).toBe(3);
  });
});

describe('random pruning baseline', () => {
  it('prunes the same count per layer as magnitude, but not the smallest weights', () => {
    const a = tinyCnn(6);
    const b = tinyCnn(6);
    createPruner(unstructuredPolicy(a, { criterion: 'magnitude', scope: 'layer' }), constant(0.5)).start();
    createPruner(unstructuredPolicy(b, { criterion: 'random', scope: 'layer', rng: createRng(1) }), constant(0.5)).start();
    const za = measureSparsity(a).layers.map((l) => l.zeros);
    const zb = measureSparsity(b).layers.map((l) => l.zeros);
    expect(zb).toEqual(za);
    // Magnitude keeps a larger L1 mass than random at equal count (same initial weights).
    const mass = (m: LayersModel) => prunableWeights(m).reduce((s, w) => s + readValues(w.variable).reduce((t, v) => t + Math.abs(v), 0), 0);
    expect(mass(a)).toBeGreaterThan(mass(b));
  });
});
