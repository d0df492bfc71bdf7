/**
 * Text rendering of a pruning study (pure): a header saying what ran where and at what price,
 * one row per level, and notes that say plainly what the measurements show.
 */
import type { PruneLevel } from './summarize.ts';

/** Header facts shown above the table. */
export interface StudyHeader {
  model: string;
  modelOptions: Record<string, number>;
  backend: string;
  seeds: number[];
  denseSteps: number;
  fineTuneSteps: number;
  schedule: string;
  scope: string;
  device: { id: string; usdPerHour: number; source: string };
  requestsPerMonth: number;
  accuracyFloor?: number;
}

const compact = (x: number): string =>
  Math.abs(x) >= 1e9
    ? `${(x / 1e9).toFixed(2)}G`
    : Math.abs(x) >= 1e6
      ? `${(x / 1e6).toFixed(2)}M`
      : Math.abs(x) >= 1e3
        ? `${(x / 1e3).toFixed(1)}k`
        : x.toFixed(0);
const usd = (x: number): string => (x >= 100 ? `$${x.toFixed(0)}` : `$${x.toPrecision(3)}`);
const verdictMark = { faster: 'faster', slower: 'slower', 'no measurable difference': 'n.s.' } as const;

function pad(cells: string[], widths: number[]): string {
  return cells
    .map((c, i) => c.padEnd(widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

/** Rows of the table, first row the header. */
export function tableRows(levels: readonly PruneLevel[], largeBatch: number): string[][] {
  const head = [
    'mode',
    'sparsity',
    'realised',
    'accuracy',
    'non-zero params',
    'FLOPs/sample dense→eff',
    'latency b1 ms',
    `latency b${largeBatch} ms/sample`,
    'train step ms',
    '$/month dense→pruned',
    'break-even requests',
    'floor',
  ];
  const rows = levels.map((l) => [
    l.mode,
    l.sparsity.toFixed(2),
    l.realisedSparsity.toFixed(3),
    `${l.testAccuracy.toFixed(4)}${l.seeds > 1 ? `±${l.testAccuracyStd.toFixed(4)}` : ''}`,
    `${compact(l.nonZeroParams)}/${compact(l.params)}`,
    `${compact(l.flops.dense)}→${compact(l.flops.effective)}`,
    `${l.latencyMs.batch1.toFixed(3)} ×${l.latencyMs.batch1Ratio.toFixed(2)} (${verdictMark[l.latencyMs.batch1Verdict]})`,
    `${l.latencyMs.batchLarge.toFixed(4)} ×${l.latencyMs.batchLargeRatio.toFixed(2)} (${verdictMark[l.latencyMs.batchLargeVerdict]})`,
    `${l.trainStepMs.pruned.toFixed(0)} vs ${l.trainStepMs.dense.toFixed(0)}`,
    `${usd(l.payoff.monthlyCostUsd.dense)}→${usd(l.payoff.monthlyCostUsd.pruned)}`,
    l.payoff.breakEvenRequests === null ? 'never' : compact(l.payoff.breakEvenRequests),
    l.belowAccuracyFloor ? 'BELOW' : 'ok',
  ]);
  return [head, ...rows];
}

/** Plain statements about what the numbers show, for under the table. */
export function studyNotes(levels: readonly PruneLevel[]): string[] {
  const notes: string[] = [];
  const unstructured = levels.filter((l) => l.mode !== 'structured' && l.sparsity > 0);
  if (unstructured.length > 0) {
    const faster = unstructured.filter((l) => l.latencyMs.batchLargeVerdict === 'faster').length;
    notes.push(
      `Unstructured zeros (magnitude and random): the model keeps its shape and dense kernels still multiply the zeros; ${faster} of ${unstructured.length} levels measured faster. ` +
        'Their FLOPs speed-up ("eff") is modeled: it needs sparse kernels this backend does not have. Break-even uses measured latency only (see payoffModeled in --json for the formula).',
    );
  }
  const structured = levels.filter((l) => l.mode === 'structured' && l.sparsity > 0);
  if (structured.length > 0) {
    const ratios = structured.map((l) => `${l.sparsity}: ×${l.latencyMs.batchLargeRatio.toFixed(2)} ${verdictMark[l.latencyMs.batchLargeVerdict]}`).join(', ');
    notes.push(
      `Structured: whole neurons/filters removed and the model rebuilt smaller, so dense kernels do less work; measured per-sample latency vs dense (${ratios}).`,
    );
  }
  const contended = levels.filter((l) => !l.latencyTimedAlone);
  if (contended.length > 0) {
    notes.push(
      `Latency of ${contended.map((l) => `${l.mode} ${l.sparsity}`).join(', ')} was not timed alone (beside other workers, in a queue worker, or not recorded): see provenance.latencyMs in --json; the other levels were timed with no other costsim worker running.`,
    );
  }
  const stepContended = levels.filter((l) => !l.trainStepTimedAlone);
  if (stepContended.length > 0) {
    notes.push(
      `Training step ms of ${stepContended.map((l) => `${l.mode} ${l.sparsity}`).join(', ')} was not timed alone (beside other workers, in a queue worker, or not recorded): see provenance.trainStepMs in --json.`,
    );
  }
  notes.push(
    'Latency: ×ratio = pruned ÷ dense timed side by side; "faster"/"slower" only when a sign test over all interleaved rounds and seeds rejects "no difference" at 5%, otherwise n.s. and no saving is counted. $/month uses one pooled dense latency × each ratio.',
  );
  return notes;
}

/** The whole text output. */
export function formatStudy(header: StudyHeader, levels: readonly PruneLevel[], problems: string[]): string {
  const opts = Object.entries(header.modelOptions)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const lines = [
    `pruning study: ${header.model}${opts ? ` (${opts})` : ''} on the ${header.backend} backend; seeds ${header.seeds.join(',')}; dense ${header.denseSteps} steps, then fine-tune ${header.fineTuneSteps} steps; schedule ${header.schedule}, threshold ${header.scope}`,
    `priced on ${header.device.id} at $${header.device.usdPerHour}/h (${header.device.source}); volume ${header.requestsPerMonth.toLocaleString('en-US')} requests/month${header.accuracyFloor !== undefined ? `; accuracy floor ${header.accuracyFloor}` : ''}`,
    '',
  ];
  const largeBatch = levels[0]?.latencyMs.largeBatchSize ?? 0;
  const rows = tableRows(levels, largeBatch);
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const row of rows) lines.push(pad(row, widths));
  lines.push('');
  for (const note of studyNotes(levels)) lines.push(`note: ${note}`);
  for (const problem of problems) lines.push(`problem: ${problem}`);
  return lines.join('\n');
}
