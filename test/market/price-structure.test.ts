import { describe, expect, it } from 'vitest';
import { billedShare } from '../../src/market/price-structure.ts';
import { equilibriumReport, simulateRuns } from '../../src/market/montecarlo.ts';
import { parseScenario } from '../../src/scenario/parse.ts';

const CNY_PER_USD = 7.2;

/** A one-provider token market: list prices ¥1 input / ¥2 output per 1M tokens, a 3:1 input:output mix. */
const yuan = (extra = '', strategy = '{ type: costPlus, markup: 0.5 }') => `periods: 3
tokenMix: { inputPerOutput: 3, cacheHitShare: 0 }
${extra}
demand: { type: logit, mu: 0.1, marketSize: 1000 }
providers:
  - name: DeepSeek
    quality: 1
    marginalCost: 0.1
    prices: { input: ${1 / CNY_PER_USD}, output: ${2 / CNY_PER_USD} }
    reviewEvery: 2
    strategy: ${strategy}
`;

describe('price structure: class prices and the token mix', () => {
  it('earns (3·1 + 1·2)/4 yuan per blended 1M tokens at input ¥1 / output ¥2 and a 3:1 mix', () => {
    const [run] = simulateRuns(parseScenario(yuan(), 'y.yaml'), new Map(), [0]);
    const row = run!.rows[0]!;
    // By hand: (3 × ¥1 + 1 × ¥2) / 4 = ¥1.25 per blended 1M tokens = 1.25 / 7.2 USD.
    expect(row.revenueUsd / row.quantityUnits).toBeCloseTo((3 * 1 + 1 * 2) / 4 / CNY_PER_USD, 12);
    expect(row.priceUsd).toBeCloseTo(1.25 / CNY_PER_USD, 12);
    expect(row.inputPriceUsd).toBeCloseTo(1 / CNY_PER_USD, 12);
    expect(row.cachedInputPriceUsd).toBeCloseTo(1 / CNY_PER_USD, 12); // defaults to the input price
    expect(row.outputPriceUsd).toBeCloseTo(2 / CNY_PER_USD, 12);
  });

  it('moves every class by the same factor when the strategy sets a new blended price', () => {
    const [run] = simulateRuns(parseScenario(yuan(), 'y.yaml'), new Map(), [0]);
    // Reviewed at period 2: cost-plus 0.1 × 1.5 = 0.15 USD per blended 1M; input:output stays 1:2, so
    // input x and output 2x blend to (3x + 2x)/4 = 0.15 → x = 0.12, output 0.24.
    const row = run!.rows[2]!;
    expect(row.priceUsd).toBeCloseTo(0.15, 12);
    expect(row.inputPriceUsd).toBeCloseTo(0.12, 12);
    expect(row.outputPriceUsd).toBeCloseTo(0.24, 12);
  });

  it('keeps class prices null in a plain-unit market', () => {
    const plain = yuan()
      .replace(/^tokenMix.*\n/m, '')
      .replace(/^ {4}prices.*\n/m, '    initialPrice: 0.2\n');
    const [run] = simulateRuns(parseScenario(plain, 'p.yaml'), new Map(), [0]);
    expect(run!.rows[0]!.inputPriceUsd).toBeNull();
    expect(run!.rows[0]!.revenueUsd / run!.rows[0]!.quantityUnits).toBeCloseTo(0.2, 12);
  });
});

describe('billedShare (free quota and graduated tiers, per customer per period)', () => {
  it('bills a 10M-token customer for 8M tokens after a 2M free quota', () => {
    expect(billedShare(10e6, 2e6, [])).toBeCloseTo(0.8, 12);
  });
  it('bills tokens beyond a tier threshold at the discounted rate', () => {
    // 10M tokens, tier from 6M at −50%: 6M at full price + 4M at half = 8M of 10M.
    expect(billedShare(10e6, 0, [{ fromTokens: 6e6, discount: 0.5 }])).toBeCloseTo(0.8, 12);
    // With a 2M quota as well: (6 − 2)M at full + 4M at half = 6M of 10M.
    expect(billedShare(10e6, 2e6, [{ fromTokens: 6e6, discount: 0.5 }])).toBeCloseTo(0.6, 12);
    // A quota beyond the tier threshold: tokens 0–7M free, 7–10M at half → 1.5M of 10M.
    expect(billedShare(10e6, 7e6, [{ fromTokens: 6e6, discount: 0.5 }])).toBeCloseTo(0.15, 12);
    // A customer below the threshold never reaches the tier.
    expect(billedShare(5e6, 0, [{ fromTokens: 6e6, discount: 0.5 }])).toBe(1);
  });
  it('charges revenue at the effective price in the rows', () => {
    const s = parseScenario(
      yuan('tokensPerCustomer: 10000000').replace('    reviewEvery: 2\n', '    reviewEvery: 2\n    freeTokensPerCustomer: 2000000\n'),
      'q.yaml',
    );
    const row = simulateRuns(s, new Map(), [0])[0]!.rows[0]!;
    // List ¥1.25 per blended 1M, 20% of tokens free: ¥1.25 × 0.8 = ¥1 paid per 1M tokens used.
    expect(row.priceUsd).toBeCloseTo(1.25 / CNY_PER_USD, 12);
    expect(row.revenueUsd / row.quantityUnits).toBeCloseTo(1 / CNY_PER_USD, 12);
  });
});

describe('equilibria on the effective price', () => {
  // A logit monopolist (μ = 1, cost 1, outside quality 0) prices at p − c = μ/(1 − s); with quality 3
  // the price 3 gives s = e⁰/(e⁰ + e⁰) = 1/2 and 3 − 1 = 1/(1 − 1/2): the effective Nash price is 3.
  // Customers of 10M tokens with a 2M quota and a tier from 6M at −50% pay φ = 0.6 of list (above),
  // so the list price that earns 3 is 3/0.6 = 5.
  const monopoly = `periods: 3
tokenMix: { inputPerOutput: 1, cacheHitShare: 0 }
tokensPerCustomer: 10000000
demand: { type: logit, mu: 1, marketSize: 100 }
providers:
  - name: M
    quality: 3
    marginalCost: 1
    initialPrice: 1.5
    freeTokensPerCustomer: 2000000
    volumeTiers: [{ fromTokens: 6000000, discount: 0.5 }]
    strategy: { type: bestResponse }
`;
  it('gives the list price whose effective price solves the first-order condition', () => {
    const report = equilibriumReport(parseScenario(monopoly, 'm.yaml'), new Map());
    expect(report.nash[0]!.price).toBeCloseTo(5, 8);
    expect(report.nash[0]!.effectivePrice).toBeCloseTo(3, 8);
    expect(report.nash[0]!.consumerShare).toBeCloseTo(0.5, 8);
    expect(report.nash[0]!.profit).toBeCloseTo(100 * 0.5 * (3 - 1), 6);
  });

  it('and the simulated best response lands on that list price, earning it in the rows', () => {
    const rows = simulateRuns(parseScenario(monopoly, 'm.yaml'), new Map(), [0])[0]!.rows;
    expect(rows[1]!.priceUsd).toBeCloseTo(5, 6);
    expect(rows[1]!.revenueUsd / rows[1]!.quantityUnits).toBeCloseTo(3, 6);
    expect(rows[1]!.unitShare).toBe(1);
    expect(rows[1]!.quantityUnits).toBeCloseTo(50, 6);
  });

  it('gives joint-profit list prices from the effective joint optimum', () => {
    // Two identical firms, quality 3 − ln 2: at effective price 3 each has weight e^(−ln 2) = 1/2, the
    // inside share is S = 1/2, and the joint first-order condition p − c = μ/(1 − S) = 2 holds.
    const two =
      monopoly.replace('quality: 3', `quality: ${3 - Math.log(2)}`) +
      monopoly
        .split('providers:\n')[1]!
        .replace('name: M', 'name: N')
        .replace('quality: 3', `quality: ${3 - Math.log(2)}`);
    const report = equilibriumReport(parseScenario(two, 'j.yaml'), new Map());
    for (const e of report.collusive) {
      expect(e.effectivePrice).toBeCloseTo(3, 6);
      expect(e.price).toBeCloseTo(5, 6);
    }
  });
});

describe('price structure checks', () => {
  const refusal = (text: string) => {
    try {
      parseScenario(text, 'bad.yaml');
    } catch (error) {
      return (error as Error).message;
    }
    return 'parsed';
  };
  it('refuses a quota without the customers’ volume, a quota covering it, and prices beside initialPrice', () => {
    expect(refusal(yuan().replace('    reviewEvery: 2\n', '    reviewEvery: 2\n    freeTokensPerCustomer: 5\n'))).toMatch(/need a top-level tokensPerCustomer/);
    expect(refusal(yuan('tokensPerCustomer: 5').replace('    reviewEvery: 2\n', '    reviewEvery: 2\n    freeTokensPerCustomer: 5\n'))).toMatch(/never bills/);
    expect(refusal(yuan().replace('    reviewEvery: 2\n', '    reviewEvery: 2\n    initialPrice: 1\n'))).toMatch(/not both/);
    expect(refusal(yuan().replace(/^tokenMix.*\n/m, ''))).toMatch(/prices needs a top-level tokenMix/);
  });
});

describe('rows and equilibria agree on the blended unit (elastic size, a free quota)', () => {
  it('iterated best responses in the simulation settle on the reported Nash list prices', () => {
    const text = `periods: 60
tokenMix: { inputPerOutput: 3, cacheHitShare: 0.25 }
tokensPerCustomer: 10000000
demand: { type: logit, mu: 0.5, marketSize: 1000, priceElasticity: 0.8, referencePrice: 1 }
providers:
  - name: A
    quality: 2
    cost: { tokens: { input: 0.4, cachedInput: 0.1, output: 1.2 } }
    prices: { input: 1, cachedInput: 0.25, output: 3 }
    freeTokensPerCustomer: 2000000
    strategy: { type: bestResponse }
  - name: B
    quality: 1.8
    marginalCost: 0.5
    initialPrice: 1
    strategy: { type: bestResponse }
`;
    const s = parseScenario(text, 'e.yaml');
    const report = equilibriumReport(s, new Map());
    const rows = simulateRuns(s, new Map(), [0])[0]!.rows;
    const last = rows.filter((r) => r.period === 59);
    expect(report.nash).toHaveLength(2);
    for (const e of report.nash) {
      const row = last.find((r) => r.provider === e.provider)!;
      // Two methods: the stage solver's Nash point, and the period loop's myopic best replies iterated.
      expect(row.priceUsd).toBeCloseTo(e.price, 4);
      expect(row.revenueUsd / row.quantityUnits).toBeCloseTo(e.effectivePrice ?? e.price, 4);
    }
    // A's effective price is 80% of its list (2M of 10M tokens free).
    const a = report.nash.find((e) => e.provider === 'A')!;
    expect(a.effectivePrice! / a.price).toBeCloseTo(0.8, 12);
  });
});
