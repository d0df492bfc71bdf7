/**
 * The measured part of `costsim run`: the scenario's bench entries, trained for real (or taken
 * from the record store's cache), and its pruning entries, run as one pruning study per model
 * (dense parents, then every method × sparsity × seed) in worker processes. TensorFlow.js is
 * loaded only when the scenario has bench entries.
 */
import { dirname, join } from 'node:path';
import type { CliContext } from '../context.ts';
import type { Scenario } from '../../scenario/normalize.ts';
import type { BenchRecord } from '../../bench/record.ts';
import type { PruneLevel } from '../../bench/prune/summarize.ts';
import type { PruneMethod } from '../../bench/prune/experiment.ts';
import type { PruneCell } from '../../report/adapters/prune.ts';
import { findDevice } from '../../devices/catalog.ts';
import { InputError, nonFiniteFromWorker } from '../../errors.ts';
import type { SweepEvent } from '../../sweep/runner.ts';
import { benchConfigOf } from './bench-records.ts';

type BenchSpec = Scenario['bench'][number];

/** What the measured phase produced: records by bench id, and the pruning study when there was one. */
export interface BenchPhase {
  records: Map<string, BenchRecord>;
  backend?: { name: string; reason: string };
  prune?: { cells: PruneCell[]; levels: PruneLevel[] };
}

/** Inference volume the pruning payoff is priced at (assumed; the break-even volume does not depend on it). */
export const PAYOFF_REQUESTS_PER_MONTH = 1_000_000;

const MODE_TO_METHOD: Record<string, PruneMethod> = { unstructured: 'magnitude', structured: 'structured', random: 'random' };

/** Train (or fetch) every bench entry and run the pruning study. `storePath` is the JSONL record store. */
export async function runScenarioBench(scenario: Scenario, file: string, ctx: CliContext, options: { storePath: string; backend?: string; workers: number }): Promise<BenchPhase> {
  const phase: BenchPhase = { records: new Map() };
  if (scenario.bench.length === 0) return phase;
  const { initRuntime } = await import('../../runtime/index.ts');
  const choice = await initRuntime({ flag: options.backend, env: ctx.env });
  phase.backend = { name: choice.name, reason: choice.reason };
  const { runBenchmark } = await import('../../bench/run.ts');
  // The harness's per-model learning rates (the scenario format has no learning-rate field).
  const { DEFAULT_LEARNING_RATE } = await import('../../bench/config.ts');
  for (const spec of scenario.bench.filter((b) => !b.pruning)) {
    if (ctx.isTTY) ctx.err(`bench ${spec.id}: ${spec.model}, k=${spec.accum}, ${spec.steps ?? 'default'} steps on ${choice.name} (cached results are reused)`);
    const record = await runBenchmark({ ...benchConfigOf(spec), learningRate: DEFAULT_LEARNING_RATE[spec.model] }, { deviceId: spec.device, devices: scenario.devices, storePath: options.storePath, useCache: true, backendReason: choice.reason });
    phase.records.set(spec.id, record);
  }
  const pruning = scenario.bench.filter((b) => b.pruning);
  if (pruning.length > 0) phase.prune = await runPruning(scenario, file, pruning, phase, ctx, { ...options, backend: choice.name });
  return phase;
}

/** One study per model over the pruning entries' methods, sparsities and seeds. */
async function runPruning(scenario: Scenario, file: string, entries: BenchSpec[], phase: BenchPhase, ctx: CliContext, options: { storePath: string; backend: string; workers: number }): Promise<BenchPhase['prune']> {
  const { runPruneStudy } = await import('../../bench/prune/study.ts');
  const { summarizeStudy } = await import('../../bench/prune/summarize.ts');
  const { DEFAULT_LEARNING_RATE } = await import('../../bench/config.ts');
  const cells: PruneCell[] = [];
  const levels: PruneLevel[] = [];
  for (const model of [...new Set(entries.map((e) => e.model))]) {
    const group = entries.filter((e) => e.model === model);
    const first = group[0] as BenchSpec;
    const device = findDevice(first.device, scenario.devices);
    if (!device) throw new InputError({ file, path: `bench.${first.id}.device` }, `unknown device "${first.device}"`);
    const dense = scenario.bench.find((b) => b.model === model && !b.pruning);
    const modelOptions = Object.fromEntries(Object.entries(first.modelOptions ?? {}).filter((kv): kv is [string, number] => typeof kv[1] === 'number'));
    const schedule = first.pruning?.schedule === 'constant' ? 'constant' : 'polynomial';
    const study = await runPruneStudy(
      {
        model,
        modelOptions,
        seeds: [...new Set(group.map((e) => e.seed))],
        sparsities: [...new Set(group.map((e) => e.pruning?.sparsity ?? 0))].sort((a, b) => a - b),
        methods: [...new Set(group.map((e) => MODE_TO_METHOD[e.pruning?.mode ?? 'unstructured'] as PruneMethod))],
        scope: 'layer',
        schedule,
        scheduleOverrides: {},
        denseSteps: dense?.steps ?? 200,
        fineTuneSteps: first.steps ?? 50,
        batchSize: first.batch,
        learningRate: DEFAULT_LEARNING_RATE[model],
        latencyBatchSize: 256,
        latencyRounds: 5,
        checkpointDir: join(dirname(options.storePath), 'prune-checkpoints'),
      },
      {
        backend: options.backend,
        deviceId: device.id,
        storePath: options.storePath,
        workers: options.workers,
        onEvent: (event: SweepEvent) => {
          if (ctx.isTTY && event.type === 'finished') ctx.err(`prune ${model}: ${event.key} done in ${event.wallSeconds.toFixed(1)} s`);
        },
      },
    );
    const failed = study.summary.failed[0];
    if (failed) throw nonFiniteFromWorker(failed.message) ?? new Error(`pruning study point ${failed.key} failed: ${failed.message}`);
    for (const cell of study.plan.cells) {
      const record = study.records.get(cell.key);
      if (record) cells.push({ method: cell.method, sparsity: cell.sparsity, seed: cell.seed, record });
    }
    for (const entry of group) {
      const method = MODE_TO_METHOD[entry.pruning?.mode ?? 'unstructured'];
      const cell = cells.find((c) => c.method === method && c.sparsity === entry.pruning?.sparsity && c.seed === entry.seed);
      if (cell) phase.records.set(entry.id, cell.record);
    }
    const priced = { id: device.id, usdPerHour: device.usdPerHour.value, priceSource: `${device.usdPerHour.source}, ${device.usdPerHour.date}` };
    levels.push(...summarizeStudy(study.plan.cells, study.records, { requestsPerMonth: PAYOFF_REQUESTS_PER_MONTH, device: priced }).levels);
  }
  return { cells, levels };
}
