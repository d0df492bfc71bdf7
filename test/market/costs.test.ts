import { describe, expect, it } from 'vitest';
import { resolveProviderCosts } from '../../src/market/costs.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { sampleAll } from '../../src/scenario/distribution.ts';
import { createRng } from '../../src/util/rng.ts';
import { InputError } from '../../src/errors.ts';
import { mlpRecord } from './fixtures.ts';

const text = `
bench:
  - { id: dense, model: mlp, steps: 10, device: aws-c6a.large }
demand: { type: logit, mu: 0.1 }
providers:
  - name: measured
    quality: { fromAccuracy: dense, mapping: { type: logOdds, scale: 0.5, intercept: 1 } }
    cost: { bench: dense, device: aws-c6a.large, samplesPerUnit: 1000 }
    strategy: { type: costPlus }
  - name: given
    quality: 1
    marginalCost: 0.25
    strategy: { type: costPlus }
`;

describe('resolveProviderCosts', () => {
  const scenario = parseScenario(text, 'costs.yaml');
  const market = sampleAll(scenario.market!, createRng(1));

  it('prices FLOPs at the rate measured on this machine: FLOPs/unit ÷ achieved FLOP/s × $/s of the device it ran as', () => {
    const [measured, given] = resolveProviderCosts(market, new Map([['dense', mlpRecord('dense', 128, 0.9, 0.2)]]), []);
    // 203,264 FLOPs/sample × 1000 ÷ 1 GFLOP/s achieved (the record's) × 0.0765 $/h ÷ 3600 (aws-c6a.large, the device the record ran as).
    const expected = ((203_264 * 1000) / 1e9) * (0.0765 / 3600);
    expect(measured?.marginalCostUsd).toBeCloseTo(expected, 15);
    expect(measured?.costProvenance.kind).toBe('modeled');
    expect(measured?.costProvenance.source).toMatch(/metrics\.flops\.forwardPerSample.*1 GFLOP\/s achieved.*measured on wasm on this machine.*aws-c6a\.large/);
    expect(measured?.quality).toBeCloseTo(1 + 0.5 * Math.log(0.9 / 0.1), 12);
    expect(given?.marginalCostUsd).toBe(0.25);
    expect(given?.costProvenance.kind).toBe('assumed');
    expect(given?.costProvenance.source).toBe("marginalCost 0.25 USD per the scenario's unit given in the scenario");
    // In a token market the unit is 1M blended tokens, and the provenance says so.
    const tokens = sampleAll(parseScenario(`tokenMix: { inputPerOutput: 3, cacheHitShare: 0 }\n${text}`, 'costs.yaml').market!, createRng(1));
    expect(resolveProviderCosts(tokens, new Map([['dense', mlpRecord('dense', 128, 0.9, 0.2)]]), [])[1]?.costProvenance.source).toBe(
      'marginalCost 0.25 USD per 1M tokens (blended at the mix) given in the scenario',
    );
  });

  it('never prices another device with a rate measured here; an assumed utilisation of its peak is labelled so', () => {
    const onGpu = (extra: string) =>
      parseScenario(
        text.replace('cost: { bench: dense, device: aws-c6a.large, samplesPerUnit: 1000 }', `cost: { bench: dense, device: l4, samplesPerUnit: 1000${extra} }`),
        'costs.yaml',
      );
    const records = new Map([['dense', mlpRecord('dense', 128, 0.9, 0.2)]]);
    const refused = sampleAll(onGpu('').market!, createRng(1));
    expect(() => resolveProviderCosts(refused, records, [])).toThrow(/providers\[0\]\.cost\.device.*cannot price "l4", which never ran it/);
    const assumed = sampleAll(onGpu(', utilisation: 0.5').market!, createRng(1));
    const [cost] = resolveProviderCosts(assumed, records, []);
    expect(cost?.costProvenance.source).toMatch(/utilisation 0\.5 \(given, assumed\)/);
  });

  it("keeps a record's own rate (bench --usd-per-hour) instead of the catalogue price of the device it ran as", () => {
    const base = mlpRecord('dense', 128, 0.9, 0.2);
    const record = { ...base, environment: { ...base.environment, usdPerHourGiven: 0.5 } };
    const [measured] = resolveProviderCosts(market, new Map([['dense', record]]), []);
    // 203,264 FLOPs/sample × 1000 ÷ 1 GFLOP/s × 0.5 $/h ÷ 3600 (the given rate, not c6a.large's 0.0765).
    expect(measured?.marginalCostUsd).toBeCloseTo(((203_264 * 1000) / 1e9) * (0.5 / 3600), 15);
    expect(measured?.costProvenance.source).toMatch(/0\.5 USD\/h \[this machine's own rate, given by --usd-per-hour/);
  });

  it('names the missing record', () => {
    expect(() => resolveProviderCosts(market, new Map(), [])).toThrow(InputError);
    expect(() => resolveProviderCosts(market, new Map(), [])).toThrow(/providers\[0\]\.cost\.bench.*"dense"/);
  });
});
