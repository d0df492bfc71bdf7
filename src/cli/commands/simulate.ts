/**
 * `costsim simulate <scenario> [--runs N] [--seed S] [--periods N] [--workers N] [--queue URL] [--sweep key=v1,v2,... | --sensitivity [--out dir]] [--no-rows] [--json]`:
 * Monte Carlo runs of the scenario's market (src/pipeline/simulate.ts) in worker processes (one
 * per core), merged in run order, so the output is byte-identical whatever the worker count.
 */
import { join, relative, resolve } from 'node:path';
import { checkReportTarget, gridSweepTable } from '../../report/index.ts';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { InputError, UsageError } from '../../errors.ts';
import type { SimulationResult } from '../../market/index.ts';
import { defaultStorePath } from '../../bench/index.ts';
import { resolveQueueUrl } from '../../sweep/index.ts';
import {
  checkSimulationSize,
  readScenarioFile,
  simulateScenario,
  runGridSweep,
  writeGridReport,
  runSensitivity,
  writeSensitivityReport,
  reportDirName,
  type GridSweepResult,
  type SensitivityResult,
  marketInputs,
} from '../../pipeline/index.ts';
import { parseSweepAxes } from '../../scenario/index.ts';
import { commandProgress } from '../progress.ts';
import { collect, periodsFlag, positiveInt, runsFlag, SET_FLAG_HELP, setFlags } from '../flags.ts';

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
    lines.push(
      `Q-learning: ${l.convergedRuns}/${l.runs} sessions converged (mean ${Math.round(l.meanPeriodsToConvergence).toLocaleString('en-US')} periods); profit gain Δ = ${l.meanProfitGain.toFixed(3)} (band ${l.profitGainLow.toFixed(2)}–${l.profitGainHigh.toFixed(2)}); Calvano et al. 2020 report ≈ ${l.paperProfitGain}`,
    );
    // The impulse response (a forced one-period deviation by the first agent): did the others punish, and did play return?
    const responses = r.learning.map((x) => x.impulseResponse);
    const punished = responses.filter((ir) =>
      ir.pricesUsd.slice(1, 4).some((p) => p.some((price, i) => i !== ir.deviator && price < ir.preDeviationPricesUsd[i]!)),
    ).length;
    const returned = responses.filter((ir) => ir.periodsToReturn !== null && ir.periodsToReturn <= 10).length;
    lines.push(
      `impulse response (agent 1 forced to deviate for one period): a rival's price fell within 3 periods in ${punished}/${responses.length} sessions; play back on the limit cycle within 10 periods in ${returned}/${responses.length} (learning[].impulseResponse, impulseRows in --json)`,
    );
  }
  for (const c of r.referenceComparison) {
    const change = (x: number | null) => (x === null ? '–' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}%`);
    lines.push(
      `reference ${c.provider} ${c.date} (period ${c.period}): real ${usd(c.referencePriceUsd)} (${change(c.referenceChange)}), simulated median ${usd(c.simulatedMedianUsd)} (${change(c.simulatedChange)})`,
    );
  }
  return lines.join('\n');
}

/** Human-readable table of a grid sweep: one line per grid point × provider. */
export function formatGridSweep(r: GridSweepResult, dir: string): string {
  const names = r.axes.map((a) => a.name);
  const lines = [
    `${r.scenario.name}: grid sweep, ${r.axes.map((a) => a.values.length).join(' × ')} points × ${r.scenario.runs} run(s) × ${r.scenario.periods} periods (seed ${r.scenario.seed}); prices in USD per ${r.scenario.unit}`,
  ];
  lines.push(`${names.map((n) => n.padStart(14)).join(' ')}  provider              survival  mean final p  mean profit/period`);
  for (const row of r.rows) {
    lines.push(
      `${names.map((n) => String(row.parameters[n]).padStart(14)).join(' ')}  ${row.provider.padEnd(20)} ${pct(row.survivalProbability).padStart(9)} ${usd(row.meanFinalPriceUsd).padStart(13)} ${usd(row.meanProfitUsdPerPeriod).padStart(19)}`,
    );
  }
  lines.push(`report: ${dir}/index.html (tornado chart market-sensitivity.svg; tidy rows in market-sensitivity.csv)`);
  return lines.join('\n');
}

/** Human-readable table of a sensitivity analysis: each input's p10/p90, one line per input level × provider, then the warnings. */
export function formatSensitivity(r: SensitivityResult, dir: string): string {
  const lines = [
    `${r.scenario.name}: sensitivity to ${r.inputs.length} uncertain input(s), each at its p10 and p90 with the others central; ${r.scenario.runs} run(s) × ${r.scenario.periods} periods per setting (seed ${r.scenario.seed}); prices in USD per ${r.scenario.unit}`,
  ];
  for (const i of r.inputs)
    lines.push(
      `input ${i.name}: ${i.kind === 'measured' ? `measured timing factor of bench "${i.bench}", lognormal(median 1, σ ${i.dist.dist === 'lognormal' ? i.dist.sigma.toPrecision(3) : '?'})` : i.dist.dist}, p10 ${usd(i.low)}, central ${usd(i.central)}, p90 ${usd(i.high)}`,
    );
  lines.push(`${'input'.padEnd(24)} level    ${'value'.padStart(10)}  provider              survival  mean final p  mean profit/period`);
  for (const row of r.rows) {
    lines.push(
      `${(row.input ?? '(all central)').padEnd(24)} ${row.level.padEnd(8)} ${usd(row.value).padStart(10)}  ${row.provider.padEnd(20)} ${pct(row.survivalProbability).padStart(9)} ${usd(row.meanFinalPriceUsd).padStart(13)} ${usd(row.meanProfitUsdPerPeriod).padStart(19)}`,
    );
  }
  lines.push(
    r.warnings.length === 0 ? "no sign or rank changes within any input's range" : `${r.warnings.length} warning(s) (also on stderr and in the report summary)`,
  );
  lines.push(`report: ${dir}/index.html (tornado chart market-input-sensitivity.svg; tidy rows in market-input-sensitivity.csv)`);
  return lines.join('\n');
}

/** Register `costsim simulate`. */
export function registerSimulate(program: Command, ctx: CliContext): void {
  program
    .command('simulate <scenario>')
    .description("Run the scenario's market (Monte Carlo over seeds and parameter distributions): prices, shares, cash, survival odds.")
    .option('--runs <n>', "Monte Carlo runs (default: the scenario's monteCarlo.runs)")
    .option('--seed <s>', "scenario seed (default: the scenario's seed)")
    .option('--periods <n>', "periods per run (default: the scenario's periods)")
    .option('--workers <n>', 'worker processes (default: one per core)')
    .option(
      '--queue <url>',
      'run the Monte Carlo runs on a Redis job queue, redis://host:port[/db], served by `costsim worker` (default: COSTSIM_QUEUE; else local workers)',
    )
    .option(
      '--sweep <key=v1,v2,...>',
      'grid sweep over a scenario number, e.g. demand.mu=0.1,0.25 or providers[1].cash=1e6,5e6; repeat for more axes (the grid is their product); writes a report with a tornado chart',
      collect,
      [] as string[],
    )
    .option(
      '--sensitivity',
      'set each number the scenario gives as a distribution to its 10th and 90th percentile (the others central) and report how survival, final prices and profits move: tornado chart, tidy rows, and a warning when a profit changes sign or a price or survival order changes',
    )
    .option('--out <dir>', 'report directory of a --sweep or --sensitivity (default: reports/<scenario-name>-sweep or -sensitivity)')
    .option('--no-rows', 'leave the per-period rows out of --json (summaries only)')
    .option('--store <path>', "bench record store the scenario's bench entries are read from (default: .costsim/records.jsonl)")
    .option('--train', 'train bench entries missing from the store now (announced on stderr); without it nothing is trained')
    .option('--set <path=value>', SET_FLAG_HELP, collect)
    .option('--json', 'print one JSON object on stdout')
    .option('--quiet', 'no progress on stderr (by default: a bar on a terminal, else a line per phase and one at least every 10 s)')
    .action(
      async (
        path: string,
        options: {
          runs?: string;
          seed?: string;
          periods?: string;
          workers?: string;
          queue?: string;
          rows: boolean;
          json?: boolean;
          store?: string;
          train?: boolean;
          set?: string[];
          quiet?: boolean;
          sweep: string[];
          sensitivity?: boolean;
          out?: string;
        },
      ) => {
        const runs = runsFlag(options.runs);
        const periods = periodsFlag(options.periods);
        const workers = positiveInt('--workers', options.workers);
        const queue = resolveQueueUrl(options.queue, ctx.env);
        const seed = positiveInt('--seed', options.seed, -(2 ** 31));
        const axes = options.sweep.length > 0 ? parseSweepAxes(options.sweep) : undefined;
        if (axes && options.sensitivity) throw new UsageError('--sensitivity', 'cannot be combined with --sweep; run them separately');
        const loaded = readScenarioFile(path, ctx.cwd, setFlags(options.set));
        const { scenario } = loaded;
        if (!scenario.market)
          throw new InputError({ file: path, path: 'demand' }, 'this scenario has no market: add demand and providers sections to simulate it');
        const overrides = {
          ...(runs !== undefined ? { runs } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(periods !== undefined ? { periods } : {}),
          ...(workers !== undefined ? { workers } : {}),
          ...(queue ? { queue } : {}),
        };
        checkSimulationSize(scenario, overrides);
        const storePath = options.store ? resolve(ctx.cwd, options.store) : defaultStorePath(ctx.cwd);
        const { records, plans } = await marketInputs(scenario, path, ctx, { storePath, train: options.train === true });
        if (options.sensitivity) {
          const dir = resolve(ctx.cwd, options.out ?? join('reports', `${reportDirName(scenario.name)}-sensitivity`));
          checkReportTarget(dir, (note) => ctx.err(`costsim: ${note}`));
          const result = await runSensitivity(loaded, ctx, { ...overrides, records, plans });
          for (const w of result.warnings) ctx.err(`costsim: warning: ${w.message}`);
          const written = await writeSensitivityReport(dir, result, scenario, path, ctx);
          const shown = relative(ctx.cwd, written.dir) || '.';
          ctx.out(options.json ? JSON.stringify({ ...result, dir: written.dir }) : formatSensitivity(result, shown));
          return;
        }
        if (axes) {
          const dir = resolve(ctx.cwd, options.out ?? join('reports', `${reportDirName(scenario.name)}-sweep`));
          checkReportTarget(dir, (note) => ctx.err(`costsim: ${note}`));
          const grid = await runGridSweep(loaded, axes, ctx, { ...overrides, records, plans });
          const written = await writeGridReport(dir, grid, scenario, path, ctx);
          const shown = relative(ctx.cwd, written.dir) || '.';
          ctx.out(options.json ? JSON.stringify({ ...grid, rows: gridSweepTable(grid.rows), dir: written.dir }) : formatGridSweep(grid, shown));
          return;
        }
        const progress = commandProgress(ctx, options);
        const runCount = runs ?? scenario.monteCarlo.runs;
        progress.plan(['market']);
        progress.phase(
          'market',
          runCount,
          `${runCount} Monte Carlo runs × ${periods ?? scenario.periods} periods × ${scenario.market.providers.length} providers`,
        );
        const result = await simulateScenario(loaded, { ...ctx, progress }, { ...overrides, records, plans }).finally(() => progress.done());
        const published = options.rows ? result : { ...result, rows: [], marketRows: [] };
        ctx.out(options.json ? JSON.stringify(published) : formatSimulation(result));
      },
    );
}
