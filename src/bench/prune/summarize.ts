/**
 * From pruning records to one row per method × sparsity level (pure): means over seeds,
 * the accuracy spread, and the payoff twice — from measured latency (a speed-up counts only
 * if every interleaved round in every seed saw it) and from the FLOPs ratio (modeled: what
 * an ideal sparse kernel would give).
 */
import type { Provenance } from '../record.ts';
import type { PruneMethod } from './experiment.ts';
import { latencyVerdict, type LatencyComparison, type LatencyVerdict } from './latency.ts';
import type { LatencyTiming } from './latency-timing.ts';
import { DEFAULT_TRAIN_STEP_TIMING } from './train-step.ts';
import { computePayoff, type Payoff, type PricedDevice } from './payoff.ts';
import type { PruneRecord } from './record.ts';
import { breakEvenCi95, ratioCi95 } from './interval.ts';
import { usdForSeconds } from '../../devices/pricing.ts';

/** User-facing mode names (CLI --mode) and the method each runs. */
export const MODE_METHODS = { unstructured: 'magnitude', structured: 'structured', random: 'random' } as const satisfies Record<string, PruneMethod>;
export type PruneMode = keyof typeof MODE_METHODS;

/** The mode name of a method. */
export function modeOf(method: PruneMethod): PruneMode {
  return method === 'magnitude' ? 'unstructured' : method;
}

/** One row of the study. All figures are means over `seeds` unless named otherwise. */
export interface PruneLevel {
  mode: PruneMode;
  sparsity: number;
  seeds: number;
  realisedSparsity: number;
  testAccuracy: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  testAccuracyStd: number;
  denseTestAccuracy: number;
  params: number;
  nonZeroParams: number;
  /** Dense parent parameters ÷ non-zero parameters (ShrinkBench's compression ratio). */
  compressionRatio: number;
  flops: { dense: number; effective: number; denseParent: number; theoreticalSpeedup: number };
  modelBytes: { float32: number; gzip: number };
  /** Per-sample ms of the pruned model and of its dense parent timed beside it; ratios are means over seeds of the per-run median ratio. */
  latencyMs: {
    batch1: number;
    batchLarge: number;
    largeBatchSize: number;
    denseBatch1: number;
    denseBatchLarge: number;
    batch1Ratio: number;
    batchLargeRatio: number;
    batch1Verdict: LatencyVerdict;
    batchLargeVerdict: LatencyVerdict;
    batchLargeRatioCi95?: [number, number] | null;
  };
  /**
   * True when every seed's latency was timed with no other costsim worker running (serially
   * after the sweep, or in a pool of one); false when any was timed beside other workers or
   * its timing is not recorded. provenance.latencyMs says how each was timed.
   */
  latencyTimedAlone: boolean;
  /** The same for the training-step timing (prune.trainStepTiming); provenance.trainStepMs says how each was timed. */
  trainStepTimedAlone: boolean;
  /** Break-even requests at the ends of the large-batch ratio's 95% interval; upper end null = never; null = even the low end saves nothing. */
  breakEvenRequestsCi95?: [number, number | null] | null;
  /** Mean over seeds of the median ms per Adam step of the pruned model and of the fine-tuned dense control timed beside it. */
  trainStepMs: { pruned: number; dense: number };
  fineTuneSeconds: number;
  payoff: Payoff;
  payoffModeled: Payoff;
  belowAccuracyFloor: boolean;
  provenance: Record<string, Provenance>;
}

/** Payoff settings. */
export interface PayoffSettings {
  requestsPerMonth: number;
  device: PricedDevice;
  accuracyFloor?: number;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Pool every round of every seed into one sign test (records from before `ratios` existed: all seeds must agree). */
function combineVerdicts(comparisons: readonly LatencyComparison[]): LatencyVerdict {
  if (comparisons.every((c) => Array.isArray(c.ratios))) return latencyVerdict(comparisons.flatMap((c) => c.ratios));
  if (comparisons.every((c) => c.verdict === 'faster')) return 'faster';
  if (comparisons.every((c) => c.verdict === 'slower')) return 'slower';
  return 'no measurable difference';
}

/**
 * Dense serving seconds per request for the whole study: every level timed the same dense
 * parents, so one pooled figure keeps the dense cost identical on every row; each level's
 * pruned figure is this × its own ratio measured side by side (the robust quantity).
 */
function studyDenseSeconds(records: Iterable<PruneRecord>): number {
  const values = [...records].map((r) => r.prune.latency.batchLarge.denseMsPerSample);
  return mean(values) / 1000;
}

/** How a level's seeds were timed, e.g. "2 of 2 seed(s) timed serially after training, alone". */
function timingSummary(timings: ReadonlyArray<LatencyTiming | undefined>): string {
  const label = (t: LatencyTiming | undefined): string => {
    if (!t) return 'timing not recorded (older records)';
    if (t.where === 'queue-worker') return 'timed in a queue worker, other load there unknown';
    if (t.where === 'serial')
      return t.timedAlone
        ? 'timed serially after training, alone'
        : `timed serially after training beside ${t.workersRunning === null ? 'unknown' : t.workersRunning - 1} other worker(s)`;
    return t.timedAlone
      ? 'timed in the only pool worker, alone'
      : `timed in a pool worker beside up to ${t.workersRunning === null ? 'unknown' : t.workersRunning - 1} other costsim worker(s) (contended)`;
  };
  const counts = new Map<string, number>();
  for (const t of timings) counts.set(label(t), (counts.get(label(t)) ?? 0) + 1);
  return [...counts].map(([text, n]) => `${n} of ${timings.length} seed(s) ${text}`).join('; ');
}

/** e.g. "3 rounds of 3 steps" (older records without the counts were timed 3 × 3). */
function trainStepRounds(p: ReadonlyArray<PruneRecord['prune']>): string {
  const labels = new Set(
    p.map((m) => `${m.trainStep.rounds ?? DEFAULT_TRAIN_STEP_TIMING.rounds} rounds of ${m.trainStep.steps ?? DEFAULT_TRAIN_STEP_TIMING.steps} steps`),
  );
  return [...labels].join(' or ');
}

function level(mode: PruneMode, sparsity: number, records: readonly PruneRecord[], settings: PayoffSettings, denseSeconds: number): PruneLevel {
  const p = records.map((r) => r.prune);
  const avg = (f: (m: PruneRecord['prune']) => number): number => mean(p.map(f));
  const accuracies = p.map((m) => m.testAccuracy);
  const large = p.map((m) => m.latency.batchLarge);
  const batchLargeVerdict = combineVerdicts(large);
  const ratio = mean(large.map((l) => l.ratio));
  const measuredPrunedSeconds = batchLargeVerdict === 'no measurable difference' ? denseSeconds : denseSeconds * ratio;
  const flops = { dense: avg((m) => m.flops.dense), effective: avg((m) => m.flops.effective), denseParent: avg((m) => m.flops.denseParent) };
  const testAccuracy = mean(accuracies);
  const denseTestAccuracy = avg((m) => m.denseTestAccuracy);
  const largeBatchSize = large[0]?.batchSize ?? 0;
  const rounds = large[0]?.rounds ?? 0;
  const common = {
    requestsPerMonth: settings.requestsPerMonth,
    device: settings.device,
    dense: { secondsPerRequest: denseSeconds, testAccuracy: denseTestAccuracy },
    oneOffSeconds: avg((m) => m.fineTune.wallSeconds),
    ...(settings.accuracyFloor !== undefined ? { accuracyFloor: settings.accuracyFloor } : {}),
  };
  const payoff = computePayoff({
    ...common,
    pruned: { secondsPerRequest: measuredPrunedSeconds, testAccuracy },
    speedupKind: 'measured',
    speedupSource: `study dense latency × pruned/dense ratio at batch ${largeBatchSize}, ${rounds} interleaved rounds × ${p.length} seed(s), sign test: ${batchLargeVerdict}`,
  });
  const payoffModeled = computePayoff({
    ...common,
    pruned: { secondsPerRequest: denseSeconds * (flops.effective / flops.denseParent), testAccuracy },
    speedupKind: 'modeled',
    speedupSource: 'measured dense latency × effective ÷ dense FLOPs (an ideal sparse kernel skipping every zero)',
  });
  const nonZeroParams = avg((m) => m.nonZeroParams);
  const pooledRatios = large.every((l) => Array.isArray(l.ratios)) ? large.flatMap((l) => l.ratios) : [];
  const batchLargeRatioCi95 = ratioCi95(pooledRatios);
  const breakEvenRequestsCi95 = breakEvenCi95(batchLargeRatioCi95, payoff.oneOffCostUsd, usdForSeconds(denseSeconds, settings.device.usdPerHour));
  return {
    mode,
    sparsity,
    seeds: p.length,
    realisedSparsity: avg((m) => m.realisedSparsity),
    testAccuracy,
    testAccuracyStd: std(accuracies),
    denseTestAccuracy,
    params: avg((m) => m.params),
    nonZeroParams,
    compressionRatio: avg((m) => m.denseParams) / nonZeroParams,
    flops: { ...flops, theoreticalSpeedup: flops.denseParent / flops.effective },
    modelBytes: { float32: avg((m) => m.modelBytes.float32), gzip: avg((m) => m.modelBytes.gzip) },
    latencyMs: {
      batch1: avg((m) => m.latency.batch1.prunedMsPerSample),
      batchLarge: avg((m) => m.latency.batchLarge.prunedMsPerSample),
      largeBatchSize,
      denseBatch1: avg((m) => m.latency.batch1.denseMsPerSample),
      denseBatchLarge: avg((m) => m.latency.batchLarge.denseMsPerSample),
      batchLargeRatio: ratio,
      batch1Ratio: avg((m) => m.latency.batch1.ratio),
      batch1Verdict: combineVerdicts(p.map((m) => m.latency.batch1)),
      batchLargeVerdict,
      batchLargeRatioCi95,
    },
    latencyTimedAlone: p.every((m) => m.latencyTiming?.timedAlone === true),
    trainStepTimedAlone: p.every((m) => m.trainStepTiming?.timedAlone === true),
    breakEvenRequestsCi95,
    trainStepMs: { pruned: avg((m) => m.trainStep.prunedSeconds) * 1000, dense: avg((m) => m.trainStep.denseSeconds) * 1000 },
    fineTuneSeconds: common.oneOffSeconds,
    payoff,
    payoffModeled,
    belowAccuracyFloor: payoff.belowAccuracyFloor,
    provenance: {
      testAccuracy: { kind: 'measured', source: `test split, mean of ${p.length} seed(s)` },
      realisedSparsity: { kind: 'measured', source: 'exact zeros in prunable kernels after fine-tuning' },
      flops: { kind: 'modeled', source: 'analytic forward FLOPs per sample; theoreticalSpeedup = dense parent ÷ effective (ShrinkBench)' },
      modelBytes: { kind: 'measured', source: 'float32 weight buffer and its gzip size' },
      latencyMs: {
        kind: 'measured',
        source: `per-sample inference time, interleaved with the fine-tuned dense control in the same process; ${timingSummary(p.map((m) => m.latencyTiming))}; verdicts by sign test over all rounds and seeds`,
      },
      trainStepMs: {
        kind: 'measured',
        source: `ms per Adam step, median of ${trainStepRounds(p)} interleaved with the fine-tuned dense control, after latency, mean of ${p.length} seed(s); ${timingSummary(p.map((m) => m.trainStepTiming))}`,
      },
      payoff: { kind: 'modeled', source: 'from measured latency (no measured speed-up → no saving)' },
      'latencyMs.batchLargeRatioCi95': {
        kind: 'measured',
        source: `95% Student t interval of the mean pruned ÷ dense per-round ratio at batch ${largeBatchSize}, ${pooledRatios.length} rounds pooled over ${p.length} seed(s) (src/bench/runs.ts t quantile)`,
      },
      breakEvenRequestsCi95: {
        kind: 'modeled',
        source:
          'break-even requests (one-off cost ÷ saving per request) at the two ends of the latency-ratio interval; null upper end: the interval reaches no saving',
      },
      payoffModeled: { kind: 'modeled', source: 'from the FLOPs ratio: a formula, not a measurement' },
    },
  };
}

/** One level per requested method × sparsity, in request order; cells without records are listed as missing. */
export function summarizeStudy(
  cells: ReadonlyArray<{ method: PruneMethod; sparsity: number; key: string }>,
  records: ReadonlyMap<string, PruneRecord>,
  settings: PayoffSettings,
): { levels: PruneLevel[]; missing: Array<{ mode: PruneMode; sparsity: number }> } {
  const groups = new Map<string, { method: PruneMethod; sparsity: number; records: PruneRecord[] }>();
  const missing: Array<{ mode: PruneMode; sparsity: number }> = [];
  for (const cell of cells) {
    const id = `${cell.method}/${cell.sparsity}`;
    const group = groups.get(id) ?? { method: cell.method, sparsity: cell.sparsity, records: [] };
    groups.set(id, group);
    const record = records.get(cell.key);
    if (record) group.records.push(record);
  }
  const levels: PruneLevel[] = [];
  const denseSeconds = studyDenseSeconds(records.values());
  for (const g of groups.values()) {
    if (g.records.length === 0) missing.push({ mode: modeOf(g.method), sparsity: g.sparsity });
    else levels.push(level(modeOf(g.method), g.sparsity, g.records, settings, denseSeconds));
  }
  return { levels, missing };
}
