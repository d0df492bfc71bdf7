import { describe, expect, it } from 'vitest';
import { defaultBenchRuns, meanCi95, studentTCdf, studentTQuantile, summarizeRuns, type RunResult } from '../../src/bench/runs.ts';

const run = (seed: number, wallSeconds: number, reachedTarget = true): RunResult => ({
  seed,
  wallSeconds,
  steps: 100,
  reachedTarget,
  testAccuracy: reachedTarget ? 0.96 : 0.9,
});

describe('Student t quantile', () => {
  it('matches the published two-sided 95% table values (t 0.975)', () => {
    // NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2 (upper critical values of t, 0.025 column).
    const table: Array<[number, number]> = [
      [1, 12.706],
      [2, 4.303],
      [3, 3.182],
      [4, 2.776],
      [5, 2.571],
      [10, 2.228],
      [30, 2.042],
    ];
    for (const [df, t] of table) expect(studentTQuantile(0.975, df)).toBeCloseTo(t, 3);
  });
  it('has the closed-form CDF at df 1 (Cauchy) and df 2', () => {
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12); // 1/2 + atan(1)/π
    expect(studentTCdf(2, 2)).toBeCloseTo(0.5 + 2 / (2 * Math.sqrt(2 + 4)), 12); // 1/2 + t / (2√(2 + t²))
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776, 3);
  });
});

describe('summarizeRuns (MLPerf Training scoring)', () => {
  it('drops the fastest and slowest of five and takes the t interval of the other three (hand example)', () => {
    const s = summarizeRuns([run(0, 10), run(1, 12), run(2, 11), run(3, 30), run(4, 9)], true);
    // Kept 10, 11, 12: mean 11, s = 1, half width = 4.302653 / √3 = 2.484138.
    expect(s.keptSeeds).toEqual([0, 2, 1]);
    expect(s.droppedSeeds).toEqual([4, 3]);
    expect(s.wallSeconds).toBeCloseTo(11, 12);
    expect(s.wallSecondsCi95?.[0]).toBeCloseTo(11 - 2.484138, 5);
    expect(s.wallSecondsCi95?.[1]).toBeCloseTo(11 + 2.484138, 5);
    expect(s.reachedTarget).toBe(true);
    expect(s.ci95Note).toMatch(/t\(0\.975, 2\)/);
  });
  it('counts one run that missed the target as the slowest, two as no valid result', () => {
    const one = summarizeRuns([run(0, 10), run(1, 5, false), run(2, 11), run(3, 12), run(4, 9)], true);
    expect(one.droppedSeeds).toEqual([4, 1]); // the fast miss is dropped as slowest
    expect(one.wallSeconds).toBeCloseTo(11, 12);
    expect(one.reachedTarget).toBe(true);
    expect(one.wallSecondsCi95).not.toBeNull();
    const two = summarizeRuns([run(0, 10), run(1, 5, false), run(2, 6, false), run(3, 12), run(4, 9)], true);
    // Ordered 9, 10, 12, ∞, ∞: the kept three include one miss, so no valid time and no interval.
    expect(two.keptSeeds).toEqual([0, 3, 1]);
    expect(two.reachedTarget).toBe(false);
    expect(two.wallSecondsCi95).toBeNull();
    expect(two.wallSeconds).toBeCloseTo((10 + 12 + 5) / 3, 12); // seconds actually spent
    expect(two.note).toMatch(/2 of 5 runs missed the target and 1 of them is kept/);
    expect(two.ci95Note).toMatch(/no interval: 1 kept run never reached the target/);
  });
  it('gives no valid result when a run misses the target and there are too few runs to drop it', () => {
    const s = summarizeRuns([run(0, 10), run(1, 11, false)], true);
    expect(s.droppedSeeds).toEqual([]);
    expect(s.reachedTarget).toBe(false);
    expect(s.wallSecondsCi95).toBeNull();
  });
  it('never reports a target reached without a target', () => {
    const s = summarizeRuns([run(0, 10), run(1, 12), run(2, 11), run(3, 13)], false);
    expect(s.reachedTarget).toBe(false);
    // Kept 11 and 12: mean 11.5, s = √0.5, half width = 12.706205 · √0.5 / √2 = 6.353102.
    expect(s.wallSecondsCi95?.[0]).toBeCloseTo(11.5 - 6.353102, 5);
    expect(s.wallSecondsCi95?.[1]).toBeCloseTo(11.5 + 6.353102, 5);
  });
  it('defaults to 5 runs with a target accuracy and to 1 without', () => {
    expect(defaultBenchRuns(true)).toBe(5);
    expect(defaultBenchRuns(false)).toBe(1);
  });
  it('keeps every run below three, and gives no interval for one run', () => {
    const s = summarizeRuns([run(0, 10)], false);
    expect(s.wallSeconds).toBe(10);
    expect(s.wallSecondsCi95).toBeNull();
    expect(s.ci95Note).toMatch(/no interval: 1 kept run/);
    expect(meanCi95([1, 3]).ci95?.[1]).toBeCloseTo(2 + 12.706205, 5); // s = √2, √(2/2) = 1
  });
});
