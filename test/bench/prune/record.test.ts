import { describe, expect, it } from 'vitest';
import { pruneRecord, withTiming } from '../../../src/bench/prune/record.ts';
import { latencyTiming } from '../../../src/bench/prune/latency-timing.ts';
import type { PruneMeasurement } from '../../../src/bench/prune/experiment.ts';
import type { PrunePointParams } from '../../../src/bench/prune/plan.ts';
import { findDevice } from '../../../src/devices/catalog.ts';

const cmp = {
  batchSize: 256,
  denseMsPerSample: 1,
  prunedMsPerSample: 1,
  ratio: 1,
  ratioRange: [1, 1],
  ratios: [1],
  rounds: 1,
  callsPerRound: 1,
  verdict: 'no measurable difference',
};
function measurement(testAccuracy: number): PruneMeasurement {
  return {
    targetSparsity: 0.5,
    realisedSparsity: 0.5,
    layers: [],
    testAccuracy,
    denseTestAccuracy: 0.9,
    params: 100,
    nonZeroParams: 50,
    denseParams: 100,
    flops: { dense: 1000, effective: 500, denseParent: 1000 },
    modelBytes: { float32: 400, gzip: 300, denseFloat32: 400, denseGzip: 350 },
    latency: { batch1: cmp, batchLarge: cmp },
    trainStep: { prunedSeconds: 0.1, denseSeconds: 0.1, ratio: 1 },
    trainStepFlops: { analytic: 3e9, traced: 2e9, peakBytes: 1 },
    fineTune: { steps: 10, wallSeconds: 4, stepSeconds: 0.4, maskUpdates: 1 },
  } as unknown as PruneMeasurement;
}
const params = {
  kind: 'prune',
  denseKey: 'd',
  spec: {
    model: 'mlp',
    modelOptions: {},
    seed: 0,
    checkpointPath: '/x',
    batchSize: 64,
    method: 'magnitude',
    scope: 'layer',
    schedule: 'constant',
    fineTuneSteps: 10,
    latencyBatchSize: 256,
    latencyRounds: 1,
    learningRate: 1e-3,
  },
} as unknown as PrunePointParams;
const env = {
  backend: 'wasm',
  backendReason: 't',
  node: '20',
  tfjs: '4.22.0',
  cpuModel: 'x',
  cpuCores: 2,
  platform: 'linux-x64',
  deviceId: 'aws-c6a.large',
  costsimVersion: '0.1.0',
};

/** A measurement whose validation and test splits may disagree: the control's validation 0.8 and test 0.9. */
function judged(validationAccuracy: number, testAccuracy: number): PruneMeasurement {
  return { ...measurement(testAccuracy), validationAccuracy, denseValidationAccuracy: 0.8 };
}

describe('pruneRecord labels', () => {
  it("reachedTarget is whether the pruned model kept the fine-tuned dense control's validation accuracy; the test split is only reported", () => {
    const device = findDevice('aws-c6a.large')!;
    // Validation and test disagree, both ways; the validation split decides each time.
    const validationKept = pruneRecord({ key: 'k', params }, judged(0.81, 0.85), env, device, 100); // test says lost
    const validationLost = pruneRecord({ key: 'k', params }, judged(0.79, 0.95), env, device, 100); // test says kept
    expect(validationKept.metrics.reachedTarget).toBe(true);
    expect(validationLost.metrics.reachedTarget).toBe(false);
    expect(validationLost.config.targetAccuracy).toBe(0.8); // the control's validation accuracy, not its test 0.9
    // Both accuracies recorded, each saying what it is for.
    expect(validationLost.metrics.validationAccuracy).toBe(0.79);
    expect(validationLost.metrics.testAccuracy).toBe(0.95);
    expect(validationLost.provenance['metrics.reachedTarget']?.source).toMatch(
      /^decided on the validation split: final validation accuracy 0\.79 < the fine-tuned dense control's 0\.8 .*the test split \(0\.95 vs 0\.9\) is only reported/,
    );
    expect(validationLost.provenance['metrics.testAccuracy']?.source).toMatch(/reported only: reachedTarget is judged on the validation split/);
    expect(validationLost.provenance['metrics.validationAccuracy']?.source).toMatch(/validation split .*control's: 0\.8\); reachedTarget is judged on it/);
    // A stored record from before validation was measured: judged on the test split, and it says so.
    const kept = pruneRecord({ key: 'k', params }, measurement(0.91), env, device, 100);
    const lost = pruneRecord({ key: 'k', params }, measurement(0.85), env, device, 100);
    expect(kept.metrics.reachedTarget).toBe(true);
    expect(lost.metrics.reachedTarget).toBe(false);
    expect(kept.config.targetAccuracy).toBe(0.9);
    expect(kept.metrics.validationAccuracy).toBeUndefined();
    expect(kept.provenance['metrics.reachedTarget']?.source).toMatch(/^decided on the test split: .*before the validation split was measured/);
    // Achieved rate by hand: 2e9 traced FLOPs × 10 steps ÷ 4 s = 5 GFLOP/s, with its provenance.
    expect(kept.metrics.achievedGflops).toBeCloseTo(5, 12);
    expect(kept.metrics.utilisation).toBeCloseTo(0.05, 12);
    expect(kept.provenance['metrics.achievedGflops']?.source).toMatch(/traced FLOPs.*÷ fine-tuning wall seconds/);
    expect(kept.provenance['metrics.flops.tracedTrainStep']?.source).toMatch(/convention/);
    expect(kept.metrics.carbonGrams).toBeGreaterThan(0);
  });
});

describe('pruneRecord cost provenance: the instance checked against the CPU that ran it', () => {
  it('warns, without refusing, when an Intel machine is priced as the AMD EPYC c6a.large; its Intel twin c6i.large is not warned about', () => {
    const intel = { ...env, cpuModel: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz' };
    const asAmd = pruneRecord({ key: 'k', params }, measurement(0.91), intel, findDevice('aws-c6a.large')!, 100);
    expect(asAmd.provenance['metrics.costUsd']?.source).toMatch(/warning: this machine's CPU is Intel .* but aws-c6a\.large runs on AMD/);
    expect(asAmd.metrics.costUsd).toBeCloseTo((asAmd.metrics.wallSeconds * 0.0765) / 3600, 15); // still priced: a warning only
    const asTwin = pruneRecord({ key: 'k', params }, measurement(0.91), intel, findDevice('aws-c6i.large')!, 100);
    expect(asTwin.provenance['metrics.costUsd']?.source).not.toMatch(/warning/);
    expect(asTwin.metrics.costUsd).toBeCloseTo((asTwin.metrics.wallSeconds * 0.085) / 3600, 15);
  });
});

describe('withTiming', () => {
  it('replaces latency and training step with the serial timings, keeps the in-worker ones beside them, and leaves the input alone', () => {
    const device = findDevice('aws-c6a.large')!;
    const m = measurement(0.91);
    m.latencyTiming = latencyTiming('pool-worker', 2, null);
    m.trainStepTiming = m.latencyTiming;
    const first = withTiming(pruneRecord({ key: 'k', params }, m, env, device, 100), latencyTiming('pool-worker', 2, 2));
    const before = JSON.stringify(first);
    const serial = { ...cmp, prunedMsPerSample: 0.5, ratio: 0.5, batchSize: 256 };
    const retimed = withTiming(first, latencyTiming('serial', 1, 1), {
      latency: { batch1: { ...serial, batchSize: 1, prunedMsPerSample: 2 }, batchLarge: serial, loadAverage1m: 1.5 } as never,
      trainStep: { prunedSeconds: 0.05, denseSeconds: 0.1, ratio: 0.5, rounds: 2, steps: 1, startedAt: '2026-12-02T17:00:00.000Z', loadAverage1m: 0.75 },
    });
    expect(JSON.stringify(first)).toBe(before);
    expect(retimed.metrics.latencyMs).toEqual({ batch1: 2, batchLarge: 0.5, largeBatchSize: 256 });
    expect(retimed.prune.latencyInWorker?.batchLarge.prunedMsPerSample).toBe(1);
    const contended = { where: 'pool-worker', workerProcesses: 2, workersRunning: 2, timedAlone: false };
    expect(retimed.prune.latencyInWorker?.timing).toEqual(contended);
    expect(retimed.prune.latencyTiming?.timedAlone).toBe(true);
    expect(retimed.id).not.toBe(first.id);
    expect(retimed.cacheKey).toBe(first.cacheKey);
    expect(first.provenance['metrics.latencyMs']?.source).toMatch(/while 1 other costsim worker\(s\) ran .* contended/);
    expect(retimed.provenance['metrics.latencyMs']?.source).toMatch(/timed serially after training.*load average 1\.50/);
    // The training step: the serial figure in place, the in-worker one (0.1 s, contended) beside it.
    expect(retimed.prune.trainStep.ratio).toBe(0.5);
    expect(retimed.prune.trainStepTiming).toEqual({ where: 'serial', workerProcesses: 1, workersRunning: 1, timedAlone: true });
    expect(retimed.prune.trainStepInWorker).toEqual({ prunedSeconds: 0.1, denseSeconds: 0.1, ratio: 1, timing: contended });
    expect(first.provenance['prune.trainStep']?.source).toMatch(
      /median of 3 interleaved rounds of 3 steps.*while 1 other costsim worker\(s\) ran .* contended/,
    );
    expect(retimed.provenance['prune.trainStep']?.source).toMatch(
      /median of 2 interleaved rounds of 1 steps.*timed serially after training.*load average 0\.75/,
    );
  });

  it('a queue-worker record says its training step was timed there and not re-timed', () => {
    const device = findDevice('aws-c6a.large')!;
    const m = measurement(0.91);
    m.latencyTiming = latencyTiming('queue-worker', null, null);
    m.trainStepTiming = m.latencyTiming;
    const record = pruneRecord({ key: 'k', params }, m, env, device, 100);
    expect(record.prune.trainStepTiming?.timedAlone).toBe(false);
    expect(record.provenance['prune.trainStep']?.source).toMatch(/timed in a queue worker .* does not re-time serially/);
  });
});
