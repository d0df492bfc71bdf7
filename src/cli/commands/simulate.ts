/**
 * `costsim simulate <scenario> [--runs N] [--seed S] [--periods N] [--workers N] [--queue URL] [--no-rows] [--json]`:
 * Monte Carlo runs of the scenario's market (src/pipeline/simulate.ts) in worker processes (one
 * per core), merged in run order, so the output is byte-identical whatever the worker count.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { InputError } from '../../errors.ts';
import type { SimulationResult } from '../../market/index.ts';
import { defaultStorePath } from '../../bench/index.ts';
import { resolveWorkerCount, resolveQueueUrl } from '../../sweep/index.ts';
import { checkSimulationSize, scenarioRecords, planCosts, planScenario, readScenarioFile, referencedPlacements, scenarioServingCosts, simulateScenario } from '../../pipeline/index.ts';
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
    lines.push(`Q-learning: ${l.convergedRuns}/${l.runs} sessions converged (mean ${Math.round(l.meanPeriodsToConvergence).toLocaleString('en-US')} periods); profit gain Δ = ${l.meanProfitGain.toFixed(3)} (band ${l.profitGainLow.toFixed(2)}–${l.profitGainHigh.toFixed(2)}); Calvano et al. 2020 report ≈ ${l.paperProfitGain}`);
    // The impulse response (a forced one-period deviation by the first agent): did the others punish, and did play return?
    const responses = r.learning.map((x) => x.impulseResponse);
    const punished = responses.filter((ir) => ir.pricesUsd.slice(1, 4).some((p) => p.some((price, i) => i !== ir.deviator && price < ir.preDeviationPricesUsd[i]!))).length;
    const returned = responses.filter((ir) => ir.periodsToReturn !== null && ir.periodsToReturn <= 10).length;
    lines.push(`impulse response (agent 1 forced to deviate for one period): a rival's price fell within 3 periods in ${punished}/${responses.length} sessions; play back on the limit cycle within 10 periods in ${returned}/${responses.length} (learning[].impulseResponse, impulseRows in --json)`);
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
    .option('--queue <url>', 'run the Monte Carlo runs on a Redis job queue, redis://host:port[/db], served by `costsim worker` (default: COSTSIM_QUEUE; else local workers)')
    .option('--no-rows', 'leave the per-period rows out of --json (summaries only)')
    .option('--store <path>', 'bench record store the scenario\'s bench entries are read from (default: .costsim/records.jsonl)')
    .option('--train', 'train bench entries missing from the store now (announced on stderr); without it nothing is trained')
    .option('--set <path=value>', SET_FLAG_HELP, collect)
    .option('--json', 'print one JSON object on stdout')
    .option('--quiet', 'no progress on stderr (by default: a bar on a terminal, else a line per phase and one at least every 10 s)')
    .action(async (path: string, options: { runs?: string; seed?: string; periods?: string; workers?: string; queue?: string; rows: boolean; json?: boolean; store?: string; train?: boolean; set?: string[]; quiet?: boolean }) => {
      const runs = runsFlag(options.runs);
      const periods = periodsFlag(options.periods);
      const workers = positiveInt('--workers', options.workers);
      const queue = resolveQueueUrl(options.queue, ctx.env);
      const seed = positiveInt('--seed', options.seed, -(2 ** 31));
      const loaded = readScenarioFile(path, ctx.cwd, setFlags(options.set));
      const { scenario } = loaded;
      if (!scenario.market) throw new InputError({ file: path, path: 'demand' }, 'this scenario has no market: add demand and providers sections to simulate it');
      const overrides = { ...(runs !== undefined ? { runs } : {}), ...(seed !== undefined ? { seed } : {}), ...(periods !== undefined ? { periods } : {}), ...(workers !== undefined ? { workers } : {}), ...(queue ? { queue } : {}) };
      checkSimulationSize(scenario, overrides);
      const records = await scenarioRecords(scenario, path, ctx, { storePath: options.store ? resolve(ctx.cwd, options.store) : defaultStorePath(ctx.cwd), workers: resolveWorkerCount(undefined, ctx.env), train: options.train === true });
      const plans = new Map([...planCosts(scenario, await planScenario(scenario, path, { env: ctx.env, only: referencedPlacements(scenario) }), path), ...(await scenarioServingCosts(scenario, path, { env: ctx.env }))]);
      const progress = commandProgress(ctx, options);
      const runCount = runs ?? scenario.monteCarlo.runs;
      progress.plan(['market']);
      progress.phase('market', runCount, `${runCount} Monte Carlo runs × ${periods ?? scenario.periods} periods × ${scenario.market.providers.length} providers`);
      const result = await simulateScenario(loaded, { ...ctx, progress }, { ...overrides, records, plans }).finally(() => progress.done());
      const published = options.rows ? result : { ...result, rows: [], marketRows: [] };
      ctx.out(options.json ? JSON.stringify(published) : formatSimulation(result));
    });
}
