import { describe, expect, it } from 'vitest';
import { predictSegmentRecompute } from '../../src/placement/index.ts';

describe('predictSegmentRecompute', () => {
  it('matches a chain worked by hand: every segment but the last re-runs its forward, and keeps only its output', () => {
    // Four layers a, b | c | d in three segments. FLOPs: forward 10, 20, 30, 40 (100); backward twice
    // that (200): plain 300. Recomputed: segments [a, b] and [c] again, 10 + 20 + 30 = 60 → 360 / 300 = 1.2.
    // Bytes: outputs 100, 50, 25, 5 (plain 180). Kept: outputs of b and c (50 + 25 = 75); the largest
    // segment at its backward: [a, b] inner a = 100, [c] inner nothing, [d] all 5 → 100. (75 + 100) / 180.
    const layers = [
      { name: 'a', forwardFlops: 10, backwardFlops: 20, activationBytes: 100 },
      { name: 'b', forwardFlops: 20, backwardFlops: 40, activationBytes: 50 },
      { name: 'c', forwardFlops: 30, backwardFlops: 60, activationBytes: 25 },
      { name: 'd', forwardFlops: 40, backwardFlops: 80, activationBytes: 5 },
    ];
    const p = predictSegmentRecompute(layers, [['a', 'b'], ['c'], ['d']]);
    expect(p.stepFlopsRatio).toBeCloseTo(1.2, 12);
    expect(p.activationBytesRatio).toBeCloseTo(175 / 180, 12);
    // One segment: nothing is recomputed and everything is held.
    const one = predictSegmentRecompute(layers, [['a', 'b', 'c', 'd']]);
    expect(one.stepFlopsRatio).toBe(1);
    expect(one.activationBytesRatio).toBe(1);
  });

  it('refuses a segment naming a layer the model does not have', () => {
    expect(() => predictSegmentRecompute([{ name: 'a', forwardFlops: 1, backwardFlops: 2, activationBytes: 1 }], [['a'], ['zz']])).toThrow(/"zz"/);
  });
});
