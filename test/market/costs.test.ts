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

  it('prices FLOPs on the device: FLOPs/unit ÷ (peak × utilisation) × $/s, with provenance', () => {
    const [measured, given] = resolveProviderCosts(market, new Map([['dense', mlpRecord('dense', 128, 0.9, 0.2)]]), []);
    // 203,264 FLOPs/sample × 1000 ÷ (2 × 32 × 3.6e9 FLOP/s × 0.2) × 0.0765 $/h ÷ 3600 (catalogue: aws-c6a.large).
    const expected = ((203_264 * 1000) / (2 * 32 * 3.6e9 * 0.2)) * (0.0765 / 3600);
    expect(measured?.marginalCostUsd).toBeCloseTo(expected, 15);
    expect(measured?.costProvenance.kind).toBe('modeled');
    expect(measured?.costProvenance.source).toMatch(/metrics\.flops\.forwardPerSample.*aws-c6a\.large.*utilisation 0\.2/);
    expect(measured?.quality).toBeCloseTo(1 + 0.5 * Math.log(0.9 / 0.1), 12);
    expect(given?.marginalCostUsd).toBe(0.25);
    expect(given?.costProvenance.kind).toBe('assumed');
  });

  it('names the missing record', () => {
    expect(() => resolveProviderCosts(market, new Map(), [])).toThrow(InputError);
    expect(() => resolveProviderCosts(market, new Map(), [])).toThrow(/providers\[0\]\.cost\.bench.*"dense"/);
  });
});
