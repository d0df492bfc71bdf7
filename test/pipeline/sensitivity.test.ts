/**
 * One-at-a-time sensitivity (`simulate --sensitivity`, src/pipeline/sensitivity.ts) on a small
 * market whose outcome is a closed form: two cost-plus providers with no price response to
 * each other, a logit market of fixed size (priceElasticity 0), so provider i sells
 * M·e^{(a_i−p_i)/μ} / (Σ_j e^{(a_j−p_j)/μ} + e^{a_0/μ}) every period and earns
 * (p_i − c_i)·q_i − F_i. A's fixed cost uniform on [0, 1000] has p10 100 and p90 900, which
 * puts A's profit on both sides of zero (the warning fires); B's cash moves nothing.
 */
import { describe, expect, it } from 'vitest';
import { runSensitivity } from '../../src/pipeline/sensitivity.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { mlpRecord } from '../market/fixtures.ts';

const scenarioText = (fixedCostA: string, cashB: string) => `
name: tiny-sensitivity
question: Does A make money?
seed: 3
periods: 3
unit: 1M tokens
monteCarlo: { runs: 2 }
demand: { type: logit, mu: 1, outsideQuality: 0, marketSize: 1000, priceElasticity: 0, referencePrice: 1 }
providers:
  - name: A
    quality: 10
    marginalCost: 1
    cash: 1000000000
    fixedCostPerPeriod: ${fixedCostA}
    initialPrice: 1.2
    strategy: { type: costPlus, markup: 0.2 }
  - name: B
    quality: 10
    marginalCost: 1
    cash: ${cashB}
    initialPrice: 1.5
    strategy: { type: costPlus, markup: 0.5 }
`;
const ctx = { out: () => undefined, err: () => undefined, env: {}, isTTY: false, cwd: process.cwd() };
const options = { workers: 1, records: new Map(), plans: new Map() };
const load = (text: string) => ({ scenario: parseScenario(text, 'tiny.yaml'), text });

// Closed form (see the header): shares from the logit with p_A = 1.2, p_B = 1.5, a = 10, μ = 1, a_0 = 0.
const eA = Math.exp(10 - 1.2);
const eB = Math.exp(10 - 1.5);
const variableProfitA = 0.2 * 1000 * (eA / (eA + eB + 1));
const variableProfitB = 0.5 * 1000 * (eB / (eA + eB + 1));

describe('sensitivity analysis', () => {
  it("names each input with its p10/p90, moves A's profit by the closed form and warns of the sign change", async () => {
    const result = await runSensitivity(
      load(scenarioText('{ dist: uniform, min: 0, max: 1000 }', '{ dist: uniform, min: 100000000, max: 200000000 }')),
      ctx,
      options,
    );
    expect(result.inputs.map((i) => [i.name, i.low, i.central, i.high])).toEqual([
      ['providers[0].fixedCostPerPeriod', 100, 500, 900],
      ['providers[1].cash', 110000000, 150000000, 190000000],
    ]);
    const row = (input: string | null, level: string, provider: string) =>
      result.rows.find((r) => r.input === input && r.level === level && r.provider === provider);
    expect(row('providers[0].fixedCostPerPeriod', 'low', 'A')?.value).toBe(100);
    expect(row('providers[0].fixedCostPerPeriod', 'high', 'A')?.value).toBe(900);
    expect(row('providers[0].fixedCostPerPeriod', 'low', 'A')?.meanProfitUsdPerPeriod).toBeCloseTo(variableProfitA - 100, 6);
    expect(row(null, 'central', 'A')?.meanProfitUsdPerPeriod).toBeCloseTo(variableProfitA - 500, 6);
    expect(row('providers[0].fixedCostPerPeriod', 'high', 'A')?.meanProfitUsdPerPeriod).toBeCloseTo(variableProfitA - 900, 6);
    // B's cash changes nothing: same profit at both ends as at the baseline.
    for (const level of ['low', 'high']) expect(row('providers[1].cash', level, 'B')?.meanProfitUsdPerPeriod).toBeCloseTo(variableProfitB, 6);
    // 1 baseline + 2 inputs × 2 levels, × 2 providers.
    expect(result.rows).toHaveLength(10);
    expect(result.warnings.map((w) => [w.input, w.kind, w.subject])).toEqual([['providers[0].fixedCostPerPeriod', 'profit sign', 'A']]);
    expect(result.warnings[0]?.message).toMatch(
      /^A's mean profit per period changes sign as providers\[0\]\.fixedCostPerPeriod from 100 \(p10\) to 900 \(p90\)/,
    );
  });

  it('gives no warning when the only uncertain input moves nothing', async () => {
    const result = await runSensitivity(load(scenarioText('100', '{ dist: normal, mean: 150000000, sd: 10000000, min: 0 }')), ctx, options);
    expect(result.inputs.map((i) => i.name)).toEqual(['providers[1].cash']);
    // Normal p10/p90 = mean ∓ 1.2816 sd (Φ(1.2816) = 0.90, standard normal tables).
    expect(result.inputs[0]?.low).toBeCloseTo(150000000 - 1.2816 * 10000000, -3);
    expect(result.inputs[0]?.high).toBeCloseTo(150000000 + 1.2816 * 10000000, -3);
    expect(result.warnings).toEqual([]);
  });

  it('a --set value takes a distribution out of the inputs', async () => {
    const text = scenarioText('{ dist: uniform, min: 0, max: 1000 }', '100000000');
    const result = await runSensitivity(
      { ...load(text), overrides: [{ path: ['providers', 0, 'fixedCostPerPeriod'], value: 50, flag: '--set' }] },
      ctx,
      options,
    );
    expect(result.inputs).toEqual([]);
    expect(result.rows.map((r) => r.level)).toEqual(['central', 'central']);
  });

  it('makes a measured cost with a timing spread an input: its seconds × e^(∓1.2816 σ) at p10/p90', async () => {
    // As in test/market/timing-noise.test.ts: three runs of 10·e^−0.1, 10 and 10·e^0.1 s give σ = 0.1 by hand,
    // and the central cost is 203,264 FLOPs/sample × 1000 samples/unit at the record's rate, priced at 0.0765 USD/h.
    const record = mlpRecord('dense', 128, 0.9, 0.2);
    record.runs = [10 * Math.exp(-0.1), 10, 10 * Math.exp(0.1)].map((wallSeconds, i) => ({
      seed: i,
      wallSeconds,
      steps: 10,
      reachedTarget: false,
      testAccuracy: 0.9,
    }));
    const text = `
periods: 2
monteCarlo: { runs: 2 }
bench:
  - { id: dense, model: mlp, steps: 10, device: aws-c6a.large }
demand: { type: logit, mu: 0.1 }
providers:
  - { name: measured, quality: 1, cost: { bench: dense, device: aws-c6a.large, samplesPerUnit: 1000 }, strategy: { type: costPlus, markup: 0.2 } }
`;
    const result = await runSensitivity(load(text), ctx, { ...options, records: new Map([['dense', record]]) });
    const z = 1.2816;
    expect(result.inputs.map((i) => [i.name, i.kind])).toEqual([['providers[0].cost timing', 'measured']]);
    expect(result.inputs[0]?.low).toBeCloseTo(Math.exp(-z * 0.1), 4);
    expect(result.inputs[0]?.high).toBeCloseTo(Math.exp(z * 0.1), 4);
    const central = ((203_264 * 1000) / 1e9) * (0.0765 / 3600);
    const price = (level: string) => result.rows.find((r) => r.level === level)?.meanFinalPriceUsd as number;
    expect(price('central') / (1.2 * central)).toBeCloseTo(1, 9);
    expect(price('low') / (1.2 * central)).toBeCloseTo(Math.exp(-z * 0.1), 4);
    expect(price('high') / (1.2 * central)).toBeCloseTo(Math.exp(z * 0.1), 4);
    // Worker processes pin the same factors: identical rows.
    const pooled = await runSensitivity(load(text), ctx, { ...options, workers: 2, records: new Map([['dense', record]]) });
    expect(pooled.rows).toEqual(result.rows);
  });
});
