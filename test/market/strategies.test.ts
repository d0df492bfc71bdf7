import { describe, expect, it } from 'vitest';
import { createPriceRule, type Observation } from '../../src/market/strategies.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { linearNash } from '../../src/market/equilibrium.ts';
import { createRng } from '../../src/util/rng.ts';

/** Provider 0 observing rivals 1 and 2 (last prices and shares as given). */
function observe(lastPrices: number[], lastShares: number[], extra: Partial<Observation> = {}): Observation {
  return {
    period: 3,
    self: 0,
    marginalCostUsd: 1,
    cashUsd: Infinity,
    lastPrices: Float64Array.from(lastPrices),
    lastShares: Float64Array.from(lastShares),
    lastActive: Uint8Array.from(lastPrices.map(() => 1)),
    nashPriceUsd: 1.5,
    collusivePriceUsd: 2,
    bestResponse: () => 1.6,
    ...extra,
  };
}
const rng = createRng(1);

describe('price rules', () => {
  it('matchLowest matches the cheapest rival, floored at cost × (1 + minMarkup)', () => {
    const rule = createPriceRule({ type: 'matchLowest', minMarkup: 0.1 });
    expect(rule(observe([1.5, 1.3, 1.4], [0.3, 0.4, 0.3]), rng)).toBe(1.3);
    expect(rule(observe([1.5, 1.05, 1.4], [0.3, 0.4, 0.3]), rng)).toBeCloseTo(1.1, 12);
  });

  it('undercutLeader prices a step below the share leader; the leader holds', () => {
    const rule = createPriceRule({ type: 'undercutLeader', step: 0.1, minMarkup: 0 });
    expect(rule(observe([1.5, 1.6, 1.2], [0.2, 0.5, 0.3]), rng)).toBeCloseTo(1.44, 12);
    expect(rule(observe([1.5, 1.6, 1.2], [0.6, 0.1, 0.3]), rng)).toBe(1.5);
  });

  it('titForTat cooperates while rivals do and matches a defector (not below cost)', () => {
    const rule = createPriceRule({ type: 'titForTat', cooperativePrice: 'collusive', tolerance: 0.01 });
    expect(rule(observe([2, 2, 1.99], [0.3, 0.3, 0.3]), rng)).toBe(2);
    expect(rule(observe([2, 2, 1.4], [0.3, 0.3, 0.3]), rng)).toBe(1.4);
    expect(rule(observe([2, 2, 0.7], [0.3, 0.3, 0.3]), rng)).toBe(1);
  });

  it('predatory prices below cost while a rival lives and cash lasts, then best-responds', () => {
    const rule = createPriceRule({ type: 'predatory', markup: -0.25, reserveCash: 10 });
    expect(rule(observe([1, 1.2], [0.5, 0.5], { cashUsd: 100 }), rng)).toBe(0.75);
    expect(rule(observe([1, 1.2], [0.5, 0.5], { cashUsd: 5 }), rng)).toBe(1.6);
    expect(rule(observe([1, NaN], [1, 0], { lastActive: Uint8Array.from([1, 0]), cashUsd: 100 }), rng)).toBe(1.6);
  });
});

describe('best responses in a linear market', () => {
  it('iterated myopic best responses settle at the Bertrand–Nash prices (two methods agree)', () => {
    const s = parseScenario(
      `
periods: 60
demand: { type: linear, slope: 1, substitution: 2 }
providers:
  - { name: a, quality: 10, marginalCost: 2, initialPrice: 8, strategy: { type: bestResponse } }
  - { name: b, quality: 11, marginalCost: 3, initialPrice: 4, strategy: { type: bestResponse } }
  - { name: c, quality: 9, marginalCost: 1.5, initialPrice: 6, strategy: { type: bestResponse } }
`,
      'linear.yaml',
    );
    const r = assembleSimulation(s, new Map(), simulateRuns(s, new Map(), [0]));
    const nash = linearNash({ quality: [10, 11, 9], marginalCostUsd: [2, 3, 1.5], slope: 1, substitution: 2 });
    const last = r.rows.filter((row) => row.period === 59);
    last.forEach((row, i) => expect(row.priceUsd).toBeCloseTo(nash[i]?.price as number, 8));
    expect(r.marketRows[0]?.consumerSurplusUsd).toBeNull();
  });
});
