/**
 * `costsim compare <a> <b> [--json] [--out DIR]`: two scenarios' key numbers side by side, with
 * per-provider survival, final price, share, cash and Nash price and their differences (b − a),
 * and an HTML page (reports/compare-<a>-vs-<b>/ unless --out says otherwise) with both scenarios'
 * price, share, survival and cash series in the same charts. Each side is a report directory (its
 * results.json is read; nothing runs) or a scenario file (run as `costsim run` would, into
 * reports/<name>/, then read).
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { reportDirName, runScenario } from '../../pipeline/index.ts';
import {
  compareResults,
  comparisonCharts,
  formatComparedNumber,
  formatRelativeChange,
  readResults,
  RESULTS_FILE,
  writeComparisonReport,
  type Comparison,
  type ReportResults,
} from '../../report/index.ts';
import { COSTSIM_VERSION } from '../../version.ts';
import { commandProgress } from '../progress.ts';
import { positiveInt } from '../flags.ts';

/** The comparison as text: key numbers, then one row per provider and metric. */
export function formatComparison(c: Comparison): string {
  const pad = (s: string, n: number) => s.padEnd(n);
  const width = Math.max(10, ...c.keyNumbers.map((k) => k.label.length));
  const widthA = Math.max(1, ...c.keyNumbers.map((k) => (k.a ?? '–').length));
  const lines = [`a: ${c.a.name}${c.a.question ? ` (${c.a.question})` : ''}`, `b: ${c.b.name}${c.b.question ? ` (${c.b.question})` : ''}`, ''];
  if (c.keyNumbers.length > 0) {
    lines.push(`${pad('key number', width)}  ${pad('a', widthA)}  b`);
    for (const k of c.keyNumbers) lines.push(`${pad(k.label, width)}  ${pad(k.a ?? '–', widthA)}  ${k.b ?? '–'}`);
    lines.push('');
  }
  if (c.numbers.length > 0) {
    lines.push(`${pad('provider', 20)}  ${pad('metric', 20)}  ${'a'.padStart(11)}  ${'b'.padStart(11)}  ${'b − a'.padStart(11)}  change   unit`);
    for (const n of c.numbers)
      lines.push(
        `${pad(n.provider, 20)}  ${pad(n.metric, 20)}  ${formatComparedNumber(n.a).padStart(11)}  ${formatComparedNumber(n.b).padStart(11)}  ${formatComparedNumber(n.difference).padStart(11)}  ${formatRelativeChange(n.relativeDifference).padEnd(7)}  ${n.unit}`,
      );
  }
  return lines.join('\n');
}

/** Register `costsim compare`. */
export function registerCompare(program: Command, ctx: CliContext): void {
  program
    .command('compare')
    .description(
      'Set two scenarios side by side: key numbers, and per provider survival, final price, share, cash and Nash price with the differences (b − a).',
    )
    .argument('<a>', 'a report directory (with results.json) or a scenario YAML file (run first, as `costsim run` would)')
    .argument('<b>', 'the same for the second side')
    .option('--runs <n>', 'Monte Carlo runs for a side given as a scenario (default: its monteCarlo.runs)')
    .option('--workers <n>', 'worker processes for a side given as a scenario (default: one per core)')
    .option('--quiet', 'no progress on stderr while a scenario runs')
    .option('--out <dir>', 'where to write the comparison page (default: reports/compare-<a>-vs-<b>/, named after the scenarios)')
    .option('--no-page', 'print the comparison only; write no page')
    .option(
      '--json',
      'print one JSON object on stdout: { a, b, keyNumbers: [{ label, a, b }], numbers: [{ provider, metric, unit, a, b, difference, relativeDifference }] }',
    )
    .action(async (a: string, b: string, options: { runs?: string; workers?: string; quiet?: boolean; json?: boolean; out?: string; page: boolean }) => {
      const runs = positiveInt('--runs', options.runs);
      const workers = positiveInt('--workers', options.workers);
      const load = async (given: string): Promise<ReportResults> => {
        const path = resolve(ctx.cwd, given);
        if (existsSync(path) && statSync(path).isDirectory()) return readResults(join(path, RESULTS_FILE));
        const progress = commandProgress(ctx, options);
        const written = await runScenario(
          given,
          { ...ctx, progress },
          { ...(runs !== undefined ? { runs } : {}), ...(workers !== undefined ? { workers } : {}) },
        ).finally(() => progress.done());
        return readResults(join(written.dir, RESULTS_FILE));
      };
      const left = await load(a);
      const right = await load(b);
      const comparison = compareResults(left, right);
      ctx.out(options.json ? JSON.stringify(comparison) : formatComparison(comparison));
      if (!options.page) return;
      // Two scenarios of the same name are told apart by their side.
      const sides =
        left.scenario.name === right.scenario.name
          ? { a: `a: ${left.scenario.name}`, b: `b: ${right.scenario.name}` }
          : { a: left.scenario.name, b: right.scenario.name };
      const dir = resolve(ctx.cwd, options.out ?? join('reports', `compare-${reportDirName(left.scenario.name)}-vs-${reportDirName(right.scenario.name)}`));
      const written = await writeComparisonReport(dir, comparison, sides, comparisonCharts(left, right, comparison, sides), {
        now: new Date(),
        costsimVersion: COSTSIM_VERSION,
        onNotice: (m) => ctx.err(m),
      });
      if (!options.quiet) ctx.err(`compare: wrote ${join(written.dir, 'index.html')} (${written.charts.length} charts)`);
    });
}
