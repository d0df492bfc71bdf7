import { describe, expect, it } from 'vitest';
import { countZeros, globalMasks, keepCount, layerwiseMasks, magnitudeScores, randomScores, roundHalfEven, topKMask } from '../../../src/bench/prune/masks.ts';
import { createRng } from '../../../src/util/rng.ts';

describe('keepCount (TFMOT: max(round(n(1-s)), 1), tf.round is half-to-even)', () => {
  it('matches hand-computed counts', () => {
    expect(keepCount(100, 0.9)).toBe(10);
    expect(keepCount(10, 0.25)).toBe(8); // 7.5 → 8 (even)
    expect(keepCount(10, 0.45)).toBe(6); // 5.5 → 6 (even)
    expect(keepCount(2, 0.75)).toBe(0 + 1); // 0.5 → 0 (even), floored to 1
    expect(keepCount(5, 0.99)).toBe(1);
    expect(keepCount(7, 0)).toBe(7);
  });
  it('rounds half to even', () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
  });
});

describe('magnitude masks', () => {
  it('keep the largest |w| of each tensor (layer-wise)', () => {
    const w = [0.1, -0.9, 0.3, -0.05, 0.7, 0.2];
    // s = 0.5 → keep 3: |-0.9|, |0.7|, |0.3|.
    const [mask] = layerwiseMasks([magnitudeScores(w)], 0.5);
    expect(Array.from(mask as Float32Array)).toEqual([0, 1, 1, 0, 1, 0]);
  });
  it('with one global threshold keep the N(1-s) largest overall', () => {
    const a = [0.9, 0.8, 0.7, 0.6];
    const b = [0.1, 0.2, 0.95, 0.3];
    // N = 8, s = 0.5 → keep 4 overall: 0.95, 0.9, 0.8, 0.7 (three in a, one in b).
    const [ma, mb] = globalMasks([a, b], 0.5);
    expect(Array.from(ma as Float32Array)).toEqual([1, 1, 1, 0]);
    expect(Array.from(mb as Float32Array)).toEqual([0, 0, 1, 0]);
  });
  it('keep exactly k on ties, so realised sparsity is the target within one weight', () => {
    const mask = topKMask(new Float32Array(10).fill(0.5), 3);
    expect(countZeros(mask)).toBe(7);
  });
});

describe('random masks', () => {
  it('prune the same number of weights as magnitude masks, seeded and nested over sparsity', () => {
    const scores = randomScores(1000, createRng(7));
    const [m50] = layerwiseMasks([scores], 0.5);
    const [m90] = layerwiseMasks([scores], 0.9);
    expect(countZeros(m50 as Float32Array)).toBe(500);
    expect(countZeros(m90 as Float32Array)).toBe(900);
    for (let i = 0; i < 1000; i++) if ((m90 as Float32Array)[i] === 1) expect((m50 as Float32Array)[i]).toBe(1);
    expect(Array.from(randomScores(5, createRng(7)))).toEqual(Array.from(scores.subarray(0, 5)));
  });
});
