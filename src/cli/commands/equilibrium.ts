/**
 * `costsim equilibrium <scenario> [--json]`: one-shot Bertrand–Nash and joint-profit prices of
 * the scenario's market at period-0 costs (distributions at their central values), and
 * Cournot quantities under linear demand.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { InputError } from '../../errors.ts';
import { equilibriumReport, type EquilibriumReport } from '../../market/index.ts';
import { defaultStorePath } from '../../bench/index.ts';
import { collect, SET_FLAG_HELP, setFlags } from '../flags.ts';
import { readScenarioFile, marketInputs } from '../../pipeline/index.ts';

function formatEquilibrium(r: EquilibriumReport, unit: string): string {
  const rows = (label: string, list: EquilibriumReport['nash']) => [
    `${label}:`,
    ...list.map((e) => `  ${e.provider.padEnd(20)} price ${e.price.toFixed(6)}  share ${e.consumerShare.toFixed(4)}  profit ${e.profit.toPrecision(6)}`),
  ];
  return [
    `prices in USD per ${unit}, profits in USD per period (the market as simulated: price-elastic size and capacity limits included)`,
    // A refused Nash has no rows: its reason stands in for the table.
    ...(r.nashRefused ? [`Bertrand–Nash refused: ${r.nashRefused}`] : rows('Bertrand–Nash', r.nash)),
    ...rows('joint profit (collusive)', r.collusive),
    ...(r.cournot ? rows('Cournot', r.cournot) : []),
    'marginal costs:',
    ...r.costs.map((c) => `  ${c.provider.padEnd(20)} ${c.marginalCostUsd.toPrecision(6)} (${c.costProvenance.kind}: ${c.costProvenance.source})`),
  ].join('\n');
}

/** Register `costsim equilibrium`. */
export function registerEquilibrium(program: Command, ctx: CliContext): void {
  program
    .command('equilibrium <scenario>')
    .description("Nash and joint-profit (collusive) prices of the scenario's market; Cournot under linear demand.")
    .option('--json', 'print one JSON object on stdout: { nash: [{ provider, price, consumerShare, profit }], collusive: [...] }')
    .option('--store <path>', "bench record store the scenario's bench entries are read from (default: .costsim/records.jsonl)")
    .option('--train', 'train bench entries missing from the store now (announced on stderr); without it nothing is trained')
    .option('--set <path=value>', SET_FLAG_HELP, collect)
    .action(async (path: string, options: { json?: boolean; store?: string; train?: boolean; set?: string[] }) => {
      const { scenario } = readScenarioFile(path, ctx.cwd, setFlags(options.set));
      if (!scenario.market) throw new InputError({ file: path, path: 'demand' }, 'this scenario has no market: add demand and providers sections');
      const storePath = options.store ? resolve(ctx.cwd, options.store) : defaultStorePath(ctx.cwd);
      const { records, plans } = await marketInputs(scenario, path, ctx, { storePath, train: options.train === true });
      const report = equilibriumReport(scenario, records, plans);
      ctx.out(options.json ? JSON.stringify(report) : formatEquilibrium(report, scenario.unit));
    });
}
