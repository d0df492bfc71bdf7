import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, tf } from '../../../src/runtime/index.ts';
import { EpochSampler, trainStep, trainSteps, trainableVariables } from '../../../src/bench/train/loop.ts';
import { measureAccumulation } from '../../../src/bench/train/accumulation.ts';
import { createZooModel, loadTask, type Task } from '../../../src/bench/zoo/index.ts';
import { createRng } from '../../../src/util/rng.ts';

let mnist: Task;
beforeAll(async () => {
  await initRuntime({ flag: 'wasm' });
  mnist = loadTask('mlp', { seed: 1, dataLimit: 600 });
});

function snapshot(model: tf.LayersModel): Float32Array[] {
  return trainableVariables(model).map((v) => v.dataSync().slice() as Float32Array);
}

/** ‖a − b‖ / ‖b‖ over all tensors. */
function relativeDistance(a: Float32Array[], b: Float32Array[]): number {
  let diff = 0;
  let norm = 0;
  a.forEach((t, i) =>
    t.forEach((x, j) => {
      const y = (b[i] as Float32Array)[j] as number;
      diff += (x - y) ** 2;
      norm += y ** 2;
    }),
  );
  return Math.sqrt(diff / norm);
}

describe('gradient accumulation', () => {
  for (const name of ['mlp', 'transformer'] as const) {
    it(`${name} (no batch norm): k micro-batches of b give the weights of one batch of k·b (1e-5 relative)`, () => {
      const task = name === 'mlp' ? mnist : loadTask('transformer', { seed: 1, digits: 2, dataLimit: 200 });
      const options = name === 'mlp' ? { width: 32, seed: 5 } : { dModel: 16, heads: 2, layers: 1, digits: 2, seed: 5 };
      const whole = createZooModel(name, task, options);
      const split = createZooModel(name, task, options);
      const start = snapshot(whole);
      expect(relativeDistance(snapshot(split), start)).toBe(0); // same seed, same weights
      const optWhole = tf.train.sgd(0.5);
      const optSplit = tf.train.sgd(0.5);
      const sampler = new EpochSampler(task.train.count, createRng(9));
      for (let step = 0; step < 3; step++) {
        const indices = sampler.next(48);
        trainStep(whole, task, optWhole, indices, 1, false);
        trainStep(split, task, optSplit, indices, 4, false);
      }
      const wholeAfter = snapshot(whole);
      const splitAfter = snapshot(split);
      // Compare the updates (weights moved), which is stricter than comparing the weights.
      const updateWhole = wholeAfter.map((t, i) => t.map((x, j) => x - ((start[i] as Float32Array)[j] as number)));
      const updateSplit = splitAfter.map((t, i) => t.map((x, j) => x - ((start[i] as Float32Array)[j] as number)));
      expect(relativeDistance(updateWhole, start)).toBeGreaterThan(1e-3); // training really moved the weights
      expect(relativeDistance(updateSplit, updateWhole)).toBeLessThan(1e-5);
      for (const m of [whole, split]) m.dispose();
      optWhole.dispose();
      optSplit.dispose();
      if (task !== mnist) task.dispose();
    });
  }

  it('leaks no tensors per step, with and without accumulation', async () => {
    const model = createZooModel('mlp', mnist, { width: 16, seed: 2 });
    const optimizer = tf.train.adam(1e-3);
    for (const k of [1, 3]) {
      await trainSteps({ model, task: mnist, optimizer, batchSize: 8, accumulationSteps: k, steps: 2, rng: createRng(1) }); // optimizer state exists after this
      const before = tf.memory().numTensors;
      await trainSteps({ model, task: mnist, optimizer, batchSize: 8, accumulationSteps: k, steps: 5, rng: createRng(2), lossEvery: 2 });
      expect(tf.memory().numTensors).toBe(before);
    }
    model.dispose();
    optimizer.dispose();
  });

  it('peak memory falls as k rises at a fixed number of samples per step (activations dominate)', async () => {
    const model = createZooModel('mlp', mnist, { width: 64, seed: 2 });
    const points = await measureAccumulation({ model, task: mnist, samplesPerStep: 512, ks: [1, 4], timedSteps: 1, rng: createRng(3) });
    const [one, four] = points as [(typeof points)[0], (typeof points)[0]];
    expect(one.microBatchSize).toBe(512);
    expect(four.microBatchSize).toBe(128);
    // With k = 4 the inputs of 384 samples (784 floats × 4 bytes each) are never live at once; the extra
    // gradient sum costs one copy of the 55k parameters. Net saving: at least half the input bytes.
    expect(one.transientPeakBytes - four.transientPeakBytes).toBeGreaterThan(384 * 784 * 4 * 0.5);
    expect(four.stepSeconds).toBeGreaterThan(0);
    model.dispose();
  });
});

describe('training loop', () => {
  it('the sampler visits every sample once per epoch, in a seeded order', () => {
    const sampler = new EpochSampler(10, createRng(4));
    const epoch = Array.from(sampler.next(10)).sort((a, b) => a - b);
    expect(epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(new EpochSampler(10, createRng(4)).next(10))).toEqual(Array.from(new EpochSampler(10, createRng(4)).next(10)));
  });

  it('calls onAfterUpdate after every update and stops when stopWhen says so', async () => {
    const model = createZooModel('mlp', mnist, { width: 16, seed: 2 });
    const optimizer = tf.train.sgd(0.1);
    const updates: number[] = [];
    const result = await trainSteps({
      model,
      task: mnist,
      optimizer,
      batchSize: 4,
      accumulationSteps: 2,
      steps: 10,
      rng: createRng(1),
      onAfterUpdate: (s) => updates.push(s),
      stopWhen: (s) => s === 4,
    });
    expect(updates).toEqual([1, 2, 3, 4]);
    expect(result.steps).toBe(4);
    expect(result.samples).toBe(4 * 8);
    expect(result.stoppedEarly).toBe(true);
    expect(result.curve[0]?.step).toBe(1);
    model.dispose();
    optimizer.dispose();
  });

  it('learns: MLP loss falls and test accuracy beats chance clearly within 60 steps', async () => {
    const model = createZooModel('mlp', mnist, { width: 64, seed: 2 });
    const optimizer = tf.train.adam(3e-3);
    const result = await trainSteps({ model, task: mnist, optimizer, batchSize: 32, accumulationSteps: 1, steps: 60, rng: createRng(1) });
    const first = result.curve[0]?.loss as number;
    const last = result.curve[result.curve.length - 1]?.loss as number;
    expect(first).toBeGreaterThan(1.5); // about ln 10 at the start
    expect(last).toBeLessThan(first * 0.5);
    expect(mnist.evaluate(model)).toBeGreaterThan(0.6);
    model.dispose();
    optimizer.dispose();
  });
});
