import { describe, expect, it } from 'vitest';
import { resolveProviderCosts } from '../../src/market/costs.ts';
import { timingSigma } from '../../src/market/timing-noise.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { sampleAll } from '../../src/scenario/distribution.ts';
import { createRng } from '../../src/util/rng.ts';
import { mlpRecord } from './fixtures.ts';

const text = `
bench:
  - { id: dense, model: mlp, steps: 10, device: aws-c6a.large }
demand: { type: logit, mu: 0.1 }
providers:
  - name: measured
    quality: 1
    cost: { bench: dense, device: aws-c6a.large, samplesPerUnit: 1000 }
    strategy: { type: costPlus }
`;

/** A record whose three runs took 10·e^−0.1, 10 and 10·e^0.1 seconds: ln spread −0.1, 0, 0.1, so σ = √(0.02 / 2) = 0.1 by hand. */
function noisyRecord() {
  const record = mlpRecord('dense', 128, 0.9, 0.2);
  record.runs = [10 * Math.exp(-0.1), 10, 10 * Math.exp(0.1)].map((wallSeconds, i) => ({
    seed: i,
    wallSeconds,
    steps: 10,
    reachedTarget: false,
    testAccuracy: 0.9,
  }));
  return record;
}

describe('timing noise of repeated runs in the Monte Carlo', () => {
  const market = sampleAll(parseScenario(text, 'noise.yaml').market!, createRng(1));
  const records = new Map([['dense', noisyRecord()]]);

  it('σ is the sample sd of ln wallSeconds over the runs (hand case), 0 with one run', () => {
    expect(timingSigma(noisyRecord()).sigma).toBeCloseTo(0.1, 12);
    expect(timingSigma(mlpRecord('x', 8, 0.9, 0.2)).sigma).toBe(0);
  });

  it('without an RNG the central cost; with one, draws whose log spread matches σ (a second method: the empirical sd over many runs)', () => {
    const central = resolveProviderCosts(market, records, [])[0]?.marginalCostUsd as number;
    expect(central).toBeCloseTo(((203_264 * 1000) / 1e9) * (0.0765 / 3600), 15);
    const logs: number[] = [];
    for (let run = 0; run < 4000; run++)
      logs.push(
        Math.log((resolveProviderCosts(market, records, [], 'noise.yaml', new Map(), createRng(run).fork('timing'))[0]?.marginalCostUsd as number) / central),
      );
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, x) => a + (x - mean) ** 2, 0) / (logs.length - 1));
    expect(Math.abs(mean)).toBeLessThan(0.01); // median factor 1
    expect(sd).toBeGreaterThan(0.095);
    expect(sd).toBeLessThan(0.105);
    const one = resolveProviderCosts(market, records, [], 'noise.yaml', new Map(), createRng(7).fork('timing'))[0];
    expect(one?.costProvenance.source).toMatch(/timing factor .*lognormal\(median 1, σ 0\.1\).*3 runs/);
    // Same RNG, same draw: deterministic given the seed.
    expect(resolveProviderCosts(market, records, [], 'noise.yaml', new Map(), createRng(7).fork('timing'))[0]?.marginalCostUsd).toBe(one?.marginalCostUsd);
  });
});
