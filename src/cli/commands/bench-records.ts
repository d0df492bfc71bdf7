/**
 * Bench records a scenario needs, by bench id, from the harness (src/bench/run.ts:
 * `runBenchmark(config, { deviceId, storePath, useCache })`, cached in the JSONL store).
 * Loaded lazily: a scenario without `bench` entries never loads TensorFlow.js.
 */
import type { Scenario } from '../../scenario/normalize.ts';
import type { BenchConfig, BenchRecord } from '../../bench/record.ts';
import type { CliContext } from '../context.ts';

/** The harness entry point this adapter calls (contract of src/bench/run.ts). */
interface BenchHarness {
  runBenchmark(config: BenchConfig, options: { deviceId: string; storePath: string; useCache: boolean }): Promise<BenchRecord>;
}

/** The harness's BenchConfig for a scenario bench entry (learning rate and optimizer: Adam 1e-3, assumed). */
export function benchConfigOf(spec: Scenario['bench'][number]): BenchConfig {
  return {
    model: spec.model,
    modelOptions: spec.modelOptions ?? {},
    batchSize: spec.batch,
    accumulationSteps: spec.accum,
    maxSteps: spec.steps ?? 2000,
    ...(spec.targetAccuracy !== undefined ? { targetAccuracy: spec.targetAccuracy } : {}),
    learningRate: 1e-3,
    optimizer: 'adam',
    seed: spec.seed,
    ...(spec.pruning ? { pruning: { ...spec.pruning } } : {}),
  };
}

/** Records for every bench entry of `scenario` (run now or taken from the cache). Empty map when it has none. */
export async function resolveBenchRecords(scenario: Scenario, ctx: CliContext, storePath?: string): Promise<Map<string, BenchRecord>> {
  const records = new Map<string, BenchRecord>();
  if (scenario.bench.length === 0) return records;
  const harnessPath = '../../bench/run.ts';
  const store = await import('../../bench/store.ts');
  const harness = (await import(harnessPath)) as BenchHarness;
  const path = storePath ?? store.defaultStorePath(ctx.cwd);
  for (const spec of scenario.bench) {
    if (ctx.isTTY) ctx.err(`bench ${spec.id}: ${spec.model} on ${spec.device} (cached results are reused)`);
    records.set(spec.id, await harness.runBenchmark(benchConfigOf(spec), { deviceId: spec.device, storePath: path, useCache: true }));
  }
  return records;
}
