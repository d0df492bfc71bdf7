import { describe, expect, it } from 'vitest';
import {
  allocateWithCapacity,
  hhi,
  linearQuantities,
  logitConsumerSurplusUsd,
  logitInclusiveValue,
  logitShares,
  marketSizeAt,
} from '../../src/market/demand.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const on = (n: number) => new Uint8Array(n).fill(1);

describe('logit demand', () => {
  it('shares plus the outside good sum to one and match the closed form', () => {
    const shares = new Float64Array(3);
    const outside = logitShares(f64([2, 2.5, 1.5]), f64([1.4, 1.9, 1.2]), on(3), 0.25, 0, shares);
    const w = [Math.exp(0.6 / 0.25), Math.exp(0.6 / 0.25), Math.exp(0.3 / 0.25)];
    const total = w[0]! + w[1]! + w[2]! + 1;
    expect(shares[0]).toBeCloseTo(w[0]! / total, 12);
    expect(shares[2]).toBeCloseTo(w[2]! / total, 12);
    expect(outside + shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('does not overflow for tiny mu, and gives inactive providers nothing', () => {
    const shares = new Float64Array(2);
    const active = Uint8Array.from([1, 0]);
    const outside = logitShares(f64([2, 5]), f64([1, 1]), active, 1e-4, 0, shares);
    expect(shares[0]).toBeCloseTo(1, 12);
    expect(shares[1]).toBe(0);
    expect(outside).toBeGreaterThanOrEqual(0);
  });

  it("consumer surplus obeys Roy's identity: dCS/dp_i = −q_i", () => {
    const q = f64([2, 2.2]);
    const cs = (p: number[]) => logitConsumerSurplusUsd(logitInclusiveValue(q, f64(p), on(2), 0.3, 0.1), 0.3, 0.1, 50);
    const shares = new Float64Array(2);
    logitShares(q, f64([1.5, 1.7]), on(2), 0.3, 0.1, shares);
    const h = 1e-6;
    expect((cs([1.5 + h, 1.7]) - cs([1.5 - h, 1.7])) / (2 * h)).toBeCloseTo(-50 * shares[0]!, 5);
  });

  it('market size falls log-linearly: M0·exp(−ε(p/p_ref − 1)) (was constant elasticity, unbounded at price 0: issue 15 bug 3)', () => {
    expect(marketSizeAt(100, 0, 3, 1)).toBe(100);
    expect(marketSizeAt(100, 0.5, 4, 1)).toBeCloseTo(100 * Math.exp(-1.5), 12);
  });
});

describe('capacity', () => {
  it('spills excess demand to providers with room by logit weights (the outside good included)', () => {
    // Equal weights: shares 0.4, 0.4, outside 0.2; M = 100; provider 0 can serve 10.
    const quantity = new Float64Array(2);
    allocateWithCapacity(f64([0.4, 0.4]), 0.2, 100, f64([10, Infinity]), on(2), quantity, new Uint8Array(2));
    // 30 spill; provider 1 takes 0.4/(0.4 + 0.2) of them = 20.
    expect(quantity[0]).toBe(10);
    expect(quantity[1]).toBeCloseTo(60, 12);
  });

  it('serves at most capacity everywhere when all are full', () => {
    const quantity = new Float64Array(2);
    allocateWithCapacity(f64([0.5, 0.5]), 0, 100, f64([10, 20]), on(2), quantity, new Uint8Array(2));
    expect([...quantity]).toEqual([10, 20]);
  });
});

describe('linear demand and concentration', () => {
  it('at equal prices total demand is (a − p)/b whatever the substitution', () => {
    for (const g of [0, 1, 5]) {
      const quantity = new Float64Array(3);
      linearQuantities(f64([10, 10, 10]), f64([4, 4, 4]), on(3), 2, g, quantity);
      expect(quantity.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 12);
    }
  });

  it('HHI is 10,000 for a monopoly and 10,000/n for n equal firms', () => {
    expect(hhi(f64([5, 0]))).toBe(10_000);
    expect(hhi(f64([1, 1, 1, 1]))).toBeCloseTo(2_500, 10);
  });
});
