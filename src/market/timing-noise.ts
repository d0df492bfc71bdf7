/**
 * Timing noise of a bench record as a Monte Carlo distribution: the repeated runs' wall seconds
 * (`record.runs`, MLPerf-style repeats) give the spread of a measured rate. A provider whose
 * cost comes from the record's measured speed has its seconds per unit multiplied, once per
 * Monte Carlo run, by a lognormal factor with median 1 and σ = the sample standard deviation
 * of ln(wallSeconds) over the runs, so the report's bands show how far the answer moves with
 * timing noise. Pure: the RNG comes in.
 */
import type { BenchRecord } from '../bench/record.ts';
import { draw } from '../scenario/distribution.ts';
import type { Rng } from '../util/rng.ts';

/** σ of ln(wallSeconds) over the record's runs (sample sd, n − 1), and how many runs it is from; σ = 0 with fewer than 2 runs. */
export function timingSigma(record: BenchRecord): { sigma: number; runs: number } {
  const logs = (record.runs ?? [])
    .map((r) => r.wallSeconds)
    .filter((s) => s > 0)
    .map(Math.log);
  if (logs.length < 2) return { sigma: 0, runs: logs.length };
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return { sigma: Math.sqrt(logs.reduce((a, x) => a + (x - mean) ** 2, 0) / (logs.length - 1)), runs: logs.length };
}

/** One draw of the multiplicative timing factor (lognormal, median 1), or 1 when the record has no spread. */
export function drawTimingFactor(sigma: number, rng: Rng): number {
  return sigma > 0 ? draw({ dist: 'lognormal', median: 1, sigma }, rng) : 1;
}

/**
 * `records` with their timing noise pinned, for a sensitivity analysis: every record with a
 * spread loses its repeated runs (so no per-run factor is drawn) and has its measured FLOP rate
 * divided by `factors[benchId]` (default 1, the median), so the seconds it prices are exactly
 * that factor × the median. Records without a spread are returned as they are.
 */
export function pinTimingFactors(records: ReadonlyMap<string, BenchRecord>, factors: Readonly<Record<string, number>>): Map<string, BenchRecord> {
  return new Map(
    [...records].map(([id, r]) => {
      if (timingSigma(r).sigma === 0) return [id, r];
      const { runs: _runs, ...rest } = r;
      return [id, { ...rest, metrics: { ...r.metrics, achievedGflops: r.metrics.achievedGflops / (factors[id] ?? 1) } }];
    }),
  );
}
