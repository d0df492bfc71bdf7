import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../../../src/runtime/index.ts';
import { buildZooModel } from '../../../src/bench/zoo/index.ts';
import { measureAccumulationEquivalence } from '../../../src/bench/train/equivalence.ts';

beforeAll(async () => {
  await initRuntime({ flag: 'wasm' });
});

const indices = Int32Array.from({ length: 32 }, (_, i) => i);

describe('gradient accumulation vs one large batch', () => {
  it('is the same update for the MLP (no batch statistics): mean of micro-batch gradients = batch gradient', () => {
    const { model, task } = buildZooModel('mlp', { width: 16, dataLimit: 200, seed: 1 });
    try {
      const eq = measureAccumulationEquivalence(model, task, indices, 4);
      expect(eq.updateRelativeDifference).toBeLessThan(1e-5);
      expect(eq.movingStatsRelativeDifference).toBe(0);
    } finally {
      model.dispose();
      task.dispose();
    }
  });

  it('is not the same for the CNN: batch norm normalises per micro-batch and moves its statistics k times', () => {
    const { model, task } = buildZooModel('cnn', { filters1: 4, filters2: 4, dense: 8, dataLimit: 200, seed: 1 });
    try {
      const eq = measureAccumulationEquivalence(model, task, indices, 4);
      // Measured, not assumed: the difference is orders of magnitude above float rounding.
      expect(eq.updateRelativeDifference).toBeGreaterThan(1e-3);
      expect(eq.movingStatsRelativeDifference).toBeGreaterThan(1e-3);
    } finally {
      model.dispose();
      task.dispose();
    }
  });
});
