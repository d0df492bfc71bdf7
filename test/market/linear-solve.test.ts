import { describe, expect, it } from 'vitest';
import { solveLinear } from '../../src/market/linear-solve.ts';

describe('solveLinear', () => {
  it('solves a system that needs pivoting (hand-checked solution)', () => {
    // x = 1, y = 2, z = 3.
    const A = [
      [0, 2, 1],
      [1, 1, 1],
      [2, 0, 3],
    ];
    expect(solveLinear(A, [7, 6, 11]).map((v) => Number(v.toFixed(12)))).toEqual([1, 2, 3]);
    expect(A[0]).toEqual([0, 2, 1]); // inputs untouched
  });

  it('rejects a singular matrix', () => {
    expect(() =>
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(RangeError);
  });
});
