import { describe, expect, it } from 'vitest';
import { breakEvenCi95, minimumSignificantRounds, ratioCi95 } from '../../../src/bench/prune/interval.ts';
import { signTestP } from '../../../src/bench/prune/latency.ts';

describe('pruning payoff intervals', () => {
  it('t interval of the latency ratio and the break-even volumes at its ends (hand example)', () => {
    // Ratios 0.5, 0.6, 0.7, 0.6: mean 0.6, s = √(0.02/3) = 0.0816497, t(0.975, 3) = 3.182446 (t table),
    // half-width 3.182446 × 0.0816497 / 2 = 0.1299229 → [0.4700771, 0.7299229].
    const ci = ratioCi95([0.5, 0.6, 0.7, 0.6]) as [number, number];
    expect(ci[0]).toBeCloseTo(0.4700771, 6);
    expect(ci[1]).toBeCloseTo(0.7299229, 6);
    // $1 one-off, $0.001 per dense request: 1 / (0.001 × (1 − r)), rounded up → 1888 and 3703 requests.
    expect(breakEvenCi95(ci, 1, 0.001)).toEqual([1888, 3703]);
    // Ratios 0.8, 0.9, 1.0: s = 0.1, half-width 4.302653 × 0.1 / √3 = 0.2484138 → [0.6515862, 1.1484138]: the top end never breaks even.
    const wide = ratioCi95([0.8, 0.9, 1.0]) as [number, number];
    expect(wide[1]).toBeCloseTo(1.1484138, 6);
    expect(breakEvenCi95(wide, 1, 0.001)).toEqual([2871, null]);
    expect(breakEvenCi95([1.01, 1.2], 1, 0.001)).toBeNull();
    expect(ratioCi95([0.9])).toBeNull();
  });

  it('the fewest rounds that can reach 5% significance is 6: 5 rounds all agreeing give p = 2/32', () => {
    expect(minimumSignificantRounds(0.05)).toBe(6);
    expect(signTestP(5, 5)).toBeCloseTo(0.0625, 12);
    expect(signTestP(6, 6)).toBeCloseTo(0.03125, 12);
    expect(minimumSignificantRounds(0.01)).toBe(8); // 2/128 = 0.0156 ≥ 0.01, 2/256 < 0.01
  });
});
