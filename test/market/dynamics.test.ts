import { describe, expect, it } from 'vitest';
import { simulateRuns } from '../../src/market/montecarlo.ts';
import { parseScenario } from '../../src/scenario/parse.ts';

/**
 * A logit monopolist (μ = 1) that prices at cost (costPlus, markup 0), in a market of 100
 * consumers: with utility u = quality − price against an outside option of quality a₀ its
 * consumer share is e^u/(e^u + e^a₀), worked by hand in each test.
 */
const market = (demandExtra: string, providerExtra: string, periods = 4) => `periods: ${periods}
calendar: { start: 2024-05-01, periodDays: 1 }
demand: { type: logit, mu: 1, marketSize: 100${demandExtra} }
providers:
  - name: M
    quality: 1
    marginalCost: 1
    initialPrice: 1
    strategy: { type: costPlus, markup: 0 }
${providerExtra}`;
const rowsOf = (text: string) => simulateRuns(parseScenario(text, 'd.yaml'), new Map(), [0])[0]!;

describe('model releases change quality and cost together', () => {
  it('moves the share from 1/2 to 3/4 on the release date and halves the cost', () => {
    // Before: u = 1 − 1 = 0 → share 1/2. From 2024-05-03 (period 2): cost 0.5, quality 0.5 + ln 3,
    // so the price is 0.5 and u = ln 3 → share 3/(3 + 1) = 3/4.
    const { rows } = rowsOf(market('', `    releases: [{ date: 2024-05-03, quality: ${0.5 + Math.log(3)}, costFactor: 0.5 }]\n`));
    expect(rows[1]!.quantityUnits).toBeCloseTo(50, 9);
    expect(rows[1]!.marginalCostUsd).toBe(1);
    expect(rows[2]!.marginalCostUsd).toBe(0.5);
    expect(rows[2]!.priceUsd).toBe(0.5);
    expect(rows[2]!.quantityUnits).toBeCloseTo(75, 9);
  });
  it('refuses a release dated before the calendar starts, or one that changes nothing', () => {
    expect(() => parseScenario(market('', '    releases: [{ date: 2024-04-30, costFactor: 0.5 }]\n'), 'r.yaml')).toThrow(
      /before the calendar start 2024-05-01/,
    );
    expect(() => parseScenario(market('', '    releases: [{ atPeriod: 3 }]\n'), 'r.yaml')).toThrow(/changes quality, costFactor or both/);
  });
});

describe('equilibria follow the release', () => {
  it('re-solves the best response at the new quality: markup 3 at quality 4 + ln 2', () => {
    // Monopoly logit (μ = 1, cost 1, a₀ = 0): p − c = 1/(1 − s). Quality 3 gives p = 3 (s = 1/2, as in
    // price-structure.test.ts); quality 4 + ln 2 gives p = 4: e^(ln 2) = 2 → s = 2/3, 4 − 1 = 1/(1 − 2/3).
    const text = market('', `    releases: [{ atPeriod: 2, quality: ${4 + Math.log(2)} }]\n`)
      .replace('    quality: 1\n', '    quality: 3\n')
      .replace('{ type: costPlus, markup: 0 }', '{ type: bestResponse }');
    const { rows } = rowsOf(text);
    expect(rows[1]!.priceUsd).toBeCloseTo(3, 6);
    expect(rows[2]!.priceUsd).toBeCloseTo(4, 6);
    expect(rows[2]!.quantityUnits).toBeCloseTo(200 / 3, 5);
  });
});

describe('the outside option improves and the market grows', () => {
  it('raises the outside quality by 0.1 a period: share 1/(1 + e^0.3) at period 3', () => {
    const { rows, marketRows } = rowsOf(market(', outsideQualityPerPeriod: 0.1', ''));
    expect(rows[3]!.quantityUnits).toBeCloseTo(100 / (1 + Math.exp(0.3)), 9);
    expect(marketRows[3]!.outsideShare).toBeCloseTo(1 - 1 / (1 + Math.exp(0.3)), 9);
  });
  it('grows the base market 10% a period: 100 × 1.1² × 1/2 at period 2', () => {
    expect(rowsOf(market(', growthPerPeriod: 0.1', '')).rows[2]!.quantityUnits).toBeCloseTo(60.5, 9);
  });
});

describe('switching costs: shares adjust with inertia', () => {
  it('moves halfway to the frictionless share each period at λ = 1/2', () => {
    // Release at period 1 makes the frictionless share 3/4 (as above); from 1/2:
    // s1 = ½·½ + ½·¾ = 5/8, s2 = ½·5/8 + ½·¾ = 11/16.
    const { rows, marketRows } = rowsOf(market(', inertia: 0.5', `    releases: [{ atPeriod: 1, quality: ${0.5 + Math.log(3)}, costFactor: 0.5 }]\n`));
    expect(rows[0]!.quantityUnits).toBeCloseTo(50, 9);
    expect(rows[1]!.quantityUnits).toBeCloseTo(62.5, 9);
    expect(rows[2]!.quantityUnits).toBeCloseTo(68.75, 9);
    expect(marketRows[2]!.outsideShare).toBeCloseTo(1 - 0.6875, 9);
    expect(marketRows[2]!.consumerSurplusUsd).toBeNull();
  });
});

describe('funding rounds', () => {
  // Priced at cost, the provider earns nothing and pays 60 a period in fixed costs from 100 of cash.
  const burning = (funding: string) => market('', `    cash: 100\n    fixedCostPerPeriod: 60\n    funding: ${funding}\n`, 8);
  it('raises a dated round: cash 100 − 60 = 40, then 40 − 60 + 50 = 30, then −30 and exit', () => {
    const run = rowsOf(burning('[{ atPeriod: 1, amount: 50, dilution: 0.1 }]'));
    expect(run.rows.map((r) => r.cashUsd).slice(0, 3)).toEqual([40, 30, -30]);
    expect(run.exitPeriods).toEqual([2]);
    expect(run.fundingRounds).toEqual([{ run: 0, period: 1, provider: 'M', amountUsd: 50, dilution: 0.1, retainedEquityShare: 0.9, trigger: 'date' }]);
  });
  it('raises when runway falls below a threshold, and records the dilution', () => {
    // After period 0: cash 40 at a loss of 60 a period is 2/3 of a period of runway < 1 → +200 → 240;
    // then 180, 120, 60, 0 and −60 at period 5 (the round is raised once). Without it: exit at period 1.
    const run = rowsOf(burning('[{ runwayBelowPeriods: 1, amount: 200, dilution: 0.2 }]'));
    expect(run.rows[0]!.cashUsd).toBe(240);
    expect(run.exitPeriods).toEqual([5]);
    expect(run.fundingRounds).toEqual([{ run: 0, period: 0, provider: 'M', amountUsd: 200, dilution: 0.2, retainedEquityShare: 0.8, trigger: 'runway' }]);
  });
  it('refuses a round with two triggers or without cash', () => {
    expect(() => parseScenario(burning('[{ atPeriod: 1, runwayBelowPeriods: 2, amount: 5, dilution: 0.1 }]'), 'b.yaml')).toThrow(
      /exactly one of atPeriod, date or runwayBelowPeriods/,
    );
    expect(() => parseScenario(burning('[{ atPeriod: 1, amount: 5, dilution: 0.1 }]').replace('    cash: 100\n', ''), 'b.yaml')).toThrow(
      /give the provider a cash balance/,
    );
  });
});
