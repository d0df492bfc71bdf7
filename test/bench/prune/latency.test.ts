import { describe, expect, it } from 'vitest';
import { latencyVerdict, signTestP } from '../../../src/bench/prune/latency.ts';

describe('sign test for latency verdicts', () => {
  it('matches binomial tails computed by hand', () => {
    expect(signTestP(7, 7)).toBeCloseTo(2 / 128, 12); // all 7 agree
    expect(signTestP(6, 7)).toBeCloseTo((2 * (7 + 1)) / 128, 12); // C(7,6)+C(7,7) = 8
    expect(signTestP(11, 14)).toBeCloseTo((2 * (364 + 91 + 14 + 1)) / 16384, 12); // 0.0574
    expect(signTestP(3, 6)).toBe(1);
  });
  it('claims a difference only at p < 0.05', () => {
    expect(latencyVerdict([0.5, 0.6, 0.4, 0.5, 0.7, 0.5, 0.6])).toBe('faster');
    expect(latencyVerdict([0.5, 0.6, 0.4, 0.5, 0.7, 0.5, 1.6])).toBe('no measurable difference');
    expect(latencyVerdict([1.2, 1.1, 1.3, 1.2, 1.05, 1.2, 1.4])).toBe('slower');
    // Pooled over two seeds: 12 of 14 faster → p = 2·106/16384 ≈ 0.013.
    expect(latencyVerdict([...Array(12).fill(0.5), 1.2, 1.3])).toBe('faster');
    expect(latencyVerdict([...Array(11).fill(0.5), 1.2, 1.3, 1.1])).toBe('no measurable difference');
  });
});
