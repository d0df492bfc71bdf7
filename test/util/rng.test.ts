import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/util/rng.ts';

describe('createRng', () => {
  it('gives the same sequence for the same seed and different ones for different seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it('draws uniforms in [0,1) with mean 1/2 and normals with mean 0 and variance 1', () => {
    const rng = createRng(1);
    const n = 50_000;
    let sumU = 0;
    let sumZ = 0;
    let sumZ2 = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      sumU += u;
      const z = rng.normal();
      sumZ += z;
      sumZ2 += z * z;
    }
    expect(sumU / n).toBeCloseTo(0.5, 2);
    expect(sumZ / n).toBeCloseTo(0, 1);
    expect(sumZ2 / n).toBeCloseTo(1, 1);
  });

  it('forks independent streams deterministically', () => {
    const root = createRng(3);
    expect(root.fork('a').next()).toBe(createRng(3).fork('a').next());
    expect(root.fork('a').next()).not.toBe(root.fork('b').next());
  });
});
