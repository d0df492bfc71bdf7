import { describe, expect, it } from 'vitest';
import { blendedUsdPerM, TOKEN_UNIT } from '../../src/market/tokens.ts';
import { resolveProviderCosts } from '../../src/market/costs.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { pointEstimate } from '../../src/scenario/distribution.ts';
import { InputError } from '../../src/errors.ts';

describe('blendedUsdPerM', () => {
  it('blends input ¥1 / output ¥2 per 1M tokens at a 3:1 mix to (3·1 + 1·2)/4 = ¥1.25', () => {
    // 7.2 CNY per USD: ¥1 = 1/7.2 USD, ¥2 = 2/7.2 USD; by hand (3/7.2 + 2/7.2)/4 = 5/28.8 USD.
    expect(blendedUsdPerM({ input: 1 / 7.2, cachedInput: 1 / 7.2, output: 2 / 7.2 }, { inputPerOutput: 3, cacheHitShare: 0 })).toBeCloseTo(5 / 28.8, 12);
  });

  it('serves the cache-hit share of input at the cached price', () => {
    // r = 3, h = 0.5: 1.5 uncached input at 1, 1.5 cached at 0.25, 1 output at 2 → (1.5 + 0.375 + 2)/4.
    expect(blendedUsdPerM({ input: 1, cachedInput: 0.25, output: 2 }, { inputPerOutput: 3, cacheHitShare: 0.5 })).toBeCloseTo(3.875 / 4, 12);
    // Output only (r = 0) is the output price.
    expect(blendedUsdPerM({ input: 9, cachedInput: 9, output: 2 }, { inputPerOutput: 0, cacheHitShare: 0.3 })).toBe(2);
  });
});

const tokenScenario = `tokenMix: { inputPerOutput: 3, cacheHitShare: 0.5 }
demand: { type: logit, mu: 0.25 }
providers:
  - name: a
    quality: 2
    cost: { tokens: { input: 1, cachedInput: 0.25, output: 2 } }
    strategy: { type: costPlus }
  - name: b
    quality: 2
    marginalCost: 0.5
    strategy: { type: costPlus }
`;

function errorOf(text: string): InputError {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('token mix in a scenario', () => {
  it('makes the unit 1M blended tokens and blends cost.tokens into the marginal cost (assumed)', () => {
    const s = parseScenario(tokenScenario, 't.yaml');
    expect(s.unit).toBe(TOKEN_UNIT);
    expect(s.market?.tokenMix).toEqual({ inputPerOutput: 3, cacheHitShare: 0.5 });
    expect(s.market?.providers[0]?.tokenCostsUsdPerM).toEqual({ input: 1, cachedInput: 0.25, output: 2 });
    const [a, b] = resolveProviderCosts(pointEstimate(s.market!), new Map(), []);
    expect(a?.marginalCostUsd).toBeCloseTo(3.875 / 4, 12);
    expect(a?.costProvenance.kind).toBe('assumed');
    expect(b?.marginalCostUsd).toBe(0.5);
  });

  it('keeps the plain unit without a token mix', () => {
    expect(
      parseScenario(
        tokenScenario.replace(/^tokenMix.*\n/, '').replace('cost: { tokens: { input: 1, cachedInput: 0.25, output: 2 } }', 'marginalCost: 1'),
        'p.yaml',
      ).unit,
    ).toBe('unit');
  });

  it('refuses cost.tokens without a tokenMix, and another unit beside it', () => {
    expect(errorOf(tokenScenario.replace(/^tokenMix.*\n/, '')).message).toMatch(/cost\.tokens needs a top-level tokenMix/);
    expect(errorOf(`unit: 1M input tokens\n${tokenScenario}`).message).toMatch(/with tokenMix the unit is/);
  });
});
