import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/tf.ts';
import { initRuntime } from '../../src/runtime/index.ts';
import { buildZooModel } from '../../src/bench/zoo/index.ts';
import { denseChainOf, runMixed } from '../../src/placement/mixed-exec.ts';
import { calibrate } from '../../src/placement/calibrate.ts';
import { measureLocalCpu, pricingFromInstance } from '../../src/devices/local.ts';
import { findDevice } from '../../src/devices/catalog.ts';

const B = 8;
let input: Float32Array;
let labels: Int32Array;

function tinyMlp() {
  return buildZooModel('mlp', { width: 16, depth: 2, seed: 3, dataLimit: 32 });
}

beforeAll(async () => {
  tf.enableProdMode();
  await initRuntime({ flag: 'wasm' }); // registers wasm (and cpu)
  await tf.setBackend('cpu');
  const { model, task } = tinyMlp();
  input = task.train.x.slice([0, 0], [B, -1]).dataSync() as Float32Array;
  labels = Int32Array.from(tf.tidy(() => tf.argMax(task.train.y.slice([0, 0], [B, -1]), 1)).dataSync());
  model.dispose();
  task.dispose();
});

describe('mixed execution across tfjs backends', () => {
  it('one SGD step with layers on wasm, cpu, wasm equals tfjs-layers autodiff + tf.train.sgd on one backend', async () => {
    const lr = 0.1;
    const { model, task } = tinyMlp();
    const chain = denseChainOf(model);
    const mixed = await runMixed(chain, {
      backends: ['wasm', 'cpu', 'wasm'],
      input,
      labels,
      batchSize: B,
      mode: 'train',
      steps: 1,
      warmupSteps: 0,
      learningRate: lr,
    });
    expect(mixed.boundaries).toBe(2);

    // Reference: a second method (tfjs autodiff and optimizer), all on the cpu backend.
    await tf.setBackend('cpu');
    model.compile({ optimizer: tf.train.sgd(lr), loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.softmaxCrossEntropy(yTrue, yPred) });
    const xs = tf.tensor2d(input, [B, 784]);
    const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 10).toFloat();
    const lossBefore = tf.tidy(() => tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor).dataSync()[0] as number);
    await model.trainOnBatch(xs, ys);
    expect(mixed.lastLoss).toBeCloseTo(lossBefore, 4);
    const reference = model.getWeights().map((w) => w.dataSync() as Float32Array);
    mixed.weights.forEach((layer, i) => {
      const kernel = reference[2 * i] as Float32Array;
      const bias = reference[2 * i + 1] as Float32Array;
      let maxDiff = 0;
      for (let j = 0; j < kernel.length; j++) maxDiff = Math.max(maxDiff, Math.abs((layer.kernel[j] as number) - (kernel[j] as number)));
      for (let j = 0; j < bias.length; j++) maxDiff = Math.max(maxDiff, Math.abs((layer.bias[j] as number) - (bias[j] as number)));
      expect(maxDiff).toBeLessThan(1e-5);
    });
    tf.dispose([xs, ys]);
    model.dispose();
    task.dispose();
  });

  it('leaves no tensors behind and restores the active backend', async () => {
    const { model, task } = tinyMlp();
    const chain = denseChainOf(model);
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    await runMixed(chain, { backends: ['cpu', 'wasm', 'wasm'], input, labels, batchSize: B, mode: 'train', steps: 2 });
    await runMixed(chain, { backends: ['cpu', 'wasm', 'cpu'], input, labels, batchSize: B, mode: 'forward', steps: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.getBackend()).toBe('cpu');
    model.dispose();
    task.dispose();
  });

  it('rejects models that are not Dense chains, naming the layer', () => {
    const { model, task } = buildZooModel('cnn', { filters1: 2, filters2: 2, dense: 4, seed: 0, dataLimit: 16 });
    expect(() => denseChainOf(model)).toThrow(/"conv1" is a Conv2D/);
    model.dispose();
    task.dispose();
  });

  it('calibration predicts and measures each plan and mode (one row each, positive times)', async () => {
    const { model, task } = tinyMlp();
    const base = await measureLocalCpu({ gemmN: 64, gemmSeconds: 0.05, bandwidthElements: 1 << 20, bandwidthSeconds: 0.05 });
    const result = await calibrate({
      model,
      input,
      labels,
      batchSize: B,
      steps: 1,
      base,
      gemmN: 64,
      gemmSeconds: 0.05,
      bandwidthElements: 1 << 20,
      plans: [
        ['cpu', 'cpu', 'cpu'],
        ['wasm', 'wasm', 'wasm'],
        ['wasm', 'cpu', 'wasm'],
      ],
      modes: ['forward', 'train'],
      pricing: pricingFromInstance(findDevice('aws-c6a.large')!),
    });
    expect(result.rows.map((r) => `${r.plan}/${r.mode}/${r.boundaries}/${r.role}`)).toEqual([
      'cpu,cpu,cpu/forward/0/fit',
      'cpu,cpu,cpu/train/0/fit',
      'wasm,wasm,wasm/forward/0/fit',
      'wasm,wasm,wasm/train/0/fit',
      'wasm,cpu,wasm/forward/2/check',
      'wasm,cpu,wasm/train/2/check',
    ]);
    for (const r of result.rows) {
      expect(r.predictedSeconds).toBeGreaterThan(0);
      expect(r.measuredSeconds).toBeGreaterThan(0);
      expect(r.ratio).toBeCloseTo(r.measuredSeconds / r.predictedSeconds, 12);
    }
    // no boundary, no predicted transfer; two boundaries cost something
    expect(result.rows[0]?.predictedTransferSeconds).toBe(0);
    expect(result.rows[4]?.predictedTransferSeconds).toBeGreaterThan(0);
    // a check row's calibrated layer time apportions the fit runs' measured times: it is positive and at most
    // the sum of the single-backend measurements (each backend runs a subset of the layers)
    for (const check of result.rows.filter((r) => r.role === 'check')) {
      const fits = result.rows.filter((r) => r.role === 'fit' && r.mode === check.mode && ['cpu,cpu,cpu', 'wasm,wasm,wasm'].includes(r.plan));
      const calibratedLayers = (check.calibratedSeconds as number) - check.predictedTransferSeconds;
      expect(calibratedLayers).toBeGreaterThan(0);
      expect(calibratedLayers).toBeLessThanOrEqual(fits.reduce((sum, r) => sum + r.measuredSeconds, 0) * (1 + 1e-9));
      expect(check.calibratedRatio).toBeCloseTo(check.measuredSeconds / (check.calibratedSeconds as number), 12);
    }
    model.dispose();
    task.dispose();
  });
});
