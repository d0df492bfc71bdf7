/**
 * scenarios/china-2024-price-war.yaml, issue 15 item 6: the out-of-sample check uses nothing
 * dated after the last observation, and the full fit is labelled as the scenario as written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrationReport } from '../../src/market/calibrate-report.ts';
import { calibrateDemand } from '../../src/market/calibrate.ts';
import { logitNash } from '../../src/market/equilibrium.ts';
import { simulateRuns } from '../../src/market/montecarlo.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { calibratedScenarioText } from '../../src/scenario/calibrated.ts';
import type { Scenario } from '../../src/scenario/normalize.ts';
import { planScenarioServing, servingCosts } from '../../src/pipeline/serving.ts';

const file = 'scenarios/china-2024-price-war.yaml';
const text = readFileSync(file, 'utf8');
/** DeepSeek's cost comes from the scenario's serving entries (the pipeline's pure plan and price phases). */
const calibrate = (s: Scenario) => calibrationReport(s, new Map(), servingCosts(s, planScenarioServing(s, file), file));

describe('calibrationReport on china-2024-price-war', () => {
  const r = calibrate(parseScenario(text, file));

  it('calibrates on period 10 (2024-05-11) only and predicts every reference after it out of sample', () => {
    expect(r.observations.periods).toEqual([10]);
    expect(r.observations.assumed).toBe(r.observations.count); // no published shares: every observation says it is assumed
    expect(r.muSource).toBe('scenario');
    expect(r.outOfSample?.rows.map((x) => `${x.provider} ${x.date}`)).toEqual([
      'ByteDance 2024-05-15',
      'Alibaba 2024-05-21',
      'Baidu 2024-05-21',
      'Tencent 2024-05-22',
    ]);
    expect(r.outOfSample?.label).toMatch(/^out of sample/);
    expect(r.fullFit?.label).toMatch(/^full fit: the scenario as written/);
    // Mean absolute error by hand from the rows.
    const rows = r.outOfSample!.rows;
    expect(r.outOfSample!.meanAbsErrorUsd).toBeCloseTo(
      rows.reduce((s, x) => s + Math.abs((x.modelPriceUsd as number) - x.referencePriceUsd), 0) / rows.length,
      12,
    );
  });

  it('prints the errors the README table quotes (out of sample 1.06, no change 1.26, full fit 0.0033 USD per 1M blended tokens)', () => {
    expect(r.outOfSample!.meanAbsErrorUsd).toBeCloseTo(1.06, 2);
    expect(r.noChange!.meanAbsErrorUsd).toBeCloseTo(1.26, 2);
    expect(r.fullFit!.meanAbsErrorUsd).toBeCloseTo(0.0033, 4);
  });

  it("DeepSeek is observed after its V2 release (2024-05-06): the fitted quality is the release's, and --write puts it there", () => {
    const deepseek = r.providers.find((p) => p.name === 'DeepSeek')!;
    // By hand from the period-10 observation (share 0.1 of five 0.1s, outside 0.5, price 0.1736, μ 0.4, a0 0).
    expect(deepseek.quality).toBeCloseTo(0.4 * Math.log(0.1 / 0.5) + 0.1736, 12);
    expect(r.fitted).toContainEqual({ path: ['providers', 0, 'releases', 0, 'quality'], value: deepseek.quality });
    expect(r.fitted.some((v) => v.path.join('.') === 'providers.0.quality')).toBe(false);
    const written = parseScenario(calibratedScenarioText(text, r.fitted, r.provenance.source), file);
    expect(written.market!.providers[0]!.releases![0]!.quality as number).toBeCloseTo(deepseek.quality, 9);
    expect(written.market!.providers[0]!.releases![0]!.costFactor as number).toBe(0.5663);
    expect(written.market!.providers[0]!.quality as number).toBe(1.6);
  });

  it('the out-of-sample prediction does not move when the typed-in strategies, review dates and post-cut prices change; the full fit does', () => {
    const edited = text
      .replace('initialPrice: 0.1528              # Doubao-pro-32k', 'initialPrice: 0.5 #')
      .replaceAll('reviewEvery: 20', 'reviewEvery: 3')
      .replace('{ type: undercutLeader, step: 0.35, minMarkup: -0.5 }', '{ type: costPlus, markup: 0.5 }');
    expect(edited).not.toBe(text);
    const e = calibrate(parseScenario(edited, file));
    expect(e.outOfSample!.rows.map((x) => x.modelPriceUsd)).toEqual(r.outOfSample!.rows.map((x) => x.modelPriceUsd));
    expect(e.fullFit!.meanAbsErrorUsd).not.toBeCloseTo(r.fullFit!.meanAbsErrorUsd!, 3);
  });

  it('the calibrated market reproduces the observed period-10 prices as its Nash prices (fixed size, a second method: logitNash)', () => {
    // With the market size fixed (elasticity 0) the implied costs make the observed prices a logitNash equilibrium.
    const fixed = parseScenario(text.replace('priceElasticity: 0.5', 'priceElasticity: 0'), file);
    const c = calibrate(fixed);
    const nash = logitNash({
      quality: c.providers.map((p) => p.quality),
      marginalCostUsd: c.providers.map((p) => p.impliedMarginalCostUsd),
      mu: c.mu,
      outsideQuality: c.outsideQuality,
    });
    const observed = fixed.observations.map((o) => o.priceUsd);
    nash.forEach((e, j) => expect(e.price).toBeCloseTo(observed[j]!, 9));
  });
});

describe('calibrationReport in a quota market: the inversion runs on the effective price customers pay', () => {
  // Customers use 10M blended tokens a period. A gives 2M free (billed share φ = 0.8), B bills tokens
  // beyond 4M at −50% (φ = (4 + 6·0.5)/10 = 0.7), C has neither (φ = 1); μ = 0.25, a0 = 0.3.
  const market = `periods: 4
tokenMix: { inputPerOutput: 3, cacheHitShare: 0 }
tokensPerCustomer: 10000000
demand: { type: logit, mu: 0.25, outsideQuality: 0.3, marketSize: 1000 }
providers:
  - { name: A, quality: 2, marginalCost: 1, freeTokensPerCustomer: 2000000, strategy: { type: costPlus, markup: 0.3 }, costShocks: [{ atPeriod: 1, factor: 0.8 }] }
  - { name: B, quality: 1.5, marginalCost: 0.6, volumeTiers: [{ fromTokens: 4000000, discount: 0.5 }], strategy: { type: costPlus, markup: 0.4 }, costShocks: [{ atPeriod: 2, factor: 0.7 }] }
  - { name: C, quality: 1.1, marginalCost: 0.3, strategy: { type: costPlus, markup: 0.5 }, costShocks: [{ atPeriod: 3, factor: 0.6 }] }
`;
  const names = ['A', 'B', 'C'];
  const [run] = simulateRuns(parseScenario(market, 'q.yaml'), new Map(), [0]);
  const size = (t: number) => run!.marketRows[t]!.totalQuantityUnits / (1 - run!.marketRows[t]!.outsideShare!);
  // What an analyst sees: list prices and shares of all consumers.
  const seen = run!.rows.map((r) => ({ period: r.period, provider: names.indexOf(r.provider), listUsd: r.priceUsd!, share: r.quantityUnits / size(r.period) }));
  const observations = seen
    .map((o) => `  - { period: ${o.period}, provider: ${names[o.provider]}, priceUsd: ${o.listUsd}, share: ${o.share}, source: "simulated list price (test)" }`)
    .join('\n');
  const scenario = parseScenario(`${market}observations:\n${observations}\n`, 'q.yaml');

  it('recovers μ and the qualities to 1e-6 from list prices and shares', () => {
    // The rows charge the effective price: revenue per unit = φ × list (a second reading of φ).
    [0.8, 0.7, 1].forEach((phi, j) => {
      const r = run!.rows.find((x) => x.provider === names[j] && x.period === 0)!;
      expect(r.revenueUsd / r.quantityUnits / r.priceUsd!).toBeCloseTo(phi, 12);
    });
    const r = calibrationReport(scenario, new Map());
    expect(r.muSource).toBe('fitted');
    expect(Math.abs(r.mu - 0.25)).toBeLessThan(1e-6);
    [2, 1.5, 1.1].forEach((a, j) => expect(Math.abs(r.providers[j]!.quality - a)).toBeLessThan(1e-6));
    expect(r.fitRmsLogShare).toBeLessThan(1e-9);
  });

  it('while calibrating on the list prices would not (μ and qualities off, the inversion no longer exact)', () => {
    const list = calibrateDemand({
      observations: seen.map((o) => ({ period: o.period, provider: o.provider, priceUsd: o.listUsd, share: o.share, knownCostUsd: NaN })),
      providers: 3,
      mu: 0.25,
      outsideQuality: 0.3,
      priceElasticity: 0,
      referencePriceUsd: 1,
      file: 'q.yaml',
    });
    expect(Math.abs(list.mu - 0.25)).toBeGreaterThan(1e-2);
    expect(Math.max(...[2, 1.5, 1.1].map((a, j) => Math.abs(list.providers[j]!.quality - a)))).toBeGreaterThan(1e-2);
    expect(list.fitRmsLogShare).toBeGreaterThan(1e-3);
  });
});

describe('calibrationReport in a quota market: predictions are list prices', () => {
  // A logit monopolist (μ = 1, outside quality 0) whose customers pay φ = 0.6 of list (10M tokens,
  // 2M free, −50% beyond 6M) is seen at list 5 (effective 3) with half the consumers. By hand:
  // ln s − ln s0 = 0 = (a − 3)/μ gives a = 3; c = 3 − μ/(1 − s) = 1; the Nash effective price of
  // that market is 3 again, i.e. list 3/0.6 = 5 at the next date.
  const text = `periods: 3
calendar: { start: 2024-01-01, periodDays: 1 }
tokenMix: { inputPerOutput: 1, cacheHitShare: 0 }
tokensPerCustomer: 10000000
demand: { type: logit, mu: 1, marketSize: 100 }
providers:
  - { name: M, quality: 1, marginalCost: 0.5, initialPrice: 5, freeTokensPerCustomer: 2000000, volumeTiers: [{ fromTokens: 6000000, discount: 0.5 }], strategy: { type: bestResponse } }
observations:
  - { period: 0, provider: M, priceUsd: 5, share: 0.5, source: "hand-worked (test)" }
references:
  - { provider: M, date: 2024-01-02, price: 5, source: "hand-worked (test)" }
`;
  it('backs out a = 3 and c = 1 on the effective price and predicts the list price 5', () => {
    const r = calibrationReport(parseScenario(text, 'm.yaml'), new Map());
    expect(r.providers[0]!.quality).toBeCloseTo(3, 9);
    expect(r.providers[0]!.impliedMarginalCostUsd).toBeCloseTo(1, 9);
    expect(r.outOfSample!.rows[0]!.modelPriceUsd).toBeCloseTo(5, 6);
  });
});

describe('calibrationReport --write values for a provider observed after a release', () => {
  it("names the release in the scenario's own order, even when releases are listed out of period order", () => {
    // Releases listed period 3 first, then period 1: observed at period 2, A is in the period-1 release's epoch (list index 1).
    const text = `periods: 4
demand: { type: logit, mu: 0.5, outsideQuality: 0 }
providers:
  - { name: A, quality: 1, marginalCost: 0.2, strategy: { type: costPlus }, releases: [{ atPeriod: 3, quality: 3 }, { atPeriod: 1, quality: 2 }] }
observations:
  - { period: 2, provider: A, priceUsd: 1, share: 0.4, source: "hand-worked (test)" }
`;
    const r = calibrationReport(parseScenario(text, 'w.yaml'), new Map());
    // By hand: a = a0 + μ (ln 0.4 − ln 0.6) + p.
    const a = 0.5 * Math.log(0.4 / 0.6) + 1;
    expect(r.fitted).toEqual([
      { path: ['providers', 0, 'releases', 1, 'quality'], value: r.providers[0]!.quality },
      { path: ['providers', 0, 'marginalCost'], value: r.providers[0]!.impliedMarginalCostUsd },
    ]);
    expect(r.providers[0]!.quality).toBeCloseTo(a, 12);
  });
});

describe('calibrationReport --write values for a provider observed before, between and after two releases', () => {
  // Known monopolist market: μ = 0.5, a0 = 0, quality 1 before any release, 2 after the period-2
  // release, 3 after the period-4 release (listed latest first). Shares are the logit closed form
  // s = e^{(a − p)/μ} / (1 + e^{(a − p)/μ}) at prices that move inside each epoch, so μ is fitted.
  const mu = 0.5;
  const epochs = [
    { quality: 1, prices: [0.4, 0.6] },
    { quality: 2, prices: [0.9, 1.2] },
    { quality: 3, prices: [1.5, 1.1] },
  ];
  const observations = epochs.flatMap((e, k) =>
    e.prices.map((p, j) => {
      const x = Math.exp((e.quality - p) / mu);
      return `  - { period: ${2 * k + j}, provider: A, priceUsd: ${p}, share: ${x / (1 + x)}, source: "logit closed form (test)" }`;
    }),
  );
  const text = `periods: 7
demand: { type: logit, mu: 2, outsideQuality: 0 }
providers:
  - { name: A, quality: 0.5, marginalCost: 0.2, strategy: { type: costPlus }, releases: [{ atPeriod: 4, quality: 0.7 }, { atPeriod: 2, quality: 0.6 }] }
observations:
${observations.join('\n')}
`;
  const r = calibrationReport(parseScenario(text, 'e.yaml'), new Map());

  it('fits μ = 0.5 and writes every epoch: its own quality 1, the period-2 release 2 (list index 1), the period-4 release 3 (index 0)', () => {
    expect(r.muSource).toBe('fitted');
    expect(Math.abs(r.mu - mu)).toBeLessThan(1e-9);
    const byPath = new Map(r.fitted.map((v) => [v.path.join('.'), v.value]));
    expect([...byPath.keys()].filter((k) => /quality/.test(k)).sort()).toEqual([
      'providers.0.quality',
      'providers.0.releases.0.quality',
      'providers.0.releases.1.quality',
    ]);
    expect(Math.abs(byPath.get('providers.0.quality')! - 1)).toBeLessThan(1e-9);
    expect(Math.abs(byPath.get('providers.0.releases.1.quality')! - 2)).toBeLessThan(1e-9);
    expect(Math.abs(byPath.get('providers.0.releases.0.quality')! - 3)).toBeLessThan(1e-9);
    const written = parseScenario(calibratedScenarioText(text, r.fitted, r.provenance.source), 'e.yaml');
    const a = written.market!.providers[0]!;
    expect(a.quality as number).toBeCloseTo(1, 9);
    // Normalised releases are in period order: period 2, then period 4.
    expect(a.releases!.map((x) => [x.atPeriod, x.quality as number])).toEqual([
      [2, expect.closeTo(2, 9)],
      [4, expect.closeTo(3, 9)],
    ]);
  });
});
