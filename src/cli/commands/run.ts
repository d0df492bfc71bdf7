/**
 * `costsim run [scenario] [--out dir] [--runs N] [--workers N] [--store path] [--backend X] [--json]`:
 * the main job. Phases, in order: parse the scenario → check the output directory → bench
 * (train for real or reuse cached records; pruning study) → placement plans → market Monte
 * Carlo and equilibria → rows and summary → write reports/<name>/ atomically.
 * Bad input (missing or malformed scenario, unwritable output) fails before any work, exit 2.
 */
import { fileURLToPath } from 'node:url';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { checkStoreWritable, defaultStorePath } from '../../bench/store.ts';
import type { ReportResults, ReportRows } from '../../report/rows.ts';
import { accumulationRows, paretoRows, type NamedRecord } from '../../report/adapters/bench.ts';
import { pruningAccuracyRows, pruningComputeRows, pruningPayoffRows } from '../../report/adapters/prune.ts';
import { placementMemoryRows, placementTimeRows } from '../../report/adapters/placement.ts';
import { marketRows } from '../../report/adapters/market.ts';
import { composeSummary } from '../../report/summary.ts';
import { checkReportTarget, writeReport, type WrittenReport } from '../../report/write.ts';
import { checkSimulationSize, positiveInt, readScenarioFile, simulateScenario, runsFlag } from './simulate.ts';
import { resolveWorkerCount } from '../../sweep/workers.ts';
import { runScenarioBench, PAYOFF_REQUESTS_PER_MONTH } from './run-bench.ts';
import { runScenarioPlacement } from './run-placement.ts';
import { runCalibration } from './run-calibration.ts';
import { calibrationRows } from '../../report/adapters/calibration.ts';
import { COSTSIM_VERSION, reportProgress, reportSummaryLines } from './report-output.ts';

/** The scenario `costsim run` uses with no argument: exercises every part on small budgets. */
export const DEFAULT_SCENARIO = fileURLToPath(new URL('../../../scenarios/default.yaml', import.meta.url));

/** Options of one run (all optional: the scenario's own settings otherwise). */
export interface RunOptions {
  out?: string;
  runs?: number;
  workers?: number;
  storePath?: string;
  backend?: string;
}

/** A directory name from a scenario name: letters, digits, `.`, `_` and `-` only. */
export function reportDirName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '') || 'scenario';
}

/** Run the whole job for the scenario at `path` and write its report; returns what was written. */
export async function runScenario(path: string, ctx: CliContext, options: RunOptions = {}): Promise<WrittenReport> {
  const loaded = readScenarioFile(path, ctx.cwd);
  const scenario = loaded.scenario;
  const outDir = resolve(ctx.cwd, options.out ?? join('reports', reportDirName(scenario.name)));
  const say = (text: string) => ctx.isTTY && ctx.err(text);
  // Checks that touch nothing come first, so a refused run leaves no trace.
  const workers = resolveWorkerCount(options.workers, ctx.env);
  checkSimulationSize(scenario, options.runs !== undefined ? { runs: options.runs } : {});
  const storePath = options.storePath ?? defaultStorePath(ctx.cwd);
  if (scenario.bench.length > 0) checkStoreWritable(storePath); // before any training, not after it
  checkReportTarget(outDir, (note) => ctx.err(`costsim: ${note}`));

  say(`${scenario.name}: bench (${scenario.bench.length} entries)…`);
  const bench = await runScenarioBench(scenario, path, ctx, { storePath, workers, ...(options.backend ? { backend: options.backend } : {}) });
  say(`${scenario.name}: placement (${scenario.placement.length} entries)…`);
  const placement = await runScenarioPlacement(scenario, path, { env: ctx.env, ...(options.backend ? { backend: options.backend } : {}) });
  if (placement.length > 0) say(`${scenario.name}: calibrating the placement model on this machine's backends…`);
  const calibration = placement.length > 0 ? await runCalibration() : undefined;
  let market: Awaited<ReturnType<typeof simulateScenario>> | undefined;
  if (scenario.market) {
    say(`${scenario.name}: market (${options.runs ?? scenario.monteCarlo.runs} Monte Carlo runs × ${scenario.periods} periods)…`);
    market = await simulateScenario(loaded, ctx, { records: bench.records, workers, ...(options.runs !== undefined ? { runs: options.runs } : {}) });
  }

  const named: NamedRecord[] = [...bench.records].map(([id, record]) => ({ id, record }));
  const rows: ReportRows = {
    pareto: paretoRows(named),
    accumulation: accumulationRows(named),
    ...(bench.prune ? { pruningAccuracy: pruningAccuracyRows(bench.prune.cells), pruningCompute: pruningComputeRows(bench.prune.levels), pruningPayoff: pruningPayoffRows(bench.prune.levels) } : {}),
    placementTime: placementTimeRows(placement),
    placementMemory: placementMemoryRows(placement),
    ...(calibration ? { calibration: calibrationRows(calibration) } : {}),
    ...(market ? marketRows(market) : {}),
  };
  const provenance: Record<string, string> = {
    scenario: relative(ctx.cwd, loaded.file) || loaded.file,
    seed: String(scenario.seed),
    costsim: COSTSIM_VERSION,
    node: process.versions.node,
    ...(bench.backend ? { backend: `${bench.backend.name} (${bench.backend.reason})` } : {}),
    ...(bench.records.size > 0 ? { 'bench records': `${named.map((n) => `${n.id}=${n.record.id}`).join(', ')} in ${relative(ctx.cwd, storePath)}` } : {}),
    ...(bench.prune ? { 'pruning payoff volume': `${PAYOFF_REQUESTS_PER_MONTH.toLocaleString('en-US')} requests/month (assumed; break-even volumes do not depend on it)` } : {}),
    ...(market ? { market: `${market.summary.runs} Monte Carlo runs × ${market.summary.periods} periods, prices in USD per ${scenario.unit}` } : {}),
  };
  const results: ReportResults = {
    version: 1,
    scenario: { name: scenario.name, question: scenario.question, seed: scenario.seed, file: provenance['scenario'] as string, priceUnit: `USD per ${scenario.unit}` },
    summary: composeSummary({ ...(market ? { market } : {}), bench: named, ...(bench.prune ? { prune: bench.prune.levels } : {}), placement, ...(calibration ? { calibration } : {}) }),
    rows,
    provenance,
  };
  say(`${scenario.name}: rendering the report…`);
  return writeReport(outDir, results, { now: new Date(), costsimVersion: COSTSIM_VERSION, onChart: reportProgress(ctx), onNotice: (note) => ctx.err(`costsim: ${note}`) });
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('The main job: run a scenario (bench, pruning, placement, market Monte Carlo) and write reports/<scenario-name>/ (index.html, SVG/PNG/CSV per chart, report.json).')
    .argument('[scenario]', 'scenario YAML file (default: the built-in scenarios/default.yaml)')
    .option('--out <dir>', 'report directory (default: reports/<scenario-name>)')
    .option('--runs <n>', 'Monte Carlo runs (default: the scenario\'s monteCarlo.runs)')
    .option('--workers <n>', 'worker processes for pruning and Monte Carlo (default: one per core)')
    .option('--store <path>', 'bench record store, also the cache (default: .costsim/records.jsonl)')
    .option('--backend <name>', 'force a tfjs backend (tensorflow, native, wasm, cpu)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (scenario: string | undefined, options: { out?: string; runs?: string; workers?: string; store?: string; backend?: string; json?: boolean }) => {
      const runs = runsFlag(options.runs);
      const workers = positiveInt('--workers', options.workers);
      const written = await runScenario(scenario ?? relative(ctx.cwd, DEFAULT_SCENARIO), ctx, {
        ...(options.out ? { out: options.out } : {}),
        ...(runs !== undefined ? { runs } : {}),
        ...(workers !== undefined ? { workers } : {}),
        ...(options.store ? { storePath: resolve(ctx.cwd, options.store) } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
      });
      if (options.json) ctx.out(JSON.stringify({ dir: written.dir, index: join(written.dir, 'index.html'), charts: written.charts.map((c) => ({ id: c.id, title: c.title, provenance: c.provenance })), files: written.artefacts.map((a) => a.file) }));
      else ctx.out(reportSummaryLines(written, ctx.cwd).join('\n'));
    });
}
