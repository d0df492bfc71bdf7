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
 * A pruned entry whose record computes exactly what the dense entry of the same model does
 * would make a "pruned" provider's costs silently dense: say so on stderr.
 */
function warnUnprunedRecords(scenario: Scenario, records: ReadonlyMap<string, BenchRecord>, ctx: CliContext): void {
  const same = (a: Scenario['bench'][number], b: Scenario['bench'][number]) => a.model === b.model && JSON.stringify(a.modelOptions ?? {}) === JSON.stringify(b.modelOptions ?? {});
  for (const spec of scenario.bench) {
    if (!spec.pruning) continue;
    const flops = records.get(spec.id)?.metrics.flops;
    const dense = scenario.bench.find((d) => !d.pruning && same(d, spec));
    const denseFlops = dense ? records.get(dense.id)?.metrics.flops : undefined;
    if (flops && denseFlops && flops.forwardPerSample === denseFlops.forwardPerSample && flops.effectiveForwardPerSample === denseFlops.effectiveForwardPerSample)
      ctx.err(`warning: bench "${spec.id}" asks for ${spec.pruning.mode} pruning but its record computes exactly what "${dense?.id}" does; costs derived from it are dense`);
  }
}

/** Records for every bench entry of `scenario` (run now, or taken from the store's cache). Empty map when it has none. */
export async function resolveBenchRecords(scenario: Scenario, ctx: CliContext, storePath?: string): Promise<Map<string, BenchRecord>> {
  const records = new Map<string, BenchRecord>();
  if (scenario.bench.length === 0) return records;
  const { defaultStorePath } = await import('../../bench/store.ts');
  const { runBenchmark } = await import('../../bench/run.ts');
  const path = storePath ?? defaultStorePath(ctx.cwd);
  for (const spec of scenario.bench) {
    if (ctx.isTTY) ctx.err(`bench ${spec.id}: ${spec.model} on ${spec.device} (a cached record is reused)`);
    const record = await runBenchmark(benchConfigOf(spec), { deviceId: spec.device, devices: scenario.devices, storePath: path, useCache: true });
    records.set(spec.id, record);
  }
  warnUnprunedRecords(scenario, records, ctx);
  return records;
}
