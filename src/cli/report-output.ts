/** What `costsim run` and `costsim report` print when done: where the report is (progress: ./progress.ts). */
import { relative } from 'node:path';
import type { WrittenReport } from '../report/index.ts';

export { COSTSIM_VERSION } from '../version.ts';

/** Human-readable lines naming the report directory, its page and its charts. */
export function reportSummaryLines(written: WrittenReport, cwd = process.cwd()): string[] {
  const dir = relative(cwd, written.dir) || '.';
  return [
    `report: ${dir}/index.html (${written.charts.length} charts, ${written.artefacts.length} files; data and provenance in ${dir}/report.json)`,
    ...written.charts.map((c) => `  ${c.id.padEnd(24)} ${c.title} [${c.provenance.join(', ')}]`),
  ];
}
