import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '../../../src/runtime/index.ts';
import { buildZooModel } from '../../../src/bench/zoo/index.ts';
import { saveCheckpoint } from '../../../src/bench/prune/checkpoint.ts';
import { runPruneExperiment, type PruneSpec } from '../../../src/bench/prune/experiment.ts';
import { constant, polynomialDecay } from '../../../src/bench/prune/schedule.ts';
import { adamTrainer } from '../../../src/bench/prune/worker.ts';

const dir = mkdtempSync(join(tmpdir(), 'prune-exp-'));
const cnnOptions = { filters1: 4, filters2: 6, dense: 12 };

function spec(overrides: Partial<PruneSpec>): PruneSpec {
  return {
    model: 'cnn',
    modelOptions: cnnOptions,
    dataLimit: 300,
    seed: 3,
    checkpointPath: join(dir, 'cnn.json'),
    batchSize: 16,
    method: 'magnitude',
    scope: 'layer',
    schedule: constant(0.8),
    fineTuneSteps: 4,
    latencyBatchSize: 8,
    latencyRounds: 3,
    latencyTargetMs: 5,
    trainStepTiming: { rounds: 1, steps: 1 },
    ...overrides,
  };
}
const train = adamTrainer(16, 0.01, 'test');

beforeAll(async () => {
  // wasm: the cpu backend's convolutions would make this file take a minute.
  await initRuntime({ flag: 'wasm' });
  const { model, task } = buildZooModel('cnn', { ...cnnOptions, seed: 3, dataLimit: 300 });
  await train({ model, task, steps: 3, seed: 3 });
  saveCheckpoint(join(dir, 'cnn.json'), model, {});
  model.dispose();
  task.dispose();
});

describe('runPruneExperiment (tiny CNN, real training loop)', () => {
  it('unstructured: every kernel at the target within one weight after fine-tuning; dense FLOPs unchanged, effective FLOPs lower', async () => {
    const m = await runPruneExperiment(spec({}), train);
    for (const layer of m.layers) expect(Math.abs(layer.zeros - 0.8 * layer.size)).toBeLessThanOrEqual(1);
    expect(m.flops.dense).toBe(m.flops.denseParent);
    expect(m.flops.effective).toBeLessThan(m.flops.dense);
    expect(m.params).toBe(m.denseParams);
    expect(m.nonZeroParams).toBeLessThan(m.params);
    expect(m.modelBytes.float32).toBe(m.modelBytes.denseFloat32);
    expect(m.modelBytes.gzip).toBeLessThan(m.modelBytes.denseGzip);
    expect(m.fineTune.steps).toBe(4);
    expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
  });

  it('structured with a polynomial schedule: the rebuilt model is smaller and matches the masked one', async () => {
    const schedule = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 4, frequency: 2 });
    const m = await runPruneExperiment(spec({ method: 'structured', schedule }), train);
    // 4 → 2 filters, 6 → 3 filters, 12 → 6 neurons; the 10 logits stay.
    expect(m.units?.map((u) => u.after)).toEqual([2, 3, 6, 10]);
    expect(m.rebuildMaxAbsDiff).toBeLessThan(1e-5);
    expect(m.params).toBeLessThan(m.denseParams);
    expect(m.flops.dense).toBe(m.flops.effective);
    expect(m.flops.dense).toBeLessThan(m.flops.denseParent);
    expect(m.modelBytes.float32).toBe(m.params * 4);
  });
});
