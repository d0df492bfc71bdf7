/** What `costsim run` and `costsim report` print: progress on a TTY, then where the report is. */
import { relative } from 'node:path';
import type { CliContext } from './context.ts';
import type { BuiltChart, WrittenReport } from '../report/index.ts';

export { COSTSIM_VERSION } from '../version.ts';

/** A per-chart progress callback writing to stderr, or undefined when stderr is not a terminal. */
export function reportProgress(ctx: CliContext): ((chart: BuiltChart, index: number, total: number) => void) | undefined {
  if (!ctx.isTTY) return undefined;
  return (chart, index, total) => ctx.err(`  rendered ${index + 1}/${total}: ${chart.id}`);
}

/** Human-readable lines naming the report directory, its page and its charts. */
export function reportSummaryLines(written: WrittenReport, cwd = process.cwd()): string[] {
  const dir = relative(cwd, written.dir) || '.';
  return [
    `report: ${dir}/index.html (${written.charts.length} charts, ${written.artefacts.length} files; data and provenance in ${dir}/report.json)`,
    ...written.charts.map((c) => `  ${c.id.padEnd(24)} ${c.title} [${c.provenance.join(', ')}]`),
  ];
}
