/**
 * The scenario pipeline: what `costsim run` does, as one chain of phases, each a function of
 * the previous phase's output (the shape of vega-lite's compile.ts):
 *
 *   1. read        scenario file → text                                  (./read.ts)
 *   2. normalise   text → Scenario: validated, defaults filled, file/path/line errors (src/scenario/)
 *   3. measure     Scenario → bench records and the pruning study       (./measure.ts);
 *                  local-cpu serving entries → this machine's decoder timed and calibrated (./serving-measure.ts)
 *   4. plan once   Scenario → one planning result per placement entry, and the calibration (./plan.ts, ./calibrate.ts);
 *                  one serving plan and frontier per serving entry      (./serving.ts)
 *   5. price       planning results → plan costs by placement id, per-class token costs by serving id (./plan.ts planCosts, ./serving.ts servingCosts)
 *   6. simulate    Scenario + records + plan costs → Monte Carlo market   (./simulate.ts)
 *   7. assemble    everything above → report rows, summary, provenance    (./assemble.ts)
 *   8. write       results → reports/<name>/ atomically                   (src/report/write.ts)
 *
 * Checks that touch nothing (worker count, sizes, store and output writability) run before
 * phase 3, so a refused run leaves no trace. Commands in src/cli/ only parse flags, call this
 * module or a layer, and print.
 */
import { join, resolve } from 'node:path';
import { checkStoreWritable, defaultStorePath } from '../bench/store.ts';
import { checkReportTarget, writeReport, type WrittenReport } from '../report/write.ts';
import type { BuiltChart } from '../report/charts/index.ts';
import { resolveWorkerCount } from '../sweep/workers.ts';
import { COSTSIM_VERSION } from '../version.ts';
import type { PipelineContext } from './context.ts';
import { SILENT_PROGRESS } from './progress.ts';
import { readScenarioFile } from './read.ts';
import { runScenarioBench } from './measure.ts';
import { planCosts, planScenario } from './plan.ts';
import { runSensitivity, sensitivitySentences, type SensitivityResult } from './sensitivity.ts';
import { runCalibration } from './calibrate.ts';
import { planScenarioServing, servingCosts } from './serving.ts';
import { measureServingHere } from './serving-measure.ts';
import { measurementDir } from './measurement-cache.ts';
import { LOCAL_DEVICE_ID } from '../serve/defaults.ts';
import { checkSimulationSize, simulateScenario } from './simulate.ts';
import { assembleResults } from './assemble.ts';
import type { SimulationResult } from '../market/montecarlo.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';

export type { PipelineContext } from './context.ts';
export { SILENT_PROGRESS, type Progress } from './progress.ts';
export { readScenarioFile, type LoadedScenario } from './read.ts';
export {
  runScenarioBench,
  scenarioRecords,
  storedScenarioRecords,
  pruneStudyOptionsFor,
  announcePruneStudy,
  pruneStudyProgress,
  benchConfigOf,
  PAYOFF_REQUESTS_PER_MONTH,
  type BenchPhase,
  type StoredRecords,
} from './measure.ts';
export { planScenario, planCosts, referencedPlacements, type PlannedEntry } from './plan.ts';
export { runCalibration } from './calibrate.ts';
export {
  planScenarioServing,
  servingCosts,
  servingRequest,
  referencedServing,
  calibrationNote,
  RUN_MEASURE_SIZES,
  type PlannedServing,
  type LocalServingCalibration,
} from './serving.ts';
export { measureServingHere, scenarioServingCosts, localPriceInstance } from './serving-measure.ts';
export { measurementDir } from './measurement-cache.ts';
export { marketInputs } from './market-inputs.ts';
export { checkSimulationSize, simulateScenario, type SimulateOptions } from './simulate.ts';
export { runGridSweep, runGridPoints, writeGridReport, RUNS_PER_GRID_JOB, type GridSweepResult } from './grid.ts';
export { runSensitivity, writeSensitivityReport, sensitivitySentences, measuredTimingInputs, type SensitivityResult } from './sensitivity.ts';
export { assembleResults, type AssembleInput } from './assemble.ts';
export { parseAccumSweep, runAccumulationSweep } from './bench-accumulation.ts';

/** Options of one scenario run (all optional: the scenario's own settings otherwise). */
export interface ScenarioRunOptions {
  out?: string;
  runs?: number;
  workers?: number;
  storePath?: string;
  backend?: string;
  /** Redis URL of a job queue for the pruning and Monte Carlo sweeps (default: local worker processes). */
  queue?: string;
  /** `--set` overrides, applied before validation. */
  overrides?: readonly ScenarioOverride[];
  /** Also write report.xlsx (a sheet per chart's data). */
  xlsx?: boolean;
  /** Also run the one-at-a-time sensitivity analysis of the market (sensitivity.ts) into the report (opt-in: it simulates 2 settings per uncertain input). */
  sensitivity?: boolean;
  /** Time this machine's serving decoder and placement calibration again instead of reusing the measurement cache (`--remeasure`). */
  remeasure?: boolean;
  /** Called per rendered chart (progress). */
  onChart?: (chart: BuiltChart, index: number, total: number) => void;
}

/** A directory name from a scenario name: letters, digits, `.`, `_` and `-` only. */
export function reportDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'scenario';
}

/** Run the whole pipeline for the scenario at `path` (relative to ctx.cwd) and write its report; returns what was written. */
export async function runScenario(path: string, ctx: PipelineContext, options: ScenarioRunOptions = {}): Promise<WrittenReport> {
  // 1–2. read and normalise
  const loaded = readScenarioFile(path, ctx.cwd, options.overrides);
  const scenario = loaded.scenario;
  const outDir = resolve(ctx.cwd, options.out ?? join('reports', reportDirName(scenario.name)));
  const progress = ctx.progress ?? SILENT_PROGRESS;
  // Checks that touch nothing come first, so a refused run leaves no trace.
  const workers = resolveWorkerCount(options.workers, ctx.env);
  checkSimulationSize(scenario, options.runs !== undefined ? { runs: options.runs } : {});
  const storePath = options.storePath ?? defaultStorePath(ctx.cwd);
  if (scenario.bench.length > 0) checkStoreWritable(storePath); // before any training, not after it
  checkReportTarget(outDir, (note) => ctx.err(`costsim: ${note}`));
  const backend = options.backend ? { backend: options.backend } : {};
  const queue = options.queue ? { queue: options.queue } : {};

  const denseCount = scenario.bench.filter((b) => !b.pruning).length;
  progress.plan([
    ...(denseCount > 0 ? ['bench'] : []),
    ...(scenario.bench.length > denseCount ? ['prune'] : []),
    ...(scenario.serving.some((e) => e.device === LOCAL_DEVICE_ID) ? ['serving'] : []),
    ...(scenario.placement.length > 0 ? ['placement', 'calibrate'] : []),
    ...(scenario.market ? ['market'] : []),
    ...(scenario.market && options.sensitivity ? ['sensitivity'] : []),
    'report',
  ]);
  // 3. measure
  const bench = await runScenarioBench(scenario, path, ctx, { storePath, workers, ...backend, ...queue });
  if (scenario.serving.some((e) => e.device === LOCAL_DEVICE_ID))
    progress.phase('serving', 0, 'timing the KV-cached decoder on this machine (serving on local-cpu)');
  const cache = { cacheDir: measurementDir(storePath), ...(options.remeasure ? { fresh: true } : {}), onNotice: (note: string) => ctx.err(`costsim: ${note}`) };
  const local = await measureServingHere(scenario, path, { env: ctx.env, ...backend, ...cache });
  // 4. plan once (every entry), then calibrate the placement model on this machine
  if (scenario.placement.length > 0) progress.phase('placement', scenario.placement.length, `planning ${scenario.placement.length} placement entries`);
  const planned = await planScenario(scenario, path, { env: ctx.env, ...backend });
  progress.advance(undefined, planned.length);
  if (planned.length > 0) progress.phase('calibrate', 0, "calibrating the placement model on this machine's backends");
  const calibration = planned.length > 0 ? await runCalibration({ env: ctx.env, ...cache }) : undefined;
  const serving = planScenarioServing(scenario, path, local);
  // 5. price: plan costs read off the plans above, never planned again
  const plans = new Map([...planCosts(scenario, planned, path), ...servingCosts(scenario, serving, path)]);
  // 6. simulate
  let market: SimulationResult | undefined;
  if (scenario.market) {
    const runs = options.runs ?? scenario.monteCarlo.runs;
    progress.phase('market', runs, `${runs} Monte Carlo runs × ${scenario.periods} periods × ${scenario.market.providers.length} providers`);
    market = await simulateScenario(loaded, ctx, {
      records: bench.records,
      plans,
      workers,
      ...queue,
      ...(options.runs !== undefined ? { runs: options.runs } : {}),
    });
  }
  // 6b. sensitivity (opt-in): each uncertain input at its p10 and p90, warnings on stderr and in the summary
  let sensitivity: SensitivityResult | undefined;
  if (scenario.market && options.sensitivity) {
    progress.phase('sensitivity', 0, 'each uncertain input at its 10th and 90th percentile, the others central');
    sensitivity = await runSensitivity(loaded, ctx, {
      records: bench.records,
      plans,
      workers,
      ...queue,
      ...(options.runs !== undefined ? { runs: options.runs } : {}),
    });
    for (const w of sensitivity.warnings) ctx.err(`costsim: warning: ${w.message}`);
  }
  // 7. assemble
  const assembled = assembleResults({
    loaded,
    cwd: ctx.cwd,
    storePath,
    bench,
    placement: planned.map((p) => p.result),
    ...(calibration ? { calibration } : {}),
    serving: { planned: serving, ...(local ? { local } : {}) },
    ...(market ? { market } : {}),
  });
  const results = sensitivity
    ? {
        ...assembled,
        rows: { ...assembled.rows, sensitivity: sensitivity.rows },
        summary: { ...assembled.summary, answer: [assembled.summary.answer, ...sensitivitySentences(sensitivity)].join('\n') },
      }
    : assembled;
  // 8. write
  progress.phase('report', 0, `rendering charts to ${outDir}`);
  const onChart = (chart: BuiltChart, index: number, total: number) => {
    options.onChart?.(chart, index, total);
    if (index === 0) progress.setTotal(total);
    progress.advance(chart.id);
  };
  return writeReport(outDir, results, {
    now: new Date(),
    costsimVersion: COSTSIM_VERSION,
    ...(options.xlsx ? { xlsx: true } : {}),
    onChart,
    onNotice: (note) => ctx.err(`costsim: ${note}`),
  });
}
