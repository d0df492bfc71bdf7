/**
 * Issue 15's ten market bugs, each reproduced here before it was fixed. Every expectation is
 * an independent reference: a closed form by hand, a brute-force search, or the demand
 * primitives recombined by hand.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, equilibriumReport, simulateRuns } from '../../src/market/montecarlo.ts';
import { allocateLinearWithCapacity, linearQuantities, logitInclusiveValue, logitShares, marketSizeAt } from '../../src/market/demand.ts';
import { linearCollusive, linearNash, logitCollusive, logitNash, logitSharesAt, priceGrid } from '../../src/market/index.ts';

const f64 = (xs: number[]) => Float64Array.from(xs);
const on = (n: number) => new Uint8Array(n).fill(1);
const run = (text: string, runs = 1) => {
  const s = parseScenario(text, 't.yaml');
  return assembleSimulation(
    s,
    new Map(),
    simulateRuns(
      s,
      new Map(),
      Array.from({ length: runs }, (_, i) => i),
    ),
  );
};

describe("bug 1: linear demand is bounded (a priced-out firm leaves its rivals' demand)", () => {
  it('a firm at 1.3 beside one priced out sells 7.975 (rival at its virtual price 2.75), not 251, whatever the rival charges', () => {
    // By hand, γ = 10, n = 2: the rival's demand is 0 at v with 10 − 11v + 5(1.3 + v) = 0, v = 2.75;
    // q = (10 − 11·1.3 + 5·(1.3 + 2.75))/2 = 7.975 ≤ a/b = 10.
    for (const rival of [100, 1000]) {
      const q = new Float64Array(2);
      linearQuantities(f64([10, 10]), f64([1.3, rival]), on(2), 1, 10, q);
      expect(q[1]).toBe(0);
      expect(q[0]).toBeCloseTo(7.975, 12);
    }
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

  it('linearNash never prices below cost, and no firm gains by deviating (grid search)', () => {
    const m = { quality: [10, 1], marginalCostUsd: [1, 3], slope: 1, substitution: 1 };
    const nash = linearNash(m).map((e) => e.price);
    nash.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(m.marginalCostUsd[i]! - 1e-12));
    const profit = (p: number[], i: number) => {
      const q = new Float64Array(2);
      linearQuantities(f64(m.quality), f64(p), on(2), 1, 1, q);
      return q[i]! * (p[i]! - m.marginalCostUsd[i]!);
    };
    for (let i = 0; i < 2; i++) {
      const base = profit(nash, i);
      for (let x = 0; x <= 12; x += 0.01)
        expect(
          profit(
            nash.map((v, j) => (j === i ? x : v)),
            i,
          ),
        ).toBeLessThanOrEqual(base + 1e-9);
    }
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

describe('bug 4: equilibria of the market that is simulated (elastic size, capacity)', () => {
  it('a lone seller with elastic size prices at the closed-form optimum c + p_ref/ε, Nash and collusive alike', () => {
    // Outside good at −60: share ≈ 1, so profit = M0·exp(−ε(p/p_ref − 1))·(p − c), maximised at p = c + p_ref/ε.
    const report = equilibriumReport(
      parseScenario(
        `
demand: { type: logit, mu: 1, outsideQuality: -60, marketSize: 10, priceElasticity: 2, referencePrice: 1 }
providers:
  - { name: a, quality: 0, marginalCost: 1, strategy: { type: bestResponse } }
`,
        't.yaml',
      ),
      new Map(),
    );
    expect(report.nash[0]?.price).toBeCloseTo(1.5, 6);
    expect(report.collusive[0]?.price).toBeCloseTo(1.5, 6);
  });

  it('refuses Nash, with the reason, where best responses cycle under a tight capacity (Edgeworth)', () => {
    const report = equilibriumReport(
      parseScenario(
        `
demand: { type: logit, mu: 0.5, outsideQuality: 0, marketSize: 100, priceElasticity: 0.8, referencePrice: 1.5 }
providers:
  - { name: a, quality: 2, marginalCost: 1, capacity: 30, strategy: { type: bestResponse } }
  - { name: b, quality: 2.2, marginalCost: 1.1, strategy: { type: bestResponse } }
`,
        't.yaml',
      ),
      new Map(),
    );
    expect(report.nash).toEqual([]);
    expect(report.nashRefused).toMatch(/do not settle/);
    report.collusive.forEach((e, i) => expect(e.price).toBeGreaterThanOrEqual([1, 1.1][i]!));
  });

  it('two elastic sellers (numeric path, capacity far away): no unilateral deviation on a grid pays (profit from the demand primitives)', () => {
    const text = `
demand: { type: logit, mu: 0.5, outsideQuality: 0, marketSize: 100, priceElasticity: 0.8, referencePrice: 1.5 }
providers:
  - { name: a, quality: 2, marginalCost: 1, capacity: 1000000, strategy: { type: bestResponse } }
  - { name: b, quality: 2.2, marginalCost: 1.1, strategy: { type: bestResponse } }
`;
    const report = equilibriumReport(parseScenario(text, 't.yaml'), new Map());
    const nash = report.nash.map((e) => e.price);
    const profit = (p: number[], i: number) => {
      const shares = new Float64Array(2);
      const outside = logitShares(f64([2, 2.2]), f64(p), on(2), 0.5, 0, shares);
      const size = marketSizeAt(100, 0.8, (shares[0]! * p[0]! + shares[1]! * p[1]!) / (shares[0]! + shares[1]!), 1.5);
      const first = [size * shares[0]!, size * shares[1]!];
      const q = [...first];
      if (first[0]! > 1e6) {
        q[0] = 1e6;
        q[1] = first[1]! + ((first[0]! - 1e6) * shares[1]!) / (shares[1]! + outside);
      }
      return q[i]! * (p[i]! - [1, 1.1][i]!);
    };
    for (let i = 0; i < 2; i++) {
      const base = profit(nash, i);
      expect(report.nash[i]?.profit).toBeCloseTo(base, 5);
      for (let x = 0.5; x <= 5; x += 0.005)
        expect(
          profit(
            nash.map((v, j) => (j === i ? x : v)),
            i,
          ),
        ).toBeLessThanOrEqual(base * (1 + 1e-9));
    }
    // Joint profit: no pair on a grid beats it.
    const joint = (p: number[]) => profit(p, 0) + profit(p, 1);
    const coll = joint(report.collusive.map((e) => e.price));
    for (let x = 1; x <= 5; x += 0.05) for (let y = 1; y <= 5; y += 0.05) expect(joint([x, y])).toBeLessThanOrEqual(coll * (1 + 1e-9));
  });
});

describe('bug 5: stage equilibria follow entry, exit and cost shocks', () => {
  it('an incumbent with no initial price starts at its monopoly price when the rival has not entered yet', () => {
    const r = run(`
periods: 2
demand: { type: logit, mu: 0.25 }
providers:
  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0 } }
  - { name: b, quality: 2, marginalCost: 1, entersAt: 5, strategy: { type: costPlus, markup: 0 } }
`);
    const p = r.rows[0]?.priceUsd as number;
    const [s] = logitSharesAt({ quality: [2], marginalCostUsd: [1], mu: 0.25, outsideQuality: 0 }, [p]) as [number];
    expect((p - 1) * (1 - s)).toBeCloseTo(0.25, 8);
  });

  it("tit-for-tat's collusive price moves to the monopoly price after the rival exits, and with a cost shock", () => {
    const r = run(`
periods: 12
demand: { type: logit, mu: 0.25, marketSize: 10 }
providers:
  - { name: a, quality: 2, marginalCost: 1, strategy: { type: titForTat }, costShocks: [{ atPeriod: 8, factor: 0.5 }] }
  - { name: b, quality: 2, marginalCost: 1, cash: 1, fixedCostPerPeriod: 100, strategy: { type: titForTat } }
`);
    const a = r.rows.filter((row) => row.provider === 'a');
    // b exits in period 0; from period 1 on a is alone: its collusive (= monopoly) price solves (p − c)(1 − s) = μ.
    const monopoly = (c: number, p: number) => {
      const [s] = logitSharesAt({ quality: [2], marginalCostUsd: [c], mu: 0.25, outsideQuality: 0 }, [p]) as [number];
      return (p - c) * (1 - s);
    };
    expect(monopoly(1, a[3]?.priceUsd as number)).toBeCloseTo(0.25, 8);
    expect(monopoly(0.5, a[9]?.priceUsd as number)).toBeCloseTo(0.25, 8);
  });
});

describe('bug 6: the real price change is measured from the real first price', () => {
  it('referenceChange = later reference / first reference − 1; null when the provider has one reference', () => {
    const r = run(`
periods: 5
demand: { type: logit, mu: 0.25 }
providers:
  - { name: a, quality: 2, marginalCost: 1, initialPrice: 3, strategy: { type: costPlus, markup: 0.2 } }
  - { name: b, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0.2 } }
references:
  - { provider: a, period: 0, date: 2024-01-01, price: 2, source: test }
  - { provider: a, period: 3, date: 2024-01-04, price: 1, source: test }
  - { provider: b, period: 3, date: 2024-01-04, price: 1, source: test }
`);
    const later = r.referenceComparison.find((c) => c.provider === 'a' && c.period === 3);
    expect(later?.referenceChange).toBeCloseTo(-0.5, 12);
    expect(later?.simulatedChange).toBeCloseTo(1.2 / 3 - 1, 12);
    expect(r.referenceComparison.find((c) => c.provider === 'b')?.referenceChange).toBeNull();
  });
});

describe("bug 7: Q-learning uses each agent's own parameters", () => {
  it('an agent with α ≈ 0 never learns: its greedy action stays the argmax of Q0 in every state', () => {
    const market = { quality: [2, 2], marginalCostUsd: [1, 1], mu: 0.25, outsideQuality: 0 };
    const r = run(`
periods: 2
demand: { type: logit, mu: 0.25 }
providers:
  - { name: a, quality: 2, marginalCost: 1, strategy: { type: qlearning, alpha: 0.15, beta: 2e-4, convergencePeriods: 1000, maxPeriods: 40000 } }
  - { name: b, quality: 2, marginalCost: 1, strategy: { type: qlearning, alpha: 1e-12, beta: 2e-4, convergencePeriods: 1000, maxPeriods: 40000 } }
`);
    // Q0(a) ∝ mean over the rival's grid of π_b(a, a_rival): its argmax, by hand.
    const grid = priceGrid(logitNash(market)[0]!.price, logitCollusive(market)[0]!.price, 15, 0.1);
    const mean = grid.map((pb) => grid.reduce((s, pa) => s + (logitSharesAt(market, [pa, pb])[1] as number) * (pb - 1), 0));
    const best = grid[mean.indexOf(Math.max(...mean))];
    expect(r.rows.filter((row) => row.provider === 'b').every((row) => row.priceUsd === best)).toBe(true);
    expect(r.learning[0]?.cyclePricesUsd.every((step) => step[1] === best)).toBe(true);
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

describe('bug 9: a learning curve combines with a given marginalCost', () => {
  it('marginalCost 1 with learningCurve 10% per period: 1, 0.9, 0.81', () => {
    const r = run(`
periods: 3
demand: { type: logit, mu: 0.25 }
providers:
  - { name: a, quality: 2, marginalCost: 1, learningCurve: { declinePerPeriod: 0.1 }, strategy: { type: costPlus } }
`);
    const mc = r.rows.map((row) => row.marginalCostUsd);
    expect(mc[0]).toBe(1);
    expect(mc[1]).toBeCloseTo(0.9, 12);
    expect(mc[2]).toBeCloseTo(0.81, 12);
  });
});

describe('bug 10: the two shares have different names', () => {
  it('rows carry unitShare (of units sold); equilibria carry consumerShare (of all consumers)', () => {
    const r = run(`
periods: 1
demand: { type: logit, mu: 0.25 }
providers:
  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus } }
  - { name: b, quality: 2, marginalCost: 1, strategy: { type: costPlus } }
`);
    expect(r.rows[0]).toHaveProperty('unitShare', 0.5);
    expect(r.rows[0]).not.toHaveProperty('share');
    const [s] = logitSharesAt({ quality: [2, 2], marginalCostUsd: [1, 1], mu: 0.25, outsideQuality: 0 }, [
      r.equilibrium.nash[0]!.price,
      r.equilibrium.nash[1]!.price,
    ]) as [number];
    expect(r.equilibrium.nash[0]).toHaveProperty('consumerShare');
    expect(r.equilibrium.nash[0]?.consumerShare).toBeCloseTo(s, 12);
    expect(logitInclusiveValue).toBeTypeOf('function');
  });
});
