/**
 * Inference latency of a dense model and its pruned child, measured in the same process,
 * interleaved round by round (the machine is shared and noisy: only ratios measured side by
 * side mean anything). A speed-up or slow-down is claimed only when a two-sided sign test on
 * the per-round ratios rejects "no difference" at 5% (with 7 rounds: all 7 must agree, since
 * chance alone gives that with probability 2/128 ≈ 1.6%, but 6 of 7 with 12.5%).
 */
import { loadavg } from 'node:os';
import { tf } from '../../runtime/tf.ts';
import type { LayersModel, Tensor } from '../../runtime/tf.ts';

/** What the side-by-side timing concluded. */
export type LatencyVerdict = 'faster' | 'slower' | 'no measurable difference';

/** Per-sample latency of both models at one batch size. */
export interface LatencyComparison {
  batchSize: number;
  /** Median over rounds, milliseconds per sample. */
  denseMsPerSample: number;
  prunedMsPerSample: number;
  /** Median over rounds of pruned ÷ dense time. */
  ratio: number;
  /** Smallest and largest per-round ratio. */
  ratioRange: [number, number];
  /** Every round's pruned ÷ dense ratio, in order. */
  ratios: number[];
  rounds: number;
  callsPerRound: number;
  verdict: LatencyVerdict;
}

/** Two-sided sign-test p-value of k successes out of n fair coin flips. */
export function signTestP(k: number, n: number): number {
  if (n === 0) return 1;
  const extreme = Math.max(k, n - k);
  let tail = 0;
  let binom = 1; // C(n, 0)
  for (let i = 0; i <= n; i++) {
    if (i >= extreme) tail += binom;
    binom = (binom * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

/** Verdict over per-round ratios (pooled over seeds if several): sign test at 5%, ties (ratio exactly 1) dropped. */
export function latencyVerdict(ratios: readonly number[]): LatencyVerdict {
  const faster = ratios.filter((r) => r < 1).length;
  const slower = ratios.filter((r) => r > 1).length;
  if (signTestP(faster, faster + slower) >= 0.05) return 'no measurable difference';
  return faster > slower ? 'faster' : 'slower';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Wall milliseconds for `calls` forward passes on `x` (inference mode, results read back). */
function timeCalls(model: LayersModel, x: Tensor, calls: number): number {
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const y = tf.tidy(() => model.apply(x, { training: false }) as Tensor);
    y.dataSync(); // forces the backend to finish
    y.dispose();
  }
  return performance.now() - started;
}

/**
 * `batchSize` samples taken from `source` (cycling if it is shorter), so latency runs on
 * real inputs of the right dtype. The caller disposes the result.
 */
export function inputBatch(source: Tensor, batchSize: number): Tensor {
  return tf.tidy(() => {
    const count = source.shape[0] as number;
    const indices = tf.tensor1d(
      Int32Array.from({ length: batchSize }, (_, i) => i % count),
      'int32',
    );
    return tf.gather(source, indices);
  });
}

/**
 * Time `dense` and `pruned` alternately on the same batch: `rounds` rounds, each timing
 * both models (order alternating) for enough calls to last about `targetMsPerTiming`.
 */
export function compareLatency(
  dense: LayersModel,
  pruned: LayersModel,
  x: Tensor,
  options: { rounds?: number; targetMsPerTiming?: number } = {},
): LatencyComparison {
  const rounds = options.rounds ?? 7;
  const batchSize = x.shape[0] as number;
  timeCalls(dense, x, 2); // warm-up: kernel compilation, first allocations
  timeCalls(pruned, x, 2);
  // Calibrate on the fastest of three single calls: one call alone is often a scheduling outlier.
  const oneCallMs = Math.max(1e-3, Math.min(timeCalls(dense, x, 1), timeCalls(dense, x, 1), timeCalls(dense, x, 1)));
  const callsPerRound = Math.max(1, Math.min(500, Math.ceil((options.targetMsPerTiming ?? 200) / oneCallMs)));
  const denseMs: number[] = [];
  const prunedMs: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let d: number;
    let p: number;
    if (round % 2 === 0) {
      d = timeCalls(dense, x, callsPerRound);
      p = timeCalls(pruned, x, callsPerRound);
    } else {
      p = timeCalls(pruned, x, callsPerRound);
      d = timeCalls(dense, x, callsPerRound);
    }
    denseMs.push(d / callsPerRound / batchSize);
    prunedMs.push(p / callsPerRound / batchSize);
    ratios.push(p / d);
  }
  const ratioRange: [number, number] = [Math.min(...ratios), Math.max(...ratios)];
  return {
    batchSize,
    denseMsPerSample: median(denseMs),
    prunedMsPerSample: median(prunedMs),
    ratio: median(ratios),
    ratioRange,
    ratios,
    rounds,
    callsPerRound,
    verdict: latencyVerdict(ratios),
  };
}

/** How a level's latency is timed: the large batch, interleaved rounds, and how long each timing lasts. */
export interface LatencySettings {
  latencyBatchSize: number;
  latencyRounds: number;
  /** Milliseconds each timing should last (default 200; tests use less). */
  latencyTargetMs?: number;
}

/** Both latency comparisons of one level, and the machine's load as they began. */
export interface LevelLatency {
  batch1: LatencyComparison;
  batchLarge: LatencyComparison;
  /** 1-minute load average (os.loadavg) as the timing began: every process on the machine, not only costsim's. Absent in older records. */
  loadAverage1m?: number;
}

/**
 * Batch-1 and large-batch latency of `dense` vs `pruned` on inputs drawn from `testX`: the one
 * procedure used both inside a sweep worker and in the serial pass after the sweep.
 */
export function measureLevelLatency(dense: LayersModel, pruned: LayersModel, testX: Tensor, settings: LatencySettings): LevelLatency {
  const loadAverage1m = loadavg()[0] as number;
  const x1 = inputBatch(testX, 1);
  const xLarge = inputBatch(testX, settings.latencyBatchSize);
  try {
    const rounds = { rounds: settings.latencyRounds, ...(settings.latencyTargetMs ? { targetMsPerTiming: settings.latencyTargetMs } : {}) };
    return { batch1: compareLatency(dense, pruned, x1, rounds), batchLarge: compareLatency(dense, pruned, xLarge, rounds), loadAverage1m };
  } finally {
    tf.dispose([x1, xLarge]);
  }
}
