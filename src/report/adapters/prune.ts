/**
 * A pruning study (bench/prune records and their per-level summary) → the three pruning
 * charts' rows and headline numbers. Pure.
 */
import type { PruneRecord } from '../../bench/prune/record.ts';
import type { PruneLevel } from '../../bench/prune/summarize.ts';
import type { Payoff } from '../../bench/prune/payoff.ts';
import type { PruneMethod } from '../../bench/prune/experiment.ts';
import type { KeyNumber, PruningAccuracyRow, PruningComputeRow, PruningPayoffRow, ProvenanceKind } from '../rows.ts';
import { sig6 } from './market.ts';

/** One requested cell of a study with the record that answered it. */
export interface PruneCell {
  method: PruneMethod;
  sparsity: number;
  seed: number;
  record: PruneRecord;
}

/** One point per method × sparsity × seed: measured test accuracy after fine-tuning. */
export function pruningAccuracyRows(cells: readonly PruneCell[]): PruningAccuracyRow[] {
  return cells.map((c) => ({
    method: c.method,
    sparsity: c.sparsity,
    seed: c.seed,
    testAccuracy: sig6(c.record.prune.testAccuracy),
    provenance: 'measured' as const,
  }));
}

/**
 * Per sparsity, relative to the dense parent: dense FLOPs as executed and effective FLOPs
 * (counted, modeled), latency at batch 1 and at the large batch and the time of one training
 * step (measured, interleaved with the fine-tuned dense control), each timed row saying whether
 * it was timed alone (`timedAlone`). Random pruning has the same FLOPs as magnitude pruning, so
 * it is left out here.
 */
export function pruningComputeRows(levels: readonly PruneLevel[]): PruningComputeRow[] {
  const modes = [...new Set(levels.filter((l) => l.mode !== 'random').map((l) => l.mode))];
  const tag = (text: string, mode: string) => (modes.length > 1 ? `${text} (${mode})` : text);
  return levels
    .filter((l) => l.mode !== 'random')
    .flatMap((l) => {
      const row = (series: string, value: number, unit: string, dense: number, provenance: ProvenanceKind, timedAlone?: boolean): PruningComputeRow => ({
        sparsity: l.sparsity,
        series: tag(series, l.mode),
        value: sig6(value),
        unit,
        relativeToDense: sig6(dense > 0 ? value / dense : Number.NaN),
        ...(timedAlone !== undefined ? { timedAlone } : {}),
        provenance,
      });
      return [
        row('FLOPs as executed', l.flops.dense, 'FLOPs per sample', l.flops.denseParent, 'modeled'),
        row('effective FLOPs (non-zero weights)', l.flops.effective, 'FLOPs per sample', l.flops.denseParent, 'modeled'),
        row('latency, batch 1', l.latencyMs.batch1, 'ms per sample', l.latencyMs.denseBatch1, 'measured', l.latencyTimedAlone),
        row(
          `latency, batch ${l.latencyMs.largeBatchSize}`,
          l.latencyMs.batchLarge,
          'ms per sample',
          l.latencyMs.denseBatchLarge,
          'measured',
          l.latencyTimedAlone,
        ),
        row('training step', l.trainStepMs.pruned, 'ms per Adam step', l.trainStepMs.dense, 'measured', l.trainStepTimedAlone),
      ];
    })
    .filter((r) => Number.isFinite(r.relativeToDense));
}

/** Request volumes to draw payoff lines over: 4 per decade, from 10² to 10× the largest break-even (10⁹ when none). */
export function volumeGrid(breakEvens: readonly number[]): number[] {
  const top = breakEvens.length > 0 ? Math.min(12, Math.ceil(Math.log10(Math.max(...breakEvens))) + 1) : 9;
  const grid: number[] = [];
  for (let e = 2; e <= Math.max(top, 3); e += 0.25) grid.push(Number((10 ** e).toPrecision(3)));
  return grid;
}

/**
 * Net savings over the volume grid for each pruned level (not random, not sparsity 0), once from
 * the measured latency and once from the FLOPs ratio (what an ideal sparse kernel would give).
 */
export function pruningPayoffRows(levels: readonly PruneLevel[]): PruningPayoffRow[] {
  const pruned = levels.filter((l) => l.mode !== 'random' && l.sparsity > 0);
  // Both lines price the study's dense seconds per request, pooled over every level (summarize.ts).
  const latencyTimedAlone = levels.every((l) => l.latencyTimedAlone);
  // Same colour per level; the line width tells the measured-latency line from the FLOPs-ratio one. Both are
  // dollars from a formula (seconds × $/hour of a catalogue device), so both are modeled.
  const variants = pruned.flatMap((l) => [
    { label: `${l.mode} ${Math.round(100 * l.sparsity)}%`, payoff: l.payoff, savingFrom: 'measured latency' as const },
    { label: `${l.mode} ${Math.round(100 * l.sparsity)}%`, payoff: l.payoffModeled, savingFrom: 'FLOPs ratio' as const },
  ]);
  const grid = volumeGrid(variants.flatMap((v) => (v.payoff.breakEvenRequests === null ? [] : [v.payoff.breakEvenRequests])));
  const perRequest = (p: Payoff) => (p.requestsPerMonth > 0 ? p.monthlySavingUsd / p.requestsPerMonth : 0);
  return variants.flatMap((v) =>
    grid.map((requests) => ({
      label: v.label,
      requests,
      netSavingsUsd: sig6(requests * perRequest(v.payoff) - v.payoff.oneOffCostUsd),
      breakEvenRequests: v.payoff.breakEvenRequests,
      savingFrom: v.savingFrom,
      latencyTimedAlone,
      provenance: 'modeled' as const,
    })),
  );
}

/** Headline pruning numbers: accuracy kept at the highest sparsity, and whether latency followed. */
export function pruneKeyNumbers(levels: readonly PruneLevel[]): KeyNumber[] {
  const magnitude = levels.filter((l) => l.mode !== 'random' && l.sparsity > 0).sort((a, b) => b.sparsity - a.sparsity)[0];
  if (!magnitude) return [];
  const random = levels.find((l) => l.mode === 'random' && l.sparsity === magnitude.sparsity);
  const pctPoints = (x: number) => `${(100 * x).toFixed(1)}%`;
  const out: KeyNumber[] = [
    {
      label: `${magnitude.mode} pruning at ${Math.round(100 * magnitude.sparsity)}% sparsity: test accuracy (dense ${pctPoints(magnitude.denseTestAccuracy)})`,
      value: `${pctPoints(magnitude.testAccuracy)} ± ${pctPoints(magnitude.testAccuracyStd)}`,
      provenance: 'measured',
      source: `${magnitude.seeds} seed(s)${random ? `; random pruning: ${pctPoints(random.testAccuracy)}` : ''}`,
    },
    {
      label: `latency at batch ${magnitude.latencyMs.largeBatchSize} vs dense (${magnitude.latencyMs.batchLargeVerdict})`,
      value: `${magnitude.latencyMs.batchLarge.toPrecision(3)} vs ${magnitude.latencyMs.denseBatchLarge.toPrecision(3)} ms per sample`,
      provenance: 'measured',
      source: `effective FLOPs ${(100 * (magnitude.flops.effective / magnitude.flops.denseParent)).toFixed(0)}% of dense (modeled); ${
        magnitude.latencyTimedAlone
          ? 'timed alone (no other costsim worker running)'
          : 'not every seed timed alone (beside other costsim workers, in a queue worker, or not recorded)'
      }`,
    },
  ];
  const p = magnitude.payoff;
  out.push({
    label: 'break-even volume of that pruning run (from measured latency)',
    value: p.breakEvenRequests === null ? 'never' : `${p.breakEvenRequests.toLocaleString('en-US')} requests`,
    provenance: 'modeled',
    source: p.noBreakEvenReason ?? p.provenance['breakEvenRequests']?.source,
  });
  return out;
}
