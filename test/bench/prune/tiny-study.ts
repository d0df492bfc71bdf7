/** The pruning-study tests' tiny study: a 16-unit MLP on 100 digits, 2 training steps, latency timings of ~2 ms. */
import type { PruneStudyOptions } from '../../../src/bench/prune/plan.ts';

export function tinyStudyOptions(methods: PruneStudyOptions['methods'], checkpointDir: string): PruneStudyOptions {
  return {
    model: 'mlp',
    modelOptions: { width: 16, depth: 1 },
    dataLimit: 100,
    seeds: [0],
    sparsities: [0.5],
    methods,
    scope: 'layer',
    schedule: 'constant',
    scheduleOverrides: {},
    denseSteps: 2,
    fineTuneSteps: 2,
    batchSize: 8,
    learningRate: 1e-3,
    latencyBatchSize: 8,
    latencyRounds: 2,
    latencyTargetMs: 2,
    checkpointDir,
  };
}
