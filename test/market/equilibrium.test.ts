import { describe, expect, it } from 'vitest';
import { linearCollusive, linearCournot, linearNash, logitBestResponse, logitCollusive, logitNash } from '../../src/market/equilibrium.ts';

// Calvano, Calzolari, Denicolò & Pastorello (2020) baseline: a = 2, a0 = 0, c = 1, mu = 0.25 (AER 110(10), 2020).
const calvano = (n: number) => ({ quality: Array(n).fill(2), marginalCostUsd: Array(n).fill(1), mu: 0.25, outsideQuality: 0 });

describe('logit equilibria', () => {
  it("reproduces Calvano et al.'s n = 2 Nash and joint-profit prices and profits", () => {
    for (const e of logitNash(calvano(2))) {
      expect(e.price).toBeCloseTo(1.472927, 6);
      expect(e.profit).toBeCloseTo(0.222927, 6);
    }
    for (const e of logitCollusive(calvano(2))) {
      expect(e.price).toBeCloseTo(1.924981, 6);
      expect(e.profit).toBeCloseTo(0.33749, 6);
    }
  });

  it('reproduces the n = 3 Nash (1.370163) and joint-profit (2.0) prices', () => {
    for (const e of logitNash(calvano(3))) expect(e.price).toBeCloseTo(1.370163, 6);
    for (const e of logitCollusive(calvano(3))) expect(e.price).toBeCloseTo(2.0, 6);
  });

  it("approaches Bertrand with unequal costs as mu → 0: the low-cost firm prices at the rival's cost", () => {
    const [low, high] = logitNash({ quality: [2, 2], marginalCostUsd: [1, 1.2], mu: 0.001, outsideQuality: 0 });
    expect(Math.abs((low?.price ?? 0) - 1.2)).toBeLessThan(0.01);
    expect((high?.price ?? 0) - 1.2).toBeLessThan(0.01);
    expect(low?.consumerShare ?? 0).toBeGreaterThan(0.95);
  });

  it('is a fixed point of best responses with heterogeneous firms (a second method)', () => {
    const m = { quality: [2, 2.3, 1.8], marginalCostUsd: [1, 1.2, 0.7], mu: 0.3, outsideQuality: 0.2 };
    const prices = logitNash(m).map((e) => e.price);
    prices.forEach((p, i) => expect(logitBestResponse(m, prices, i)).toBeCloseTo(p, 8));
  });
});

describe('linear demand equilibria', () => {
  it('symmetric n-firm Cournot: q = (a − c)/(b(n + 1)), P = (a + nc)/(n + 1)', () => {
    for (const n of [1, 2, 3, 5]) {
      const res = linearCournot({ quality: Array(n).fill(10), marginalCostUsd: Array(n).fill(2), slope: 0.5, substitution: 1 });
      for (const e of res) {
        expect(e.quantity).toBeCloseTo((10 - 2) / (0.5 * (n + 1)), 10);
        expect(e.price).toBeCloseTo((10 + n * 2) / (n + 1), 10);
      }
    }
  });

  it('Cournot drops a firm whose cost is above the price the others set', () => {
    const [a, b, c] = linearCournot({ quality: [10, 10, 10], marginalCostUsd: [2, 2, 9], slope: 1, substitution: 1 });
    expect(c?.quantity).toBe(0);
    expect(a?.quantity).toBeCloseTo(8 / 3, 10); // duopoly of the two cheap firms
    expect(b?.price).toBeCloseTo((10 + 4) / 3, 10);
  });

  it('Bertrand–Nash: no firm gains by a small price change (finite differences)', () => {
    const m = { quality: [10, 11, 9], marginalCostUsd: [2, 3, 1.5], slope: 1, substitution: 2 };
    const nash = linearNash(m).map((e) => e.price);
    const profit = (p: number[], i: number) => {
      const n = p.length;
      const sum = p.reduce((s, v) => s + v, 0);
      const q = ((m.quality[i] as number) - 3 * (p[i] as number) + (2 / n) * sum) / n;
      return q * ((p[i] as number) - (m.marginalCostUsd[i] as number));
    };
    nash.forEach((_, i) => {
      for (const h of [-1e-3, 1e-3])
        expect(
          profit(
            nash.map((v, j) => (j === i ? v + h : v)),
            i,
          ),
        ).toBeLessThan(profit(nash, i));
    });
  });

  it('joint profit: above Nash prices, and no joint gain from small changes', () => {
    const m = { quality: [10, 10], marginalCostUsd: [2, 2], slope: 1, substitution: 1 };
    const coll = linearCollusive(m);
    const nash = linearNash(m);
    expect(coll[0]?.price).toBeGreaterThan(nash[0]?.price ?? Infinity);
    // Symmetric monopoly with total demand (a − p)/b: p = (a + c)/2 = 6.
    expect(coll[0]?.price).toBeCloseTo(6, 10);
  });
});
