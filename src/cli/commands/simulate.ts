/**
 * `costsim simulate <scenario> [--runs N] [--seed S] [--periods N] [--workers N] [--no-rows] [--json]`:
 * Monte Carlo runs of the scenario's market in worker processes (one per core), merged in run
 * order, so the output is byte-identical whatever the worker count.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { InputError, UsageError, CostsimError, nonFiniteFromWorker } from '../../errors.ts';
import { parseScenario, SCENARIO_LIMITS } from '../../scenario/parse.ts';
import type { Scenario } from '../../scenario/normalize.ts';
import type { BenchRecord } from '../../bench/record.ts';
import { assembleSimulation, simulateRuns, type SimulationResult } from '../../market/montecarlo.ts';
import type { RunResult } from '../../market/types.ts';
import type { MarketWorkerSetup } from '../../market/worker.ts';
import { resolveBenchRecords } from './bench-records.ts';
import { resolvePlanCosts } from './placement-costs.ts';
import type { PlanCost } from '../../market/costs.ts';
import { MARKET_LIMITS, simulationSizeProblem } from '../../scenario/limits.ts';
import { resolveWorkerCount } from '../../sweep/workers.ts';

/** Read and parse a scenario file; a missing file is an InputError (exit 2). */
export function readScenarioFile(path: string, cwd: string): { scenario: Scenario; text: string; file: string } {
  const file = resolve(cwd, path);
  let text: string;
  try {
    // Size and kind first: /dev/zero or a FIFO would otherwise be read without end.
    const stat = statSync(file);
    if (stat.isFile() && stat.size > SCENARIO_LIMITS.maxBytes)
      throw new InputError({ file: path }, `the file is ${stat.size.toLocaleString('en-US')} bytes; a scenario may be at most ${SCENARIO_LIMITS.maxBytes.toLocaleString('en-US')} bytes (1 MiB), which bounds parse time and memory`);
    if (!stat.isFile()) throw new InputError({ file: path }, stat.isDirectory() ? 'is a directory, not a scenario file; check the path' : 'is not a regular file (a device, pipe or socket); give a YAML file');
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError({ file: path }, `cannot read the scenario (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path`);
  }
  return { scenario: parseScenario(text, path), text, file };
}

/** Parse a positive integer flag or throw UsageError naming it. */
export function positiveInt(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(flag, `must be an integer >= ${min} (got "${value}")`);
  if (!Number.isSafeInteger(n)) throw new UsageError(flag, `must be at most ${Number.MAX_SAFE_INTEGER} (got "${value}"), the largest integer a double holds exactly`);
  return n;
}

/** `--runs`: a positive integer, at most the cap of the scenario's monteCarlo.runs. */
export function runsFlag(value: string | undefined): number | undefined {
  const n = positiveInt('--runs', value);
  if (n !== undefined && n > MARKET_LIMITS.maxRuns) throw new UsageError('--runs', `must be at most ${MARKET_LIMITS.maxRuns.toLocaleString('en-US')}, the same cap as monteCarlo.runs (got ${value})`);
  return n;
}

/** `--periods`: a positive integer, at most the cap of the scenario's periods. */
export function periodsFlag(value: string | undefined): number | undefined {
  const n = positiveInt('--periods', value);
  if (n !== undefined && n > MARKET_LIMITS.maxPeriods) throw new UsageError('--periods', `must be at most ${MARKET_LIMITS.maxPeriods.toLocaleString('en-US')}, the same cap as the scenario's periods (got ${value})`);
  return n;
}

/**
 * UsageError when --runs/--periods overrides make runs × periods × providers too large (the
 * scenario's own values were checked at parse time). Call before any work starts.
 */
export function checkSimulationSize(scenario: Scenario, options: { runs?: number; periods?: number }): void {
  if (options.runs === undefined && options.periods === undefined) return;
  const providers = scenario.market?.providers.length ?? 0;
  const flags = [options.runs !== undefined ? '--runs' : '', options.periods !== undefined ? '--periods' : ''].filter(Boolean).join(' and ');
  const size = simulationSizeProblem(options.runs ?? scenario.monteCarlo.runs, options.periods ?? scenario.periods, providers, `${flags} with ${providers} providers`);
  if (size) throw new UsageError(flags, size);
}

/** Options of a simulation started from the CLI or from `costsim run`. */
export interface SimulateOptions {
  runs?: number;
  seed?: number;
  periods?: number;
  workers?: number;
  records?: Map<string, BenchRecord>;
  /** Best-plan costs by placement id (default: planned now from the scenario's placement entries). */
  plans?: Map<string, PlanCost>;
}

/** Simulate a parsed scenario (text kept so worker processes parse the same document). */
export async function simulateScenario(loaded: { scenario: Scenario; text: string }, ctx: CliContext, options: SimulateOptions = {}): Promise<SimulationResult> {
  const scenario = options.seed !== undefined ? { ...loaded.scenario, seed: options.seed } : loaded.scenario;
  const runs = options.runs ?? scenario.monteCarlo.runs;
  const periods = options.periods ?? scenario.periods;
  checkSimulationSize(scenario, options);
  const workerCount = resolveWorkerCount(options.workers, ctx.env);
  const records = options.records ?? (await resolveBenchRecords(scenario, ctx));
  const plans = options.plans ?? (await resolvePlanCosts(scenario));
  const { runSweep } = await import('../../sweep/runner.ts');
  const workers = Math.min(workerCount, runs);
  const indices = Array.from({ length: runs }, (_, i) => i);
  if (workers <= 1) return assembleSimulation(scenario, records, simulateRuns(scenario, records, indices, periods, plans), periods, plans);
  const results: RunResult[] = [];
  const setupArgs: MarketWorkerSetup = { scenarioText: loaded.text, fileName: scenario.name, seed: scenario.seed, periods, records: [...records], plans: [...plans] };
  let done = 0;
  const summary = await runSweep<{ runs: number[] }, RunResult[]>({
    points: indices.map((run) => ({ key: `run:${run}`, params: { runs: [run] } })),
    workerModule: fileURLToPath(new URL('../../market/worker.ts', import.meta.url)),
    workers,
    setupArgs,
    onResult: (_key, result) => {
      results.push(...result);
      done += 1;
      if (ctx.isTTY) ctx.err(`simulate: ${done}/${runs} runs`);
    },
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

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
const usd = (x: number | null) => (x === null ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(4));

/** Human-readable summary of a simulation. */
export function formatSimulation(r: SimulationResult): string {
  const s = r.summary;
  const lines = [`${r.scenario.name}: ${s.runs} run(s) × ${s.periods} periods (seed ${r.scenario.seed}); prices in USD per ${r.scenario.unit}`];
  if (r.scenario.question) lines.push(`question: ${r.scenario.question}`);
  lines.push('provider              Nash p   joint p   survival  median exit  mean profit/period  mean final cash');
  for (const p of s.providers) {
    const nash = r.equilibrium.nash.find((e) => e.provider === p.provider);
    const coll = r.equilibrium.collusive.find((e) => e.provider === p.provider);
    lines.push(
      `${p.provider.padEnd(20)} ${usd(nash?.price ?? null).padStart(8)} ${usd(coll?.price ?? null).padStart(9)} ${pct(p.survivalProbability).padStart(10)} ${String(p.medianExitPeriod ?? '–').padStart(12)} ${usd(p.meanProfitUsdPerPeriod).padStart(19)} ${usd(p.meanFinalCashUsd).padStart(16)}`,
    );
  }
  lines.push(`first exit: ${pct(s.firstExit.probability)} of runs${s.firstExit.medianPeriod !== null ? `, median period ${s.firstExit.medianPeriod}` : ''}`);
  if (s.learning) {
    const l = s.learning;
    lines.push(`Q-learning: ${l.convergedRuns}/${l.runs} sessions converged (mean ${Math.round(l.meanPeriodsToConvergence).toLocaleString('en-US')} periods); profit gain Δ = ${l.meanProfitGain.toFixed(3)} (band ${l.profitGainLow.toFixed(2)}–${l.profitGainHigh.toFixed(2)}); Calvano et al. 2020 report ≈ ${l.paperProfitGain}`);
  }
  for (const c of r.referenceComparison) {
    const change = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}%`);
    lines.push(`reference ${c.provider} ${c.date} (period ${c.period}): real ${usd(c.referencePriceUsd)} (${change(c.referenceChange)}), simulated median ${usd(c.simulatedMedianUsd)} (${change(c.simulatedChange)})`);
  }
  return lines.join('\n');
}

/** Register `costsim simulate`. */
export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command('simulate <scenario>')
    .description('Run the scenario\'s market (Monte Carlo over seeds and parameter distributions): prices, shares, cash, survival odds.')
    .option('--runs <n>', 'Monte Carlo runs (default: the scenario\'s monteCarlo.runs)')
    .option('--seed <s>', 'scenario seed (default: the scenario\'s seed)')
    .option('--periods <n>', 'periods per run (default: the scenario\'s periods)')
    .option('--workers <n>', 'worker processes (default: one per core)')
    .option('--no-rows', 'leave the per-period rows out of --json (summaries only)')
    .option('--json', 'print one JSON object on stdout')
    .action(async (path: string, options: { runs?: string; seed?: string; periods?: string; workers?: string; rows: boolean; json?: boolean }) => {
      const runs = runsFlag(options.runs);
      const periods = periodsFlag(options.periods);
      const workers = positiveInt('--workers', options.workers);
      const seed = positiveInt('--seed', options.seed, -(2 ** 31));
      const loaded = readScenarioFile(path, ctx.cwd);
      if (!loaded.scenario.market) throw new InputError({ file: path, path: 'demand' }, 'this scenario has no market: add demand and providers sections to simulate it');
      const result = await simulateScenario(loaded, ctx, { ...(runs !== undefined ? { runs } : {}), ...(seed !== undefined ? { seed } : {}), ...(periods !== undefined ? { periods } : {}), ...(workers !== undefined ? { workers } : {}) });
      const published = options.rows ? result : { ...result, rows: [], marketRows: [] };
      ctx.out(options.json ? JSON.stringify(published) : formatSimulation(result));
    });
}
