/** `costsim report <dir> [--json]`: re-render a report directory from its saved results.json. */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { readResults, RESULTS_FILE, writeReport, type WrittenReport } from '../../report/index.ts';
import { COSTSIM_VERSION, reportSummaryLines } from '../report-output.ts';
import { commandProgress } from '../progress.ts';

/** Re-render `dir` in place (atomically) from `<dir>/results.json`. */
export async function rerenderReport(dir: string, ctx: CliContext, options: { xlsx?: boolean; quiet?: boolean } = {}): Promise<WrittenReport> {
  const results = readResults(join(dir, RESULTS_FILE));
  const progress = commandProgress(ctx, options);
  progress.plan(['report']);
  progress.phase('report', 0, `rendering charts to ${dir}`);
  const onChart = (chart: { id: string }, index: number, total: number) => {
    if (index === 0) progress.setTotal(total);
    progress.advance(chart.id);
  };
  return writeReport(dir, results, {
    now: new Date(),
    costsimVersion: COSTSIM_VERSION,
    ...(options.xlsx ? { xlsx: true } : {}),
    onChart,
    onNotice: (note) => ctx.err(`costsim: ${note}`),
  }).finally(() => progress.done());
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description('Re-render a report directory (charts, PNG/SVG, CSV, index.html) from its saved results.json, without re-running anything.')
    .argument('<dir>', 'a report directory written by `costsim run`, e.g. reports/default')
    .option('--xlsx', "also write report.xlsx: one workbook, a sheet per chart's data and one of the assumptions")
    .option('--quiet', 'no progress on stderr')
    .option('--json', 'print one JSON object on stdout')
    .action(async (dir: string, options: { json?: boolean; xlsx?: boolean; quiet?: boolean }) => {
      const written = await rerenderReport(resolve(ctx.cwd, dir), ctx, { ...(options.xlsx ? { xlsx: true } : {}), ...(options.quiet ? { quiet: true } : {}) });
      if (options.json) ctx.out(JSON.stringify({ dir: written.dir, charts: written.charts.map((c) => c.id), files: written.artefacts.length }));
      else ctx.out(reportSummaryLines(written, ctx.cwd).join('\n'));
    });
}
