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

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Where a final median price sits against the equilibrium levels, for one provider or several. */
function priceVerdict(median: number, nash: number, collusive: number, several: boolean): string {
  if (median < nash * 0.98) return several ? 'below their Bertrand–Nash prices, a price war' : 'below its Bertrand–Nash price, a price war';
  if (median > collusive * 0.98) return 'at or above the collusive level';
  if (median <= nash * 1.05) return 'at about the competitive (Nash) level';
  return 'between the Nash and collusive levels';
}

/** Group `items` by `key`, keeping first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups];
}

/**
 * The market's findings, one per sentence: how it was simulated, who survives (providers with
 * the same outcome named together), where final prices sit against the equilibria (grouped the
 * same way), and how the simulation compares with real dated prices.
 */
function marketSentences(m: SimulationResult): string[] {
  const s = m.summary;
  const out: string[] = [`The market was simulated ${s.runs} time${s.runs === 1 ? '' : 's'} over ${s.periods} periods (modeled).`];
  const always = s.providers.filter((p) => p.survivalProbability >= 1).map((p) => p.provider);
  const never = s.providers.filter((p) => p.survivalProbability <= 0);
  const partly = s.providers.filter((p) => !(p.survivalProbability >= 1) && !(p.survivalProbability <= 0));
  if (always.length > 0) out.push(`${listText(always)} ${always.length === 1 ? 'survives' : 'survive'} every run.`);
  if (never.length > 0) {
    const exits = never.map((p) => `${p.provider}${p.medianExitPeriod !== null ? ` (median exit at period ${p.medianExitPeriod})` : ''}`);
    out.push(`${listText(exits)} ${never.length === 1 ? 'leaves' : 'leave'} the market in every run.`);
  }
  if (partly.length === 1) {
    const p = partly[0] as (typeof partly)[number];
    out.push(
      `${p.provider} is still selling at the end in ${pct(p.survivalProbability)} of runs${p.medianExitPeriod !== null ? ` (median exit at period ${p.medianExitPeriod})` : ''}.`,
    );
  } else if (partly.length > 1) {
    const parts = partly.map(
      (p) => `${p.provider} ${pct(p.survivalProbability)}${p.medianExitPeriod !== null ? ` (median exit at period ${p.medianExitPeriod})` : ''}`,
    );
    out.push(`Share of runs still selling at the end: ${listText(parts)}.`);
  }
  const last = s.periods - 1;
  const finals = s.providers.flatMap((p) => {
    const band = s.bands.find((b) => b.metric === 'priceUsd' && b.provider === p.provider && b.period === last);
    const nash = m.equilibrium.nash.find((e) => e.provider === p.provider);
    const coll = m.equilibrium.collusive.find((e) => e.provider === p.provider);
    return band && nash && coll ? [{ provider: p.provider, median: band.median, nash: nash.price, collusive: coll.price }] : [];
  });
  for (const [, group] of groupBy(finals, (f) => priceVerdict(f.median, f.nash, f.collusive, false))) {
    const several = group.length > 1;
    const first = group[0] as (typeof group)[number];
    const where = priceVerdict(first.median, first.nash, first.collusive, several);
    const prices = several
      ? `median final prices ${listText(group.map((g) => `${usd(g.median)} (${g.provider})`))}`
      : `median final price ${usd(first.median)}`;
    out.push(`${listText(group.map((g) => g.provider))} ${several ? 'end' : 'ends'} ${where} (${prices} per ${m.scenario.unit}).`);
  }
  const cuts = m.referenceComparison.filter((c) => c.referenceChange !== null && c.simulatedChange !== null && c.period > 0);
  if (cuts.length > 0) {
    const text = cuts
      .slice(0, 3)
      .map((c) => `${c.provider} on ${c.date} real ${pct(c.referenceChange as number)} against simulated ${pct(c.simulatedChange as number)}`);
    out.push(`Price changes since period 0, real against simulated: ${listText(text)}.`);
  }
  return out;
}

function benchSentences(bench: readonly NamedRecord[]): string[] {
  const frontier = paretoRows(bench)
    .filter((r) => r.onFrontier)
    .sort((a, b) => a.trainCostUsd - b.trainCostUsd);
  if (frontier.length === 0) return [];
  const best = frontier[frontier.length - 1];
  const cheapest = frontier[0];
  if (!best || !cheapest) return [];
  const note = "(time measured on this machine, dollars at the device's catalogue price)";
  if (best === cheapest) return [`${best.label} reached ${pct(best.testAccuracy)} test accuracy for ${usd(best.trainCostUsd)} of training ${note}.`];
  return [
    `The cheapest trained configuration, ${cheapest.label}, reached ${pct(cheapest.testAccuracy)} test accuracy for ${usd(cheapest.trainCostUsd)} ${note}.`,
    `The most accurate, ${best.label}, reached ${pct(best.testAccuracy)} for ${usd(best.trainCostUsd)}.`,
  ];
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
    ? [
        `${mode} pruning kept accuracy within a point of the dense model (${pct(safe.denseTestAccuracy)}) up to ${pct(safe.sparsity)} sparsity (measured).`,
        `At ${pct(top.sparsity)} sparsity accuracy fell to ${pct(top.testAccuracy)}${random ? `, and to ${pct(random.testAccuracy)} with random pruning` : ''}.`,
      ]
    : [
        `${mode} pruning lost accuracy at every level tried: ${pct(top.testAccuracy)} at ${pct(top.sparsity)} sparsity against ${pct(top.denseTestAccuracy)} dense${random ? ` (random pruning: ${pct(random.testAccuracy)})` : ''} (measured).`,
      ];
  const faster = top.latencyMs.batchLargeVerdict;
  const payoff =
    top.payoff.breakEvenRequests === null
      ? 'On measured latency the pruned model never pays back its pruning run.'
      : `The pruned model pays back its pruning run after ${top.payoff.breakEvenRequests.toLocaleString('en-US')} requests.`;
  return [
    ...kept,
    `Measured latency at ${pct(top.sparsity)} sparsity was ${faster === 'no measurable difference' ? 'not measurably different from the dense model' : faster}.`,
    payoff,
  ];
}

/** The answer (one paragraph per part, newline-separated) and key numbers for `inputs`. */
export function composeSummary(inputs: SummaryInputs): ReportResults['summary'] {
  // One paragraph per part (market, training, pruning), separated by newlines.
  const sentences = [
    ...(inputs.market ? [marketSentences(inputs.market).join(' ')] : []),
    ...(inputs.bench ? [benchSentences(inputs.bench).join(' ')] : []),
    ...(inputs.prune ? [pruneSentences(inputs.prune).join(' ')] : []),
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
