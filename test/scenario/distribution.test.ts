import { describe, expect, it } from 'vitest';
import { draw, pointEstimate, sampleAll } from '../../src/scenario/distribution.ts';
import { createRng } from '../../src/util/rng.ts';
import { percentile } from '../../src/market/summary.ts';

describe('distributions', () => {
  it('draws with the right location and spread (10,000 draws)', () => {
    const rng = createRng(3);
    const normal = Array.from({ length: 10_000 }, () => draw({ dist: 'normal', mean: 5, sd: 2 }, rng));
    const mean = normal.reduce((a, b) => a + b, 0) / normal.length;
    expect(Math.abs(mean - 5)).toBeLessThan(4 * (2 / 100)); // 4 standard errors
    const lognormal = Array.from({ length: 10_000 }, () => draw({ dist: 'lognormal', median: 3, sigma: 0.5 }, rng));
    expect(Math.abs(percentile(lognormal, 50) / 3 - 1)).toBeLessThan(0.03);
    const uniform = Array.from({ length: 10_000 }, () => draw({ dist: 'uniform', min: 1, max: 2 }, rng));
    expect(Math.min(...uniform)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...uniform)).toBeLessThan(2);
    const truncated = Array.from({ length: 1_000 }, () => draw({ dist: 'normal', mean: 0, sd: 1, min: 0 }, rng));
    expect(Math.min(...truncated)).toBe(0);
  });

  it("draws per field path: making another field random does not change a field's draw", () => {
    const a = sampleAll({ x: { dist: 'normal', mean: 0, sd: 1 }, y: 1 } as const, createRng(8));
    const b = sampleAll({ x: { dist: 'normal', mean: 0, sd: 1 }, y: { dist: 'uniform', min: 0, max: 1 } } as const, createRng(8));
    expect(b.x).toBe(a.x);
    expect(a.y).toBe(1);
  });

  it('point estimates are the mean, midpoint or median', () => {
    expect(pointEstimate([{ dist: 'normal', mean: 2, sd: 1 }, { dist: 'uniform', min: 1, max: 3 }, { dist: 'lognormal', median: 4, sigma: 1 }, 7])).toEqual([
      2, 2, 4, 7,
    ]);
  });
});
