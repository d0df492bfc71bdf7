/**
 * Issue 15's market bugs 1 (bounded linear demand, joint-profit maximum), 2, 3 and 8, each
 * reproduced here before it was fixed (bugs 4–7, 9, 10 are still open). Every expectation is
 * an independent reference: a closed form by hand, a brute-force search, or the demand
 * primitives recombined by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { allocateLinearWithCapacity, linearQuantities, marketSizeAt } from '../../src/market/demand.ts';
import { linearCollusive, logitSharesAt } from '../../src/market/index.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const on = (n: number) => new Uint8Array(n).fill(1);
const run = (text: string, runs = 1) => {
  const s = parseScenario(text, 't.yaml');
  return assembleSimulation(s, new Map(), simulateRuns(s, new Map(), Array.from({ length: runs }, (_, i) => i)));
};

describe('bug 1: linear demand is bounded (a priced-out firm leaves its rivals\' demand)', () => {
  it('a firm at 1.3 beside one priced out sells the monopoly quantity (a − p)/b = 8.7, not 251', () => {
    const q = new Float64Array(2);
    linearQuantities(f64([10, 10]), f64([1.3, 100]), on(2), 1, 10, q);
    expect(q[1]).toBe(0);
    expect(q[0]).toBeCloseTo(10 - 1.3, 12);
  });

  // Joint profit of the (bounded) linear market by brute force on a 0.005 grid.
  const market = { quality: [10, 4], marginalCostUsd: [1, 1], slope: 1, substitution: 4 };
  const jointProfit = (p: number[]) => {
    const q = new Float64Array(2);
    linearQuantities(f64(market.quality), f64(p), on(2), 1, 4, q);
    return q[0]! * (p[0]! - 1) + q[1]! * (p[1]! - 1);
  };
  it('linearCollusive is a maximum of joint profit (checked against a grid search)', () => {
    let best = -Infinity;
    for (let a = 0; a <= 12; a += 0.005) for (let b = 0; b <= 12; b += 0.05) best = Math.max(best, jointProfit([a, b]));
    const coll = linearCollusive(market);
    expect(jointProfit(coll.map((e) => e.price))).toBeGreaterThanOrEqual(best - 1e-9);
    expect(coll.reduce((s, e) => s + e.profit, 0)).toBeCloseTo(jointProfit(coll.map((e) => e.price)), 9);
  });
});

describe('bug 2: outside share and consumer surplus after capacity spill-over', () => {
  it('outsideShare counts the rationed customers who went to the outside good; CS uses their second choice', () => {
    const r = run(`
periods: 1
demand: { type: logit, mu: 0.5, marketSize: 100 }
providers:
  - { name: a, quality: 2, marginalCost: 1, initialPrice: 1.5, capacity: 10, strategy: { type: costPlus, markup: 0.5 } }
  - { name: b, quality: 2, marginalCost: 1, initialPrice: 1.5, strategy: { type: costPlus, markup: 0.5 } }
`);
    const [s] = logitSharesAt({ quality: [2, 2], marginalCostUsd: [1, 1], mu: 0.5, outsideQuality: 0 }, [1.5, 1.5]) as [number];
    const s0 = 1 - 2 * s;
    const rationed = 100 * s - 10;
    const qb = 100 * s + (rationed * s) / (s + s0);
    expect(r.marketRows[0]?.outsideShare).toBeCloseTo(1 - (10 + qb) / 100, 12);
    // Small–Rosen surplus per consumer μ·(IV − a0/μ): first choices at the full set, the rationed at {b, outside}.
    const ivAll = Math.log(2 * Math.exp(0.5 / 0.5) + 1);
    const ivOpen = Math.log(Math.exp(0.5 / 0.5) + 1);
    expect(r.marketRows[0]?.consumerSurplusUsd).toBeCloseTo(0.5 * ((100 - rationed) * ivAll + rationed * ivOpen), 9);
  });
});

describe('bug 3: price-elastic market size stays finite at price 0', () => {
  it('log-linear size M0·exp(−ε(p/p_ref − 1)): e^ε·M0 at price 0, elasticity ε at the reference price', () => {
    expect(marketSizeAt(988, 0.5, 0, 0.5)).toBeCloseTo(988 * Math.exp(0.5), 9);
    expect(marketSizeAt(100, 0.5, 1, 1)).toBeCloseTo(100, 12);
    const h = 1e-6;
    const elasticity = -(Math.log(marketSizeAt(100, 0.5, 1 + h, 1)) - Math.log(marketSizeAt(100, 0.5, 1 - h, 1))) / (Math.log(1 + h) - Math.log(1 - h));
    expect(elasticity).toBeCloseTo(0.5, 6);
  });

  it('a run where everybody goes free keeps the market within e^ε of its base size', () => {
    const r = run(`
periods: 3
demand: { type: logit, mu: 0.4, marketSize: 988, priceElasticity: 0.5, referencePrice: 0.5 }
providers:
  - { name: a, quality: 2, marginalCost: 0, initialPrice: 0.5, strategy: { type: costPlus, markup: 0 } }
  - { name: b, quality: 2, marginalCost: 0, initialPrice: 0.5, strategy: { type: costPlus, markup: 0 } }
`);
    const total = r.marketRows[2]!.totalQuantityUnits / (1 - (r.marketRows[2]!.outsideShare as number));
    expect(total).toBeCloseTo(988 * Math.exp(0.5), 6);
  });
});

describe('bug 8: capacity under linear demand spills over', () => {
  it('excess customers go to rivals by the diversion ratio (γ/n)/(1 + γ − γ/n); the rest leave', () => {
    // a = 10, b = 1, γ = 1, n = 2, p = 4: q = 3 each; provider 0 serves 1; 2 spill, 1/3 of them to provider 1.
    const q = f64([3, 3]);
    allocateLinearWithCapacity(q, f64([1, Infinity]), on(2), 1, new Uint8Array(2));
    expect(q[0]).toBe(1);
    expect(q[1]).toBeCloseTo(3 + 2 / 3, 12);
    const r = run(`
periods: 1
demand: { type: linear, slope: 1, substitution: 1 }
providers:
  - { name: a, quality: 10, marginalCost: 4, initialPrice: 4, capacity: 1, strategy: { type: costPlus, markup: 0 } }
  - { name: b, quality: 10, marginalCost: 4, initialPrice: 4, strategy: { type: costPlus, markup: 0 } }
`);
    expect(r.rows[1]?.quantityUnits).toBeCloseTo(3 + 2 / 3, 12);
  });
});
