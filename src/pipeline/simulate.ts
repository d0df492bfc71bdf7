/**
 * Pipeline phase "simulate": Monte Carlo runs of a scenario's market, in worker processes (one
 * per core) merged in run order, so the output is byte-identical whatever the worker count.
 * Records and plan costs are explicit inputs: this phase trains and plans nothing.
 */
import type { PipelineContext } from './context.ts';
import { UsageError, CostsimError, nonFiniteFromWorker } from '../errors.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';
import type { BenchRecord } from '../bench/record.ts';
import { assembleSimulation, simulateRuns, type SimulationResult } from '../market/montecarlo.ts';
import type { RunResult } from '../market/types.ts';
import type { MarketWorkerSetup } from '../market/worker.ts';
import type { PlanCost } from '../market/costs.ts';
import { simulationSizeProblem } from '../scenario/limits.ts';
import { resolveWorkerCount } from '../sweep/workers.ts';
import { runSweep, type SweepEvent } from '../sweep/runner.ts';
import { sweepProgressPrinter } from '../sweep/progress.ts';
import { moduleFile } from '../util/module-file.ts';

/**
 * UsageError when --runs/--periods overrides make runs × periods × providers too large (the
 * scenario's own values were checked at parse time). Call before any work starts.
 */
export function checkSimulationSize(scenario: Scenario, options: { runs?: number; periods?: number }): void {
  if (options.runs === undefined && options.periods === undefined) return;
  const providers = scenario.market?.providers.length ?? 0;
  const flags = [options.runs !== undefined ? '--runs' : '', options.periods !== undefined ? '--periods' : ''].filter(Boolean).join(' and ');
  const size = simulationSizeProblem(
    options.runs ?? scenario.monteCarlo.runs,
    options.periods ?? scenario.periods,
    providers,
    `${flags} with ${providers} providers`,
  );
  if (size) throw new UsageError(flags, size);
}

/** What a simulation needs besides the scenario: overrides, and the records and plan costs it prices from. */
export interface SimulateOptions {
  runs?: number;
  seed?: number;
  periods?: number;
  workers?: number;
  /** Bench records by bench id (from the measure phase or the store). */
  records: ReadonlyMap<string, BenchRecord>;
  /** Best-plan costs by placement id (from the plan and price phases). */
  plans: ReadonlyMap<string, PlanCost>;
  /** Redis URL of a job queue: the runs go to `costsim worker` processes instead of local ones (same output). */
  queue?: string;
}

/**
 * Seconds to start the worker pool and load the market code in it (a worker process loading the
 * TypeScript sources: about 2 s measured on this project's 2-core CI machine, 2026-12-02), below
 * which running the rest of the Monte Carlo in this process is quicker. COSTSIM_WORKER_START_SECONDS
 * overrides it (0: always use the workers, as the tests of the worker path do).
 */
const WORKER_START_SECONDS = 2;

function workerStartSeconds(env: Record<string, string | undefined>): number {
  const raw = env['COSTSIM_WORKER_START_SECONDS'];
  if (raw === undefined || raw === '') return WORKER_START_SECONDS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError('COSTSIM_WORKER_START_SECONDS', `${raw} is not a number of seconds`, 'a number ≥ 0, or unset');
  return value;
}

/** Simulate a read scenario (text kept so worker processes parse the same document). */
export async function simulateScenario(
  loaded: { scenario: Scenario; text: string; file?: string; overrides?: readonly ScenarioOverride[] },
  ctx: PipelineContext,
  options: SimulateOptions,
): Promise<SimulationResult> {
  const scenario = options.seed !== undefined ? { ...loaded.scenario, seed: options.seed } : loaded.scenario;
  const runs = options.runs ?? scenario.monteCarlo.runs;
  const periods = options.periods ?? scenario.periods;
  checkSimulationSize(scenario, options);
  const workerCount = resolveWorkerCount(options.workers, ctx.env);
  const records = new Map(options.records);
  const plans = new Map(options.plans);
  const workers = Math.min(workerCount, runs);
  const indices = Array.from({ length: runs }, (_, i) => i);
  const progress = ctx.progress;
  if (workers <= 1 && !options.queue) {
    const result = assembleSimulation(scenario, records, simulateRuns(scenario, records, indices, periods, plans), periods, plans);
    progress?.advance(`${runs} runs in this process`, runs);
    return result;
  }
  const results: RunResult[] = [];
  const startSeconds = workerStartSeconds(ctx.env);
  if (!options.queue && startSeconds > 0) {
    // Run 0 here first and time it: when the remaining runs would take less time in this process
    // than starting worker processes does, they stay here too (the output is the same either way).
    const started = performance.now();
    results.push(...simulateRuns(scenario, records, [0], periods, plans));
    const perRunSeconds = (performance.now() - started) / 1000;
    progress?.advance('run 0 in this process', 1);
    if (perRunSeconds * (runs - 1) < startSeconds) {
      results.push(...simulateRuns(scenario, records, indices.slice(1), periods, plans));
      progress?.advance(`${runs - 1} more runs in this process (${(perRunSeconds * 1000).toFixed(0)} ms each: quicker than starting workers)`, runs - 1);
      return assembleSimulation(scenario, records, results, periods, plans);
    }
    indices.shift();
  }
  const setupArgs: MarketWorkerSetup = {
    scenarioText: loaded.text,
    ...(loaded.overrides && loaded.overrides.length > 0 ? { overrides: [...loaded.overrides] } : {}),
    fileName: scenario.file,
    seed: scenario.seed,
    periods,
    records: [...records],
    plans: [...plans],
  };
  // The caller's progress reporter when it has one; else the sweep's own status line (terminal only).
  const printer = sweepProgressPrinter('simulate', indices.length, ctx).onEvent;
  const onEvent = progress ? (event: SweepEvent) => (event.type === 'finished' ? progress.advance(event.key.replace(':', ' ')) : progress.tick()) : printer;
  const summary = await runSweep<{ runs: number[] }, RunResult[]>({
    points: indices.map((run) => ({ key: `run:${run}`, params: { runs: [run] } })),
    workerModule: moduleFile('../market/worker.ts', import.meta.url),
    workers,
    setupArgs,
    ...(options.queue ? { queue: options.queue } : {}),
    onResult: (_key, result) => results.push(...result),
    onEvent,
  });
  const failed = summary.failed[0];
  if (failed) {
    // A non-finite result in a worker keeps its meaning (exit 3), as it would in this process.
    const nonFinite = nonFiniteFromWorker(failed.message);
    if (nonFinite) throw nonFinite;
    throw new CostsimError(`simulation run ${failed.key} failed in a worker: ${failed.message}`);
  }
  return assembleSimulation(scenario, records, results, periods, plans);
}
