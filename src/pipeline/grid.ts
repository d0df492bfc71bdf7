/**
 * Pipeline phase "grid sweep" (`simulate --sweep`): the scenario's Monte Carlo simulation at
 * every point of a parameter grid. Phases: check every axis and every grid point against the
 * scenario (a bad one fails before any work, naming --sweep) → split each point's runs into
 * jobs → run them through src/sweep/ (local worker processes, or the job queue with `queue`)
 * → tidy rows, one per grid point × provider (market/grid.ts). Every point uses the same run
 * seeds (common random numbers), so differences between points come from the swept values.
 * Output is byte-identical whatever the worker count or backend.
 */
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { PipelineContext } from './context.ts';
import { CostsimError, UsageError, nonFiniteFromWorker } from '../errors.ts';
import type { Scenario } from '../scenario/normalize.ts';
import { parseScenario } from '../scenario/parse.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';
import { checkAxesAgainst, gridPoints, SWEEP_FLAG, type GridAxis, type GridPoint } from '../scenario/grid.ts';
import { simulationSizeProblem } from '../scenario/limits.ts';
import { gridRows, runOutcome, type GridRow, type RunOutcome } from '../market/grid.ts';
import { simulateRuns } from '../market/montecarlo.ts';
import { pinTimingFactors } from '../market/timing-noise.ts';
import type { GridWorkerPoint, GridWorkerSetup } from '../market/grid-worker.ts';
import type { SimulateOptions } from './simulate.ts';
import { resolveWorkerCount } from '../sweep/workers.ts';
import { runSweep } from '../sweep/runner.ts';
import { sweepProgressPrinter } from '../sweep/progress.ts';
import { writeReport, type WrittenReport } from '../report/write.ts';
import type { ReportResults } from '../report/rows.ts';
import { COSTSIM_VERSION } from '../version.ts';

/** Runs per job: enough that a job outweighs its dispatch, few enough that workers share a point's runs. */
export const RUNS_PER_GRID_JOB = 10;

/** What a grid sweep publishes. */
export interface GridSweepResult {
  scenario: { name: string; seed: number; runs: number; periods: number; unit: string };
  axes: Array<{ name: string; values: number[] }>;
  rows: GridRow[];
}

/** Run `axes`' grid over a read scenario. */
export async function runGridSweep(
  loaded: { scenario: Scenario; text: string; overrides?: readonly ScenarioOverride[] },
  axes: readonly GridAxis[],
  ctx: PipelineContext,
  options: SimulateOptions,
): Promise<GridSweepResult> {
  const base = loaded.scenario;
  const seed = options.seed ?? base.seed;
  const runs = options.runs ?? base.monteCarlo.runs;
  const periods = options.periods ?? base.periods;
  // 1. check: every axis names a number, every grid point is a valid scenario.
  checkAxesAgainst(parseYaml(loaded.text) as unknown, axes);
  // `--set` values first, so a swept number overrides a set one; every point keeps the others.
  const sets = loaded.overrides ?? [];
  const points = gridPoints(axes).map((p) => ({ ...p, overrides: [...sets, ...p.overrides] }));
  const rows = await runGridPoints(loaded, points, ctx, { ...options, seed, runs, periods }, SWEEP_FLAG);
  return { scenario: { name: base.name, seed, runs, periods, unit: base.unit }, axes: axes.map((a) => ({ name: a.name, values: [...a.values] })), rows };
}

/**
 * Simulate each of `points` (every point's overrides complete, `--set` values included) with
 * the same run seeds, in parallel through src/sweep/ when more than one worker would help; rows
 * in point order. A point that is not a valid scenario is refused naming `flag`. With
 * `timingFactors` (by point index), each point's bench records have their timing noise pinned.
 */
export async function runGridPoints(
  loaded: { scenario: Scenario; text: string },
  points: readonly GridPoint[],
  ctx: PipelineContext,
  options: SimulateOptions & { seed: number; runs: number; periods: number },
  flag: string,
  timingFactors?: Array<Record<string, number>>,
): Promise<GridRow[]> {
  const base = loaded.scenario;
  const { seed, runs, periods } = options;
  const scenarios = new Map<number, Scenario>();
  const providers = new Map<number, string[]>();
  for (const point of points) {
    const scenario = { ...parseScenario(loaded.text, base.file, point.overrides), seed };
    const names = (scenario.market?.providers ?? []).map((p) => p.name);
    const size = simulationSizeProblem(runs, periods, names.length, `grid point ${point.index}`);
    if (size) throw new UsageError(flag, size);
    scenarios.set(point.index, scenario);
    providers.set(point.index, names);
  }
  // 2. jobs: each point's runs in chunks.
  const jobs: Array<{ key: string; params: GridWorkerPoint }> = [];
  for (const point of points) {
    for (let from = 0; from < runs; from += RUNS_PER_GRID_JOB) {
      const to = Math.min(runs, from + RUNS_PER_GRID_JOB);
      jobs.push({
        key: `point:${point.index}:runs:${from}-${to - 1}`,
        params: { point: point.index, runs: Array.from({ length: to - from }, (_, i) => from + i) },
      });
    }
  }
  const setupArgs: GridWorkerSetup = {
    scenarioText: loaded.text,
    fileName: base.file,
    seed,
    periods,
    records: [...options.records],
    plans: [...options.plans],
    grid: points.map((p) => p.overrides),
    ...(timingFactors ? { timingFactors } : {}),
  };
  // 3. run: in this process when one worker would do it anyway, else through src/sweep/.
  const outcomes = new Map<number, RunOutcome[]>(points.map((p) => [p.index, []]));
  const workers = Math.min(resolveWorkerCount(options.workers, ctx.env), jobs.length);
  if (workers <= 1 && !options.queue) {
    const plans = new Map(options.plans);
    for (const job of jobs) {
      const factors = timingFactors?.[job.params.point];
      const records = factors ? pinTimingFactors(options.records, factors) : new Map(options.records);
      const scenario = scenarios.get(job.params.point) as Scenario;
      const names = providers.get(job.params.point) ?? [];
      outcomes.get(job.params.point)?.push(...simulateRuns(scenario, records, job.params.runs, periods, plans).map((r) => runOutcome(r, names)));
    }
  } else {
    const { onEvent } = sweepProgressPrinter(`simulate ${flag}`, jobs.length, ctx);
    const summary = await runSweep<GridWorkerPoint, RunOutcome[]>({
      points: jobs,
      workerModule: fileURLToPath(new URL('../market/grid-worker.ts', import.meta.url)),
      workers,
      setupArgs,
      ...(options.queue ? { queue: options.queue } : {}),
      onResult: (key, result) => outcomes.get(Number(key.split(':')[1]))?.push(...result),
      onEvent,
    });
    const failed = summary.failed[0];
    if (failed) {
      const nonFinite = nonFiniteFromWorker(failed.message);
      if (nonFinite) throw nonFinite;
      throw new CostsimError(`grid sweep job ${failed.key} failed in a worker: ${failed.message}`);
    }
  }
  // 4. rows, in grid order.
  return points.flatMap((p) => gridRows(p.index, p.values, providers.get(p.index) ?? [], outcomes.get(p.index) ?? []));
}

/** The grid sweep as a report (the tornado chart, its CSV of tidy rows, report.json) written to `dir`. */
export async function writeGridReport(dir: string, result: GridSweepResult, scenario: Scenario, file: string, ctx: PipelineContext): Promise<WrittenReport> {
  const answer = `Grid of ${result.axes.map((a) => `${a.name} ∈ {${a.values.join(', ')}}`).join(' × ')}: ${result.rows.length / Math.max(1, new Set(result.rows.map((r) => r.provider)).size)} points × ${result.scenario.runs} Monte Carlo runs of ${result.scenario.periods} periods each (seed ${result.scenario.seed}, the same run seeds at every point).`;
  const results: ReportResults = {
    version: 1,
    scenario: { name: scenario.name, question: scenario.question, seed: result.scenario.seed, file, priceUnit: `USD per ${scenario.unit}` },
    summary: { answer, keyNumbers: [] },
    rows: { gridSweep: result.rows },
    provenance: { scenario: file, sweep: result.axes.map((a) => `${a.name}=${a.values.join(',')}`).join(' ') },
  };
  return writeReport(dir, results, { now: new Date(), costsimVersion: COSTSIM_VERSION, onNotice: (note) => ctx.err(`costsim: ${note}`) });
}
