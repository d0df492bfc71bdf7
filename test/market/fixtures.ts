/**
 * Bench records built by hand for market tests (no TensorFlow.js): an MLP 784-128-10 dense and
 * with half its hidden neurons removed. FLOPs are the analytic count (1 multiply-add = 2 FLOPs):
 * dense 2·(784·128 + 128·10) = 203,264 per sample; pruned 2·(784·64 + 64·10) = 101,632.
 */
import type { BenchRecord } from '../../src/bench/record.ts';

export function mlpRecord(id: string, hidden: number, testAccuracy: number, utilisation: number): BenchRecord {
  const forward = 2 * (784 * hidden + hidden * 10);
  return {
    version: 1,
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    cacheKey: id,
    config: { model: 'mlp', modelOptions: { hidden }, batchSize: 64, accumulationSteps: 1, maxSteps: 300, learningRate: 1e-3, optimizer: 'adam', seed: 1 },
    environment: {
      backend: 'wasm',
      backendReason: 'test',
      node: '20',
      tfjs: '4.22.0',
      cpuModel: 'test',
      cpuCores: 2,
      platform: 'linux',
      deviceId: 'aws-c6a.large',
      costsimVersion: '0.1.0',
    },
    metrics: {
      testAccuracy,
      reachedTarget: false,
      steps: 300,
      samples: 19200,
      wallSeconds: 10,
      stepSeconds: 0.033,
      flops: {
        analyticTrainStep: 3 * forward * 64,
        tracedTrainStep: 3 * forward * 64,
        forwardPerSample: forward,
        effectiveForwardPerSample: forward,
        total: 3 * forward * 64 * 300,
      },
      params: 784 * hidden + hidden + hidden * 10 + 10,
      nonZeroParams: 784 * hidden + hidden + hidden * 10 + 10,
      achievedGflops: 1,
      gemmGflops: 10,
      utilisation,
      peakBytes: 1e6,
      energyJoules: 1,
      costUsd: 0.001,
    },
    provenance: {},
  };
}

/** Records for scenarios/pruning-in-a-price-war.yaml's bench ids. */
export function pruningRecords(): Map<string, BenchRecord> {
  return new Map([
    ['dense', mlpRecord('dense', 128, 0.955, 0.1)],
    ['pruned', mlpRecord('pruned', 64, 0.94, 0.1)],
  ]);
}
