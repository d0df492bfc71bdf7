/**
 * `costsim calibrate <scenario> [--set path=value]... [--json] [--write <file>]`: back μ, qualities and implied
 * marginal costs out of the scenario's `observations` (src/market/calibrate-report.ts), report
 * the out-of-sample check against later reference prices beside the full-fit version, and
 * optionally write a calibrated copy of the scenario (src/scenario/calibrated.ts).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../../errors.ts';
import { calibrationReport, type CalibrationReport, type PredictionCheck } from '../../market/index.ts';
import { calibratedScenarioText } from '../../scenario/index.ts';
import { defaultStorePath } from '../../bench/index.ts';
import { collect, SET_FLAG_HELP, setFlags } from '../flags.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';
import { readScenarioFile, marketInputs } from '../../pipeline/index.ts';

const usd = (x: number | null) => (x === null ? '–' : x.toPrecision(4));

function formatCheck(c: PredictionCheck, unit: string): string[] {
  return [
    `${c.label}:`,
    ...c.rows.map(
      (r) =>
        `  ${r.provider.padEnd(14)} ${r.date} (period ${r.period})  real ${usd(r.referencePriceUsd)}  model ${usd(r.modelPriceUsd)}  error ${usd(r.errorUsd)}`,
    ),
    `  mean absolute error ${usd(c.meanAbsErrorUsd)} USD per ${unit}`,
  ];
}

function formatCalibration(r: CalibrationReport, unit: string): string {
  return [
    `μ = ${r.mu.toPrecision(6)} (${r.muSource}); outside quality ${r.outsideQuality} (the normalisation)${r.sigma !== null ? `; nested logit σ = ${r.sigma.toPrecision(6)} (${r.sigmaSource})` : ''}; prices in USD per ${unit}`,
    `assumption: ${r.identifyingAssumption}`,
    ...r.warnings.map((w) => `warning: ${w}`),
    `observations: ${r.observations.count} (${r.observations.assumed} assumed) in period(s) ${r.observations.periods.join(', ')}; inversion residual (RMS, log share) ${r.fitRmsLogShare.toPrecision(3)}`,
    ...r.providers.map(
      (p) =>
        `  ${p.name.padEnd(14)} quality ${p.quality.toPrecision(6)}  implied marginal cost ${p.impliedMarginalCostUsd.toPrecision(6)} (scenario's ${p.scenarioMarginalCostUsd.toPrecision(4)})`,
    ),
    ...(r.uncalibrated.length > 0 ? [`not observed (scenario values kept): ${r.uncalibrated.join(', ')}`] : []),
    ...(r.outOfSample ? formatCheck(r.outOfSample, unit) : []),
    ...(r.noChange ? formatCheck(r.noChange, unit) : []),
    ...(r.fullFit ? formatCheck(r.fullFit, unit) : []),
  ].join('\n');
}

/** Register `costsim calibrate`. */
export function registerCalibrate(program: Command, ctx: CliContext): void {
  program
    .command('calibrate <scenario>')
    .description(
      "Back μ, qualities and implied marginal costs out of the scenario's observations (Berry 1994 inversion), and check them out of sample against later reference prices.",
    )
    .option(
      '--json',
      'print one JSON object on stdout: { mu, outsideQuality, sigma, sigmaSource, providers: [{ name, quality, impliedMarginalCostUsd }], ... }',
    )
    .option('--write <file>', 'write a calibrated copy of the scenario (fitted values marked "calibrated")')
    .option('--out <file>', 'same as --write')
    .option('--store <path>', "bench record store the scenario's bench entries are read from (default: .costsim/records.jsonl)")
    .option('--train', 'train bench entries missing from the store now (announced on stderr); without it nothing is trained')
    .option('--set <path=value>', SET_FLAG_HELP, collect)
    .action(async (path: string, options: { json?: boolean; write?: string; out?: string; store?: string; train?: boolean; set?: string[] }) => {
      if (options.write !== undefined && options.out !== undefined && options.write !== options.out)
        throw new UsageError('--out', 'give --write or --out (they are the same), not two different files');
      const target = options.write ?? options.out;
      const overrides = setFlags(options.set);
      const { scenario, text } = readScenarioFile(path, ctx.cwd, overrides);
      const storePath = options.store ? resolve(ctx.cwd, options.store) : defaultStorePath(ctx.cwd);
      const { records, plans } = await marketInputs(scenario, path, ctx, { storePath, train: options.train === true });
      const report = calibrationReport(scenario, records, plans, path);
      if (target !== undefined) writeFileAtomic(resolve(ctx.cwd, target), calibratedScenarioText(text, report.fitted, report.provenance.source, overrides));
      ctx.out(options.json ? JSON.stringify(report) : formatCalibration(report, scenario.unit));
    });
}
