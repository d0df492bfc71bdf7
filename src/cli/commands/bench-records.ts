/**
 * Bench records a scenario needs, by bench id, from the harness (`runBenchmark` in
 * src/bench/run.ts, cached in the JSONL store). Loaded lazily: a scenario without `bench`
 * entries never loads TensorFlow.js through this path.
 */
import type { Scenario } from '../../scenario/normalize.ts';
import type { BenchRecord } from '../../bench/record.ts';
import type { BenchConfigInput } from '../../bench/config.ts';
import type { CliContext } from '../context.ts';

/** The harness's config input for a scenario bench entry; the harness fills its own defaults (learning rate, optimizer). */
export function benchConfigOf(spec: Scenario['bench'][number]): BenchConfigInput {
  return {
    model: spec.model,
    ...(spec.modelOptions ? { modelOptions: spec.modelOptions } : {}),
    batchSize: spec.batch,
    accumulationSteps: spec.accum,
    ...(spec.steps !== undefined ? { maxSteps: spec.steps } : {}),
    ...(spec.targetAccuracy !== undefined ? { targetAccuracy: spec.targetAccuracy } : {}),
    seed: spec.seed,
    ...(spec.pruning ? { pruning: { ...spec.pruning } } : {}),
  };
}

/**
 * Records for every bench entry of `scenario` (run now, or taken from the store's cache). Empty
 * map when it has none. Pruned entries come from a real pruning study (the same path as
 * `costsim run`), so a pruned provider's costs are those of the pruned model.
 */
export async function resolveBenchRecords(scenario: Scenario, ctx: CliContext, storePath?: string): Promise<Map<string, BenchRecord>> {
  if (scenario.bench.length === 0) return new Map();
  const { defaultStorePath } = await import('../../bench/store.ts');
  const { resolveWorkerCount } = await import('../../sweep/workers.ts');
  const { runScenarioBench } = await import('./run-bench.ts');
  const phase = await runScenarioBench(scenario, scenario.name, ctx, { storePath: storePath ?? defaultStorePath(ctx.cwd), workers: resolveWorkerCount(undefined, ctx.env) });
  return phase.records;
}
