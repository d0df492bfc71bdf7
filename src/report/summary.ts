/**
 * The written summary at the top of a report: a short paragraph answering the scenario's
 * question from the numbers, and the table of key numbers. Pure: upstream results in, text out.
 * Sentences state each figure's kind (measured / modeled) so the answer can be trusted as far
 * as its inputs can.
 */
import type { SimulationResult } from '../market/montecarlo.ts';
import type { PruneLevel } from '../bench/prune/summarize.ts';
import type { PlanningResult } from '../placement/planner.ts';
import type { KeyNumber, ReportResults } from './rows.ts';
import { benchKeyNumbers, paretoRows, type NamedRecord } from './adapters/bench.ts';
import { marketKeyNumbers } from './adapters/market.ts';
import { pruneKeyNumbers } from './adapters/prune.ts';
import { placementKeyNumbers } from './adapters/placement.ts';
import { calibrationKeyNumbers } from './adapters/calibration.ts';
import type { CalibrationResult } from '../placement/calibrate.ts';

/** What a report summarises; any part may be absent. */
export interface SummaryInputs {
  market?: SimulationResult;
  bench?: readonly NamedRecord[];
  prune?: readonly PruneLevel[];
  placement?: readonly PlanningResult[];
  calibration?: CalibrationResult;
}

// A figure that is not finite is written as "n/a", never as "$NaN" (upstream refuses such results; this is the last guard).
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
const usd = (x: number) => (Number.isFinite(x) ? `$${Number(x.toPrecision(3))}` : 'n/a');

function marketSentences(m: SimulationResult): string[] {
  const s = m.summary;
  const out: string[] = [];
  const survivors = s.providers.map((p) => `${p.provider} ${pct(p.survivalProbability)}${p.medianExitPeriod !== null ? ` (median exit at period ${p.medianExitPeriod})` : ''}`);
  out.push(`Over ${s.runs} simulated run${s.runs === 1 ? '' : 's'} of ${s.periods} periods (modeled), the share of runs in which each provider is still selling at the end is: ${survivors.join('; ')}.`);
  const last = s.periods - 1;
  const verdicts = s.providers.flatMap((p) => {
    const band = s.bands.find((b) => b.metric === 'priceUsd' && b.provider === p.provider && b.period === last);
    const nash = m.equilibrium.nash.find((e) => e.provider === p.provider);
    const coll = m.equilibrium.collusive.find((e) => e.provider === p.provider);
    if (!band || !nash || !coll) return [];
    const where = band.median < nash.price * 0.98 ? 'below its Bertrand–Nash price (a price war)' : band.median > coll.price * 0.98 ? 'at or above the collusive level' : band.median <= nash.price * 1.05 ? 'at about the competitive (Nash) level' : 'between the Nash and collusive levels';
    return [`${p.provider} ends at a median ${usd(band.median)} per ${m.scenario.unit}, ${where}`];
  });
  if (verdicts.length > 0) out.push(`${verdicts.join('; ')}.`);
  const cuts = m.referenceComparison.filter((c) => c.referenceChange !== null && c.simulatedChange !== null && c.period > 0);
  if (cuts.length > 0) {
    const text = cuts.slice(0, 3).map((c) => `${c.provider} on ${c.date}: real ${pct(c.referenceChange as number)}, simulated ${pct(c.simulatedChange as number)}`);
    out.push(`Against the real dated prices (change since period 0): ${text.join('; ')}.`);
  }
  return out;
}

function benchSentences(bench: readonly NamedRecord[]): string[] {
  const frontier = paretoRows(bench).filter((r) => r.onFrontier).sort((a, b) => a.trainCostUsd - b.trainCostUsd);
  if (frontier.length === 0) return [];
  const best = frontier[frontier.length - 1];
  const cheapest = frontier[0];
  if (!best || !cheapest) return [];
  const range = best === cheapest ? `${best.label} reached ${pct(best.testAccuracy)} for ${usd(best.trainCostUsd)}` : `the cheapest configuration (${cheapest.label}) reached ${pct(cheapest.testAccuracy)} for ${usd(cheapest.trainCostUsd)}, the most accurate (${best.label}) ${pct(best.testAccuracy)} for ${usd(best.trainCostUsd)}`;
  return [`Training was measured on this machine: ${range} (time measured, dollars at the device's catalogue price).`];
}

function pruneSentences(levels: readonly PruneLevel[]): string[] {
  const pruned = levels.filter((l) => l.mode !== 'random' && l.sparsity > 0).sort((a, b) => b.sparsity - a.sparsity);
  const top = pruned[0];
  if (!top) return [];
  // The sparsest level that stays within one accuracy point of its dense parent, if any.
  const safe = pruned.find((l) => l.testAccuracy >= l.denseTestAccuracy - 0.01);
  const random = levels.find((l) => l.mode === 'random' && l.sparsity === top.sparsity);
  const mode = top.mode.charAt(0).toUpperCase() + top.mode.slice(1);
  const kept = safe
    ? `${mode} pruning kept accuracy within a point of the dense model (${pct(safe.denseTestAccuracy)}) up to ${pct(safe.sparsity)} sparsity; at ${pct(top.sparsity)} it fell to ${pct(top.testAccuracy)}`
    : `${mode} pruning lost accuracy at every level tried: ${pct(top.testAccuracy)} at ${pct(top.sparsity)} sparsity against ${pct(top.denseTestAccuracy)} dense`;
  const faster = top.latencyMs.batchLargeVerdict;
  const payoff = top.payoff.breakEvenRequests === null ? 'so on measured latency it never pays back its pruning run' : `paying back its pruning run after ${top.payoff.breakEvenRequests.toLocaleString('en-US')} requests`;
  return [
    `${kept}${random ? ` (random pruning: ${pct(random.testAccuracy)})` : ''} (measured). Measured latency at ${pct(top.sparsity)} sparsity was ${faster === 'no measurable difference' ? 'not measurably different from the dense model' : faster}, ${payoff}.`,
  ];
}

/** The answer (one paragraph per part, newline-separated) and key numbers for `inputs`. */
export function composeSummary(inputs: SummaryInputs): ReportResults['summary'] {
  // One paragraph per part (market, training, pruning), separated by newlines.
  const sentences = [
    ...(inputs.market ? [marketSentences(inputs.market).join(' ')] : []),
    ...(inputs.bench ? benchSentences(inputs.bench) : []),
    ...(inputs.prune ? pruneSentences(inputs.prune) : []),
  ].filter((p) => p.length > 0);
  const keyNumbers: KeyNumber[] = [
    ...(inputs.market ? marketKeyNumbers(inputs.market) : []),
    ...(inputs.bench ? benchKeyNumbers(inputs.bench) : []),
    ...(inputs.prune ? pruneKeyNumbers(inputs.prune) : []),
    ...(inputs.placement ? placementKeyNumbers(inputs.placement) : []),
    ...(inputs.calibration ? calibrationKeyNumbers(inputs.calibration) : []),
  ];
  return { answer: sentences.length > 0 ? sentences.join('\n') : 'This scenario produced no results to summarise.', keyNumbers };
}
