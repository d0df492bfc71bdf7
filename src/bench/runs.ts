/**
 * Repeated runs scored as MLPerf Training scores time-to-train (MLPerf Training Rules,
 * mlcommons/training_policies, training_rules.adoc, "Benchmark results"): several runs with
 * different seeds, the fastest and the slowest dropped, the mean of the rest. A run that never
 * reaches the target counts as infinitely slow, so one such run is the one dropped as slowest;
 * with two or more the result does not reach the target. Pure: no clock, no I/O.
 *
 * The 95% interval is the Student t interval of the kept runs' mean,
 * mean ± t(0.975, m − 1) · s / √m. No statistics library is in the dependency tree, so the t
 * quantile is computed here from the closed-form CDF for integer degrees of freedom
 * (Abramowitz & Stegun 26.7.3–26.7.4) by bisection; test/bench/runs.test.ts checks it against
 * the published table values.
 */

/** One repeated run as it appears in a record's `runs` (seconds from first touch of the data set). */
export interface RunResult {
  seed: number;
  wallSeconds: number;
  steps: number;
  reachedTarget: boolean;
  testAccuracy: number;
}

/** The MLPerf-style summary of repeated runs. */
export interface RunsSummary {
  /** Trimmed mean of wall seconds (fastest and slowest dropped when there are at least 3 runs). */
  wallSeconds: number;
  /** 95% Student t interval of that mean; absent when fewer than 2 runs are kept. */
  wallSecondsCi95?: [number, number];
  /** Seeds of the runs the mean is taken over. */
  keptSeeds: number[];
  /** Seeds of the runs dropped (fastest and slowest). */
  droppedSeeds: number[];
  /** False when a target was set and two or more runs missed it (MLPerf: no valid result). */
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
 * With two or more misses under a target the result is not valid; the mean is then taken over
 * the seconds actually spent by the kept runs and `reachedTarget` is false.
 */
export function summarizeRuns(runs: readonly RunResult[], targeted: boolean): RunsSummary {
  if (runs.length === 0) throw new RangeError('no runs');
  const score = (r: RunResult): number => (targeted && !r.reachedTarget ? Number.POSITIVE_INFINITY : r.wallSeconds);
  const ordered = [...runs].sort((a, b) => score(a) - score(b) || a.wallSeconds - b.wallSeconds || a.seed - b.seed);
  const trim = ordered.length >= 3;
  const kept = trim ? ordered.slice(1, -1) : ordered;
  const dropped = trim ? [ordered[0] as RunResult, ordered[ordered.length - 1] as RunResult] : [];
  const misses = targeted ? runs.filter((r) => !r.reachedTarget).length : 0;
  const { mean, ci95 } = meanCi95(kept.map((r) => r.wallSeconds));
  const reachedTarget = targeted ? misses === 0 || (trim && misses === 1) : true;
  const what = trim ? `mean of ${kept.length} runs after dropping the fastest and the slowest of ${runs.length}` : `mean of ${runs.length} run${runs.length === 1 ? '' : 's'} (fewer than 3: nothing dropped)`;
  const missNote = !targeted ? '' : misses === 0 ? '; every run reached the target' : reachedTarget ? '; the one run that missed the target counts as slowest and is dropped' : `; ${misses} of ${runs.length} runs missed the target: no valid time-to-target (MLPerf allows one), the seconds are those spent`;
  const ciNote = ci95 ? ', 95% Student t interval' : ', no interval (fewer than 2 kept runs)';
  return {
    wallSeconds: mean,
    ...(ci95 ? { wallSecondsCi95: ci95 } : {}),
    keptSeeds: kept.map((r) => r.seed),
    droppedSeeds: dropped.map((r) => r.seed),
    reachedTarget,
    note: `${what}${ciNote}${missNote}`,
  };
}
