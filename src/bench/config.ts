/**
 * BenchConfig: defaults and validation. Errors name the CLI flag and the config field, since
 * a config comes either from `costsim bench` flags or from a scenario file.
 */
import { UsageError } from '../errors.ts';
import type { BenchConfig } from './record.ts';
import { ZOO_MODELS, isZooModel, resolveModelOptions, type ZooModelName } from './zoo/index.ts';
import { OPTIMIZER_FLOPS_PER_PARAM } from './flops/analytic.ts';
import { BENCH_DEFAULTS } from './defaults.ts';

/** Optimizers the harness can build (tf.train.<name>). */
export const BENCH_OPTIMIZERS = ['adam', 'sgd'] as const;

/** Default learning rate per model (Adam), chosen so the default runs converge in a few hundred steps. */
export const DEFAULT_LEARNING_RATE: Record<ZooModelName, number> = { mlp: 1e-3, cnn: 2e-3, transformer: 3e-3 };

export { BENCH_DEFAULTS } from './defaults.ts';

/** Step budget when only a target accuracy is given. */
export const DEFAULT_TARGET_STEP_BUDGET = 2000;

function positiveInteger(value: number, flag: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(flag, `must be a positive integer (got ${value})`);
  return value;
}

/** A BenchConfig as a caller may give it: only `model` is required, and it may be any string (validated). */
export type BenchConfigInput = Omit<Partial<BenchConfig>, 'model'> & { model: string };

/** A complete, validated BenchConfig from a partial one (model required). Model options are resolved against the zoo defaults. */
export function makeBenchConfig(partial: BenchConfigInput): BenchConfig {
  if (!isZooModel(partial.model)) throw new UsageError('--model (model)', `unknown model "${partial.model}"`, ZOO_MODELS.join(', '));
  const model = partial.model;
  const target = partial.targetAccuracy;
  if (target !== undefined && !(Number.isFinite(target) && target > 0 && target <= 1)) {
    throw new UsageError('--target-accuracy (targetAccuracy)', `must be in (0, 1] (got ${target})`, 'a fraction such as 0.9');
  }
  const optimizer = (partial.optimizer ?? BENCH_DEFAULTS.optimizer).toLowerCase();
  if (!(BENCH_OPTIMIZERS as readonly string[]).includes(optimizer) || !(optimizer in OPTIMIZER_FLOPS_PER_PARAM)) {
    throw new UsageError('--optimizer (optimizer)', `unknown optimizer "${optimizer}"`, BENCH_OPTIMIZERS.join(', '));
  }
  const learningRate = partial.learningRate ?? DEFAULT_LEARNING_RATE[model];
  if (!(Number.isFinite(learningRate) && learningRate > 0)) throw new UsageError('--lr (learningRate)', `must be a positive number (got ${learningRate})`);
  const seed = partial.seed ?? BENCH_DEFAULTS.seed;
  if (!Number.isInteger(seed)) throw new UsageError('--seed (seed)', `must be an integer (got ${seed})`);
  const defaultSteps = target !== undefined ? DEFAULT_TARGET_STEP_BUDGET : BENCH_DEFAULTS.maxSteps;
  const config: BenchConfig = {
    model,
    modelOptions: resolveModelOptions(model, partial.modelOptions ?? {}),
    batchSize: positiveInteger(partial.batchSize ?? BENCH_DEFAULTS.batchSize, '--batch (batchSize)'),
    accumulationSteps: positiveInteger(partial.accumulationSteps ?? BENCH_DEFAULTS.accumulationSteps, '--accum (accumulationSteps)'),
    maxSteps: positiveInteger(partial.maxSteps ?? defaultSteps, '--steps (maxSteps)'),
    learningRate,
    optimizer,
    seed,
  };
  const dataLimit = partial.modelOptions?.dataLimit;
  if (dataLimit !== undefined) config.modelOptions.dataLimit = positiveInteger(Number(dataLimit), 'model option "dataLimit"');
  if (target !== undefined) config.targetAccuracy = target;
  if (partial.checkpoint) config.checkpoint = true;
  if (partial.pruning) config.pruning = partial.pruning;
  return config;
}
