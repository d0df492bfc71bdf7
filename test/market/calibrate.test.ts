import { describe, expect, it } from 'vitest';
import { calibrateDemand, type CalibrationObservation } from '../../src/market/calibrate.ts';
import { impliedMarginalCosts, shareDerivativeColumn } from '../../src/market/calibrate-costs.ts';
import { logitShares, nestedLogitShares } from '../../src/market/demand.ts';
import { logitNash } from '../../src/market/equilibrium.ts';
import { solveStage } from '../../src/market/stage.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { simulateRuns } from '../../src/market/montecarlo.ts';

const base = { outsideQuality: 0.3, priceElasticity: 0, referencePriceUsd: 1, file: 't.yaml' };

describe('nested logit shares (src/market/demand.ts)', () => {
  it('is plain logit at σ = 0 and, for one nest of two equal goods, matches the hand-worked closed form', () => {
    const a = Float64Array.from([2, 1.5, 1]);
    const p = Float64Array.from([1, 0.8, 0.5]);
    const on = new Uint8Array(3).fill(1);
    const plain = new Float64Array(3);
    const nested = new Float64Array(3);
    const o1 = logitShares(a, p, on, 0.25, 0.3, plain);
    const o2 = nestedLogitShares(a, p, on, 0.25, 0.3, [0, 1, 1], 0, nested);
    expect(o2).toBeCloseTo(o1, 14);
    nested.forEach((s, i) => expect(s).toBeCloseTo(plain[i]!, 14));
    // Two identical goods, δ = 1, in one nest with σ = 0.5, outside δ0 = 0:
    // D = 2e^{2}, s_g = D^{0.5}/(1 + D^{0.5}) = √2 e/(1 + √2 e), each good half of it.
    const s = new Float64Array(2);
    const outside = nestedLogitShares(Float64Array.from([1, 1]), Float64Array.from([0, 0]), new Uint8Array(2).fill(1), 1, 0, [0, 0], 0.5, s);
    const sg = (Math.SQRT2 * Math.E) / (1 + Math.SQRT2 * Math.E);
    expect(s[0]).toBeCloseTo(sg / 2, 14);
    expect(outside).toBeCloseTo(1 - sg, 14);
  });

  it('share derivatives match central finite differences of the shares (a second method)', () => {
    const a = Float64Array.from([2, 1.7, 1.2, 1.4]);
    const p = Float64Array.from([1, 0.9, 0.4, 0.6]);
    const nestOf = [0, 0, 1, 1];
    const on = new Uint8Array(4).fill(1);
    const s = new Float64Array(4);
    nestedLogitShares(a, p, on, 0.3, 0.1, nestOf, 0.6, s);
    const h = 1e-6;
    for (let j = 0; j < 4; j++) {
      const col = shareDerivativeColumn({ priceUsd: [...p], share: [...s], nestOf, sigma: 0.6 }, 0.3, j);
      const up = new Float64Array(4);
      const down = new Float64Array(4);
      const pu = Float64Array.from(p);
      pu[j] = pu[j]! + h;
      nestedLogitShares(a, pu, on, 0.3, 0.1, nestOf, 0.6, up);
      pu[j] = pu[j]! - 2 * h;
      nestedLogitShares(a, pu, on, 0.3, 0.1, nestOf, 0.6, down);
      col.forEach((d, k) => expect(d).toBeCloseTo((up[k]! - down[k]!) / (2 * h), 7));
    }
  });
});

/** Shares of all consumers at `prices` from the market's own demand, as observations. */
function observe(a: number[], prices: number[][], mu: number, a0: number, nested?: { nestOf: number[]; sigma: number }): CalibrationObservation[] {
  return prices.flatMap((p, t) => {
    const s = new Float64Array(a.length);
    if (nested) nestedLogitShares(Float64Array.from(a), Float64Array.from(p), new Uint8Array(a.length).fill(1), mu, a0, nested.nestOf, nested.sigma, s);
    else logitShares(Float64Array.from(a), Float64Array.from(p), new Uint8Array(a.length).fill(1), mu, a0, s);
    return a.map((_, j) => ({ period: t, provider: j, priceUsd: p[j]!, share: s[j]!, knownCostUsd: NaN }));
  });
}

describe('calibrateDemand: Berry (1994) inversion', () => {
  it('recovers the qualities and μ of logit shares at known values over three periods to 1e-6', () => {
    const a = [2, 1.5, 1.1];
    const obs = observe(
      a,
      [
        [1, 0.8, 0.5],
        [0.9, 0.85, 0.4],
        [0.7, 0.8, 0.45],
      ],
      0.25,
      0.3,
    );
    const cal = calibrateDemand({ ...base, observations: obs, providers: 3, mu: 9 });
    expect(cal.muSource).toBe('fitted');
    expect(Math.abs(cal.mu - 0.25)).toBeLessThan(1e-6);
    a.forEach((ai, j) => expect(Math.abs(cal.providers[j]!.quality - ai)).toBeLessThan(1e-6));
    expect(cal.fitRmsLogShare).toBeLessThan(1e-9);
  });

  it('recovers qualities and μ under nested logit (open vs closed nests, σ = 0.6) to 1e-6', () => {
    const a = [2, 1.5, 1.1, 1.3];
    const nested = { nestOf: [0, 0, 1, 1], sigma: 0.6 };
    const obs = observe(
      a,
      [
        [1, 0.8, 0.5, 0.6],
        [0.9, 0.85, 0.2, 0.6],
        [0.7, 0.8, 0.45, 0.3],
      ],
      0.4,
      0.3,
      nested,
    );
    const cal = calibrateDemand({ ...base, observations: obs, providers: 4, mu: 9, nested });
    expect(Math.abs(cal.mu - 0.4)).toBeLessThan(1e-6);
    a.forEach((ai, j) => expect(Math.abs(cal.providers[j]!.quality - ai)).toBeLessThan(1e-6));
  });

  it('implied marginal costs equal the true costs at logitNash prices (one period: μ from the scenario)', () => {
    const m = { quality: [2, 2.3, 1.8], marginalCostUsd: [1, 1.2, 0.7], mu: 0.3, outsideQuality: 0.2 };
    const nash = logitNash(m);
    const obs = nash.map((e, j) => ({ period: 4, provider: j, priceUsd: e.price, share: e.consumerShare, knownCostUsd: NaN }));
    const cal = calibrateDemand({ ...base, outsideQuality: 0.2, observations: obs, providers: 3, mu: 0.3 });
    expect(cal.muSource).toBe('scenario');
    m.marginalCostUsd.forEach((c, j) => expect(cal.providers[j]!.impliedMarginalCostUsd).toBeCloseTo(c, 9));
    m.quality.forEach((q, j) => expect(cal.providers[j]!.quality).toBeCloseTo(q, 9));
  });

  it("two Nash periods at different costs: μ fitted, qualities and both periods' costs recovered", () => {
    const q = [2, 2.3, 1.8];
    const c1 = [1, 1.2, 0.7];
    const c2 = [0.5, 1.2, 0.9];
    const obs = [c1, c2].flatMap((c, t) =>
      logitNash({ quality: q, marginalCostUsd: c, mu: 0.3, outsideQuality: 0 }).map((e, j) => ({
        period: t,
        provider: j,
        priceUsd: e.price,
        share: e.consumerShare,
        knownCostUsd: NaN,
      })),
    );
    const cal = calibrateDemand({ ...base, outsideQuality: 0, observations: obs, providers: 3, mu: 5 });
    expect(Math.abs(cal.mu - 0.3)).toBeLessThan(1e-6);
    q.forEach((qi, j) => expect(Math.abs(cal.providers[j]!.quality - qi)).toBeLessThan(1e-6));
    cal.providers.forEach((p, j) => {
      expect(p!.impliedByPeriod[0]!.impliedMarginalCostUsd).toBeCloseTo(c1[j]!, 6);
      expect(p!.impliedByPeriod[1]!.impliedMarginalCostUsd).toBeCloseTo(c2[j]!, 6);
    });
  });

  it('μ from known costs at a single period matches the true μ (supply side)', () => {
    const nash = logitNash({ quality: [2, 1.6], marginalCostUsd: [1, 0.8], mu: 0.35, outsideQuality: 0 });
    const obs = nash.map((e, j) => ({ period: 0, provider: j, priceUsd: e.price, share: e.consumerShare, knownCostUsd: [1, 0.8][j]! }));
    const cal = calibrateDemand({ ...base, outsideQuality: 0, observations: obs, providers: 2, mu: 1 });
    expect(cal.muSource).toBe('costs');
    expect(cal.mu).toBeCloseTo(0.35, 9);
  });

  it('implied costs at numeric Nash prices of nested logit with price-elastic size equal the true costs (second method: src/market/stage.ts best responses)', () => {
    const demand = {
      type: 'logit' as const,
      mu: 0.3,
      outsideQuality: 0,
      marketSize: 1000,
      priceElasticity: 0.5,
      referencePriceUsd: 1,
      nestedLogit: { sigma: 0.5, nestOf: [0, 0, 1], nests: ['closed', 'open'] },
    };
    const c = [0.6, 0.8, 0.3];
    const eq = solveStage({ demand, quality: [2, 2.2, 1.5], marginalCostUsd: c, capacityUnits: [Infinity, Infinity, Infinity] });
    const shares = eq.nash!.map((e) => e.consumerShare);
    const implied = impliedMarginalCosts({ priceUsd: eq.nash!.map((e) => e.price), share: shares, nestOf: [0, 0, 1], sigma: 0.5 }, 0.3, 0.5, 1);
    implied.forEach((ci, j) => expect(Math.abs(ci - c[j]!)).toBeLessThan(1e-5));
  });
});

describe('round trip through a simulated scenario', () => {
  const yaml = (nested: boolean) => `
periods: 3
demand: { type: logit, mu: 0.25, outsideQuality: 0.3, marketSize: 1000${nested ? ', nestedLogit: { sigma: 0.5, nests: { closed: [A, B], open: [C] } }' : ''} }
providers:
  - { name: A, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0.3 }, costShocks: [{ atPeriod: 1, factor: 0.8 }] }
  - { name: B, quality: 1.5, marginalCost: 0.6, strategy: { type: costPlus, markup: 0.4 }, costShocks: [{ atPeriod: 2, factor: 0.7 }] }
  - { name: C, quality: 1.1, marginalCost: 0.3, strategy: { type: costPlus, markup: 0.5 } }
`;
  for (const nested of [false, true])
    it(`simulate at known a, μ → shares of all consumers → calibrate recovers them to 1e-6 (${nested ? 'nested logit' : 'logit'})`, () => {
      const scenario = parseScenario(yaml(nested), 't.yaml');
      const [run] = simulateRuns(scenario, new Map(), [0]);
      const size = (t: number) => {
        const m = run!.marketRows[t]!;
        return m.totalQuantityUnits / (1 - m.outsideShare!);
      };
      const obs = run!.rows.map((r) => ({
        period: r.period,
        provider: ['A', 'B', 'C'].indexOf(r.provider),
        priceUsd: r.priceUsd!,
        share: r.quantityUnits / size(r.period),
        knownCostUsd: NaN,
      }));
      const cal = calibrateDemand({ ...base, observations: obs, providers: 3, mu: 7, ...(nested ? { nested: { sigma: 0.5, nestOf: [0, 0, 1] } } : {}) });
      expect(Math.abs(cal.mu - 0.25)).toBeLessThan(1e-6);
      [2, 1.5, 1.1].forEach((a, j) => expect(Math.abs(cal.providers[j]!.quality - a)).toBeLessThan(1e-6));
    });
});

describe('round trip with a drifting outside option and a model release', () => {
  it('recovers μ, the qualities before and after the release, and the drift-adjusted qualities to 1e-6', () => {
    const text = `
periods: 4
demand: { type: logit, mu: 0.25, outsideQuality: 0.3, outsideQualityPerPeriod: 0.05, marketSize: 1000, growthPerPeriod: 0.1 }
providers:
  - { name: A, quality: 2, marginalCost: 1, strategy: { type: costPlus, markup: 0.3 }, releases: [{ atPeriod: 2, quality: 2.4, costFactor: 0.6 }] }
  - { name: B, quality: 1.5, marginalCost: 0.6, strategy: { type: costPlus, markup: 0.4 }, costShocks: [{ atPeriod: 1, factor: 0.7 }] }
  - { name: C, quality: 1.1, marginalCost: 0.3, strategy: { type: costPlus, markup: 0.5 }, costShocks: [{ atPeriod: 3, factor: 0.5 }] }
`;
    const scenario = parseScenario(text, 't.yaml');
    const [run] = simulateRuns(scenario, new Map(), [0]);
    const size = (t: number) => run!.marketRows[t]!.totalQuantityUnits / (1 - run!.marketRows[t]!.outsideShare!);
    const obs = run!.rows.map((r) => ({
      period: r.period,
      provider: ['A', 'B', 'C'].indexOf(r.provider),
      priceUsd: r.priceUsd!,
      share: r.quantityUnits / size(r.period),
      knownCostUsd: NaN,
    }));
    const cal = calibrateDemand({
      ...base,
      observations: obs,
      providers: 3,
      mu: 7,
      outsideQualityAt: (t) => 0.3 + 0.05 * t,
      epochOf: (j, t) => (j === 0 && t >= 2 ? 1 : 0),
    });
    expect(Math.abs(cal.mu - 0.25)).toBeLessThan(1e-6);
    expect(Math.abs(cal.providers[0]!.quality - 2.4)).toBeLessThan(1e-6);
    expect(Math.abs(cal.providers[0]!.firstEpochQuality! - 2)).toBeLessThan(1e-6);
    expect(Math.abs(cal.providers[1]!.quality - 1.5)).toBeLessThan(1e-6);
    expect(Math.abs(cal.providers[2]!.quality - 1.1)).toBeLessThan(1e-6);
  });
});

describe('calibrateDemand: nested-logit σ fitted jointly with μ (pyblp-style, linear in 1/μ and σ)', () => {
  // Known market: two nests (closed A, B; open C, D), σ = 0.4, μ = 0.3, a0 = 0.2; four periods of price changes.
  const a = [2, 1.6, 1.2, 1.4];
  const nestOf = [0, 0, 1, 1];
  const prices = [
    [1, 0.8, 0.5, 0.6],
    [0.9, 0.85, 0.3, 0.6],
    [0.7, 0.8, 0.45, 0.35],
    [0.75, 0.6, 0.4, 0.5],
  ];

  it('recovers σ = 0.4, μ and every quality to 1e-6 from a scenario σ of 0.9', () => {
    const obs = observe(a, prices, 0.3, 0.2, { nestOf, sigma: 0.4 });
    const cal = calibrateDemand({ ...base, outsideQuality: 0.2, observations: obs, providers: 4, mu: 9, nested: { nestOf, sigma: 0.9 } });
    expect(cal.sigmaSource).toBe('fitted');
    expect(cal.muSource).toBe('fitted');
    expect(Math.abs(cal.sigma! - 0.4)).toBeLessThan(1e-6);
    expect(Math.abs(cal.mu - 0.3)).toBeLessThan(1e-6);
    a.forEach((ai, j) => expect(Math.abs(cal.providers[j]!.quality - ai)).toBeLessThan(1e-6));
    expect(cal.fitRmsLogShare).toBeLessThan(1e-9);
  });

  it('recovers σ = 0 (plain logit shares) without refusing rounding below 0', () => {
    const obs = observe(a, prices, 0.3, 0.2, { nestOf, sigma: 0 });
    const cal = calibrateDemand({ ...base, outsideQuality: 0.2, observations: obs, providers: 4, mu: 9, nested: { nestOf, sigma: 0.5 } });
    expect(cal.sigmaSource).toBe('fitted');
    expect(cal.sigma!).toBeGreaterThanOrEqual(0);
    expect(cal.sigma!).toBeLessThan(1e-6);
    expect(Math.abs(cal.mu - 0.3)).toBeLessThan(1e-6);
  });

  it("keeps the scenario's σ when one period is observed", () => {
    const obs = observe(a, prices.slice(0, 1), 0.3, 0.2, { nestOf, sigma: 0.4 });
    const cal = calibrateDemand({ ...base, outsideQuality: 0.2, observations: obs, providers: 4, mu: 0.3, nested: { nestOf, sigma: 0.4 } });
    expect(cal.sigmaSource).toBe('scenario');
    expect(cal.muSource).toBe('scenario');
    expect(cal.sigma).toBe(0.4);
    a.forEach((ai, j) => expect(cal.providers[j]!.quality).toBeCloseTo(ai, 9));
  });

  it("keeps the scenario's σ when every nest has one good (ln s_{j|g} = 0 never moves), still fitting μ", () => {
    const single = [0, 1, 2, 3];
    const obs = observe(a, prices, 0.3, 0.2, { nestOf: single, sigma: 0.4 });
    const cal = calibrateDemand({ ...base, outsideQuality: 0.2, observations: obs, providers: 4, mu: 9, nested: { nestOf: single, sigma: 0.7 } });
    expect(cal.sigmaSource).toBe('scenario');
    expect(cal.sigma).toBe(0.7);
    // One good per nest is plain logit whatever σ: μ and qualities are the generating ones.
    expect(Math.abs(cal.mu - 0.3)).toBeLessThan(1e-6);
    a.forEach((ai, j) => expect(Math.abs(cal.providers[j]!.quality - ai)).toBeLessThan(1e-6));
  });

  it('refuses a fitted σ outside [0, 1) naming demand.nestedLogit.sigma', () => {
    // Shares generated with σ = −0.3 (goods of a nest less alike than goods of different nests).
    const obs = observe(a, prices, 0.3, 0.2, { nestOf, sigma: -0.3 });
    expect(() => calibrateDemand({ ...base, outsideQuality: 0.2, observations: obs, providers: 4, mu: 9, nested: { nestOf, sigma: 0.4 } })).toThrow(
      /demand\.nestedLogit\.sigma.*σ = -0\.3000, outside \[0, 1\)/,
    );
  });
});
