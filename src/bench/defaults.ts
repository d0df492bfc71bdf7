/**
 * The harness's defaults, in a module that imports nothing, so the scenario layer can fill a
 * bench entry with the same values `costsim bench` and `costsim prune` use without loading
 * TensorFlow.js: one table, so a scenario's bench entry and the command line run the same study.
 */

/** Defaults: micro-batch 64, no accumulation, 200 steps, seed 0, Adam. */
export const BENCH_DEFAULTS = { batchSize: 64, accumulationSteps: 1, maxSteps: 200, seed: 0, optimizer: 'adam' } as const;
