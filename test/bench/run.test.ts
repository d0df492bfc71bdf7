import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRuntime } from '../../src/runtime/index.ts';
import { runBenchmark } from '../../src/bench/run.ts';
import { readRecords } from '../../src/bench/store.ts';
import { findDevice } from '../../src/devices/catalog.ts';
import { UsageError } from '../../src/errors.ts';

const tiny = { model: 'mlp', modelOptions: { width: 16, dataLimit: 400 }, batchSize: 16 } as const;
const fast = { deviceId: 'aws-c6a.large', gemmSeconds: 0.05 };

beforeAll(async () => {
  await initRuntime({ flag: 'wasm' });
});

describe('runBenchmark', () => {
  it('records a measured run with every figure labelled, priced on the named device, appended to the store', async () => {
    const storePath = join(mkdtempSync(join(tmpdir(), 'costsim-run-')), 'records.jsonl');
    const record = await runBenchmark({ ...tiny, maxSteps: 4, accumulationSteps: 2, seed: 3 }, { ...fast, storePath });
    const m = record.metrics;
    expect(record.version).toBe(1);
    expect(record.environment.deviceId).toBe('aws-c6a.large');
    expect(record.environment.backend).toBe('wasm');
    expect(record.environment.gitCommit ?? '').toMatch(/^([0-9a-f]{40})?$/);
    expect(m.steps).toBe(4);
    expect(m.samples).toBe(4 * 16 * 2);
    expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(m.testAccuracy).toBeLessThanOrEqual(1);
    // Dollars: wall hours × the catalogue's $/hour for this device.
    const device = findDevice('aws-c6a.large')!;
    expect(m.costUsd).toBeCloseTo((m.wallSeconds / 3600) * device.usdPerHour.value, 12);
    // Energy: no RAPL in this sandbox → modeled, at most full catalogue power for the whole wall time.
    expect(m.energyJoules).toBeGreaterThan(0);
    expect(m.energyJoules).toBeLessThanOrEqual(device.powerWatts.value * m.wallSeconds + 1e-9);
    expect(['measured', 'modeled']).toContain(record.provenance['metrics.energyJoules']?.kind);
    // Analytic and traced agree on matmul FLOPs; utilisation is achieved ÷ GEMM.
    expect(Math.abs((m.flops.tracedMatmulTrainStep as number) / (m.flops.analyticMatmulTrainStep as number) - 1)).toBeLessThan(0.05);
    expect(m.flops.total).toBe(m.flops.tracedTrainStep * 4);
    expect(m.utilisation).toBeCloseTo(m.achievedGflops / m.gemmGflops, 12);
    expect(m.peakBytes).toBeGreaterThan(0);
    // Physical memory beside the logical bytes: the wasm heap holds the tensors, the process holds the heap.
    expect(m.physicalMemory?.wasmHeapBytes).toBeGreaterThan(m.peakBytes);
    expect(m.physicalMemory?.peakRssBytes).toBeGreaterThan(m.physicalMemory?.wasmHeapBytes ?? 0);
    expect(record.provenance['metrics.physicalMemory.peakRssBytes']?.source).toMatch(/ru_maxrss/);
    for (const path of [
      'metrics.testAccuracy',
      'metrics.wallSeconds',
      'metrics.costUsd',
      'metrics.flops.analyticTrainStep',
      'metrics.flops.tracedTrainStep',
      'metrics.gemmGflops',
      'metrics.peakBytes',
    ]) {
      expect(record.provenance[path]?.source.length ?? 0).toBeGreaterThan(10);
    }
    expect(record.provenance['metrics.costUsd']?.kind).toBe('modeled');
    expect(readRecords(storePath).map((r) => r.id)).toEqual([record.id]);

    // Same config + environment: the cache returns the stored record without training or appending.
    const cached = await runBenchmark({ ...tiny, maxSteps: 4, accumulationSteps: 2, seed: 3 }, { ...fast, storePath, useCache: true });
    expect(cached.id).toBe(record.id);
    expect(readRecords(storePath)).toHaveLength(1);
  });

  it('stops at the target accuracy on the validation split (checked every evalEvery steps), storing every evaluation', async () => {
    const record = await runBenchmark({ ...tiny, maxSteps: 50, targetAccuracy: 0.3, learningRate: 0.01 }, { ...fast, evalEvery: 5 });
    expect(record.metrics.reachedTarget).toBe(true);
    expect(record.metrics.validationAccuracy).toBeGreaterThanOrEqual(0.3);
    expect(record.metrics.steps).toBeLessThan(50);
    expect(record.metrics.steps === 1 || record.metrics.steps % 5 === 0).toBe(true);
    // Second method: the stop step is the first stored evaluation whose validation accuracy reached the target.
    const evaluations = record.evaluations ?? [];
    expect(evaluations.length).toBeGreaterThan(0);
    expect(evaluations.find((e) => e.validationAccuracy >= 0.3)?.step).toBe(record.metrics.steps);
    expect(evaluations.slice(0, -1).every((e) => e.validationAccuracy < 0.3)).toBe(true);
    for (const e of evaluations) expect(e.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(record.runs?.map((r) => r.evaluations)).toContainEqual(evaluations); // the median run's, among every run's
    expect(record.provenance['metrics.validationAccuracy']?.source).toMatch(/validation split/);
  });

  it('says, for the CNN with accumulation, how far k micro-batches are from one batch (batch norm)', async () => {
    const record = await runBenchmark(
      { model: 'cnn', modelOptions: { filters1: 4, filters2: 4, dense: 8, dataLimit: 200 }, batchSize: 8, accumulationSteps: 2, maxSteps: 1 },
      { ...fast, runs: 1 },
    );
    expect(record.metrics.accumulationEquivalence?.updateRelativeDifference).toBeGreaterThan(1e-3);
    expect(record.provenance['metrics.accumulationEquivalence']?.source).toMatch(/batch norm normalises each micro-batch/);
    expect(record.runs).toHaveLength(1);
  });

  it('rejects an unknown device and bad configs with errors naming the flag', async () => {
    await expect(runBenchmark({ ...tiny, maxSteps: 1 }, { deviceId: 'abacus' })).rejects.toThrow(
      /--device: unknown device "abacus" \(allowed: .*aws-c6a\.large/,
    );
    await expect(runBenchmark({ ...tiny, maxSteps: 0 }, fast)).rejects.toThrow(UsageError);
    await expect(runBenchmark({ ...tiny, targetAccuracy: 1.5 }, fast)).rejects.toThrow(/--target-accuracy.*\(0, 1\]/);
    await expect(runBenchmark({ ...tiny, model: 'resnet' }, fast)).rejects.toThrow(/--model.*unknown model "resnet".*mlp, cnn, transformer/);
  });
});
