/**
 * Repeated runs scored as MLPerf Training scores time-to-train (MLPerf Training Rules,
 * mlcommons/training_policies, training_rules.adoc, "Benchmark results"): several runs with
 * different seeds, the fastest and the slowest dropped, the mean of the rest. A run that never
 * reaches the target counts as infinitely slow, so one such run is the one dropped as slowest
 * ("a single non-converging run may be treated as the slowest run and dropped"); when a run
 * that is kept missed the target (two or more misses, or any miss with fewer than 3 runs) the
 * result is not valid: it does not reach the target and has no interval. Pure: no clock, no I/O.
 *
 * The 95% interval is the Student t interval of the kept runs' mean,
 * mean ± t(0.975, m − 1) · s / √m. No statistics library is in the dependency tree, so the t
 * quantile is computed here from the closed-form CDF for integer degrees of freedom
 * (Abramowitz & Stegun 26.7.3–26.7.4) by bisection; test/bench/runs.test.ts checks it against
 * the published table values.
 */

/** Seeded runs a time-to-accuracy benchmark takes when the caller does not say (MLPerf Training scores 5 or more runs for most benchmarks). */
export const TARGET_RUNS_DEFAULT = 5;

/**
 * Runs `costsim bench` makes when --runs is not given: TARGET_RUNS_DEFAULT with a target
 * accuracy (a time-to-accuracy figure needs the spread), 1 without (a plain step-budget run stays fast).
 */
export function defaultBenchRuns(targeted: boolean): number {
  return targeted ? TARGET_RUNS_DEFAULT : 1;
}

/** One repeated run as it appears in a record's `runs` (seconds from first touch of the data set). */
export interface RunResult {
  seed: number;
  wallSeconds: number;
  steps: number;
  /** Whether the run's validation accuracy reached the target (stopping is decided on validation). */
  reachedTarget: boolean;
  testAccuracy: number;
  validationAccuracy?: number;
  /** Both accuracies at every evaluation of this run. */
  evaluations?: Array<{ step: number; validationAccuracy: number; testAccuracy: number }>;
}

/** The MLPerf-style summary of repeated runs. */
export interface RunsSummary {
  /** Trimmed mean of wall seconds (fastest and slowest dropped when there are at least 3 runs). */
  wallSeconds: number;
  /** 95% Student t interval of that mean; null when fewer than 2 runs are kept or a kept run missed the target (see ci95Note). */
  wallSecondsCi95: [number, number] | null;
  /** What the interval is, or why there is none, in one sentence. */
  ci95Note: string;
  /** Seeds of the runs the mean is taken over. */
  keptSeeds: number[];
  /** Seeds of the runs dropped (fastest and slowest). */
  droppedSeeds: number[];
  /** False when no target was set, or when a kept run missed it (MLPerf: no valid result). */
  reachedTarget: boolean;
  /** Why the figures are what they are, in one sentence. */
  note: string;
}

/** Student t CDF P(T ≤ t) for integer `df` ≥ 1 (A&S 26.7.3 odd df, 26.7.4 even df). */
export function studentTCdf(t: number, df: number): number {
  if (!(Number.isInteger(df) && df >= 1)) throw new RangeError(`degrees of freedom must be a positive integer (got ${df})`);
  const theta = Math.atan(t / Math.sqrt(df));
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  // A(t|ν): probability that |T| ≤ t.
  let a: number;
  if (df % 2 === 1) {
    let sum = 0;
    let term = c;
    for (let k = 3; k <= df; k += 2) {
      sum += term;
      term *= (c * c * (k - 1)) / k;
    }
    a = df === 1 ? (2 * theta) / Math.PI : (2 / Math.PI) * (theta + s * sum);
  } else {
    let sum = 0;
    let term = 1;
    for (let k = 2; k <= df; k += 2) {
      sum += term;
      term *= (c * c * (k - 1)) / k;
    }
    a = s * sum;
  }
  return 0.5 + a / 2;
}

/** The t quantile q with P(T ≤ q) = p, for integer `df` ≥ 1 and p in (0, 1); bisection to 1e-12. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1) (got ${p})`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-12 * Math.max(1, high); i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Mean and 95% t interval of `values` (interval only for 2 or more values). */
export function meanCi95(values: readonly number[]): { mean: number; ci95?: [number, number] } {
  if (values.length === 0) throw new RangeError('no values');
  const m = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / m;
  if (m < 2) return { mean };
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (m - 1);
  const half = studentTQuantile(0.975, m - 1) * Math.sqrt(variance / m);
  return { mean, ci95: [mean - half, mean + half] };
}

/**
 * Score repeated runs: order by time (a run that missed the target as +∞ when `targeted`),
 * drop the fastest and the slowest when there are at least 3, mean and 95% interval of the rest.
 * When a kept run missed the target the result is not valid: `reachedTarget` is false, the
 * interval is null, and the mean is taken over the seconds the kept runs actually spent
 * (a lower bound on a time-to-target that was never reached).
 */
export function summarizeRuns(runs: readonly RunResult[], targeted: boolean): RunsSummary {
  if (runs.length === 0) throw new RangeError('no runs');
  const score = (r: RunResult): number => (targeted && !r.reachedTarget ? Number.POSITIVE_INFINITY : r.wallSeconds);
  const ordered = [...runs].sort((a, b) => score(a) - score(b) || a.wallSeconds - b.wallSeconds || a.seed - b.seed);
  const trim = ordered.length >= 3;
  const kept = trim ? ordered.slice(1, -1) : ordered;
  const dropped = trim ? [ordered[0] as RunResult, ordered[ordered.length - 1] as RunResult] : [];
  const misses = targeted ? runs.filter((r) => !r.reachedTarget).length : 0;
  const keptMisses = targeted ? kept.filter((r) => !r.reachedTarget).length : 0;
  const valid = keptMisses === 0;
  const { mean, ci95 } = meanCi95(kept.map((r) => r.wallSeconds));
  const what = trim
    ? `mean of ${kept.length} run${kept.length === 1 ? '' : 's'} after dropping the fastest and the slowest of ${runs.length}`
    : `mean of ${runs.length} run${runs.length === 1 ? '' : 's'} (fewer than 3: nothing dropped)`;
  const missNote = !targeted
    ? '; no target accuracy: the time of a step budget, not a time-to-target'
    : misses === 0
      ? '; every run reached the target'
      : valid
        ? '; the one run that missed the target counts as infinitely slow and is dropped as the slowest'
        : `; ${misses} of ${runs.length} runs missed the target and ${keptMisses} of them ${keptMisses === 1 ? 'is' : 'are'} kept: no valid time-to-target (MLPerf Training allows one non-converging run, dropped as the slowest), the seconds are those the kept runs spent`;
  const ci95Note = !valid
    ? `no interval: ${keptMisses} kept run${keptMisses === 1 ? '' : 's'} never reached the target, so the time-to-target is unbounded`
    : ci95
      ? `95% Student t interval of the mean of the ${kept.length} kept runs, mean ± t(0.975, ${kept.length - 1}) · s / √${kept.length}`
      : `no interval: ${kept.length} kept run (an interval needs at least 2; pass --runs 4 or more)`;
  return {
    wallSeconds: mean,
    wallSecondsCi95: valid && ci95 ? ci95 : null,
    ci95Note,
    keptSeeds: kept.map((r) => r.seed),
    droppedSeeds: dropped.map((r) => r.seed),
    reachedTarget: targeted && valid,
    note: `${what}${missNote}`,
  };
}
