import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { InputError } from '../../src/errors.ts';

const minimal = `demand: { type: logit, mu: 0.25 }
providers:
  - name: a
    quality: 2
    marginalCost: 1
    strategy: { type: costPlus }
`;

/** The InputError a text raises (fails the test if it parses). */
function errorOf(text: string): InputError {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseScenario', () => {
  it('fills the documented defaults for a minimal scenario', () => {
    const s = parseScenario(minimal, 'dir/my-market.yaml');
    expect(s.name).toBe('my-market');
    expect(s.seed).toBe(1);
    expect(s.periods).toBe(100);
    expect(s.monteCarlo).toEqual({ runs: 1, percentiles: [10, 50, 90] });
    expect(s.market?.demand).toEqual({ type: 'logit', mu: 0.25, outsideQuality: 0, marketSize: 1, priceElasticity: 0, referencePriceUsd: 1 });
    const p = s.market?.providers[0];
    expect(p?.capacityUnitsPerPeriod).toBe(Infinity);
    expect(p?.cashUsd).toBe(Infinity);
    expect(p?.fixedCostUsdPerPeriod).toBe(0);
    expect(p?.entersAt).toBe(0);
    expect(p?.strategy).toEqual({ type: 'costPlus', markup: 0.3 });
    expect(p?.cost).toEqual({ kind: 'given', marginalCostUsd: 1 });
  });

  it('maps reference dates to periods through the calendar', () => {
    const s = parseScenario(
      `${minimal}calendar: { start: 2024-05-01, periodDays: 1 }
references:
  - { provider: a, date: 2024-05-21, price: 0.5, source: test }
`,
      'r.yaml',
    );
    expect(s.references[0]?.period).toBe(20);
  });

  it.each([
    ['malformed YAML', 'demand: { type: logit, mu: 1\nproviders: [', 2, /not valid YAML/],
    ['a wrong type', minimal.replace('quality: 2', 'quality: high'), 4, /providers\[0\]\.quality.*expected a number or a distribution.*"high"/],
    ['a negative cost', minimal.replace('marginalCost: 1', 'marginalCost: -1'), 5, /providers\[0\]\.marginalCost.*must be >= 0 \(got -1\)/],
    ['mu below its floor', minimal.replace('mu: 0.25', 'mu: 0'), 1, /demand\.mu.*must be >= 1e-9 \(got 0\)/],
    [
      'an unknown strategy',
      minimal.replace('costPlus', 'cheapest'),
      6,
      /strategy\.type.*unknown or missing strategy type \(allowed: costPlus, matchLowest, undercutLeader, titForTat, edgeworth, bestResponse, predatory, qlearning\)/,
    ],
    ['an unknown key', `${minimal}    colour: red\n`, 7, /providers\[0\]\.colour.*unknown key "colour" \(allowed: name, quality, marginalCost/],
    ['an unknown demand type', minimal.replace('logit', 'probit'), 1, /demand\.type must be logit or linear/],
    [
      'a distribution that can go negative on a cost',
      minimal.replace('marginalCost: 1', 'marginalCost: { dist: normal, mean: 1, sd: 0.5 }'),
      5,
      /every draw must be >= 0/,
    ],
    ['a reference to a missing bench', minimal.replace('marginalCost: 1', 'cost: { bench: nope, device: aws-c6a.large }'), 5, /unknown bench id "nope"/],
    [
      'both marginalCost and cost',
      minimal.replace('marginalCost: 1', 'marginalCost: 1\n    cost: { flopsPerUnit: 1e9, device: aws-c6a.large, utilisation: 0.5 }'),
      3,
      /exactly one of marginalCost/,
    ],
    [
      'an unknown device',
      minimal.replace('marginalCost: 1', 'cost: { flopsPerUnit: 1e9, device: tpu-v9, utilisation: 0.5 }'),
      5,
      /unknown device "tpu-v9" \(allowed: .*aws-c6a\.large/,
    ],
    [
      'a bench entry priced as a GPU (it trains on this machine, which is no GPU)',
      `${minimal}bench:\n  - { id: b, model: mlp, steps: 2, device: h100-sxm }\n`,
      8,
      /bench\[0\]\.device.*"h100-sxm" is a GPU and never ran this job.*a placement or serving entry gives that modeled figure/,
    ],
  ])('rejects %s with file, path, line and what is allowed (exit code 2)', (_what, text, line, message) => {
    const error = errorOf(text);
    expect(error.exitCode).toBe(2);
    expect(error.location.file).toBe('bad.yaml');
    expect(error.location.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  it('rejects a placement model with a malformed shape and an unknown bench model', () => {
    const error = errorOf(
      `placement:\n  - { model: "transformer:layers", devices: [aws-c6a.large] }\nbench:\n  - { id: x, model: rnn, steps: 1, device: aws-c6a.large }\n`,
    );
    expect(error.message).toMatch(/placement\[0\]\.model.*transformer:layers=32/);
    expect(error.message).toMatch(/bench\[0\]\.model \(line 4\).*"mlp", "cnn", "transformer"/);
  });

  it('accepts bench, devices and placement sections and keeps them typed', () => {
    const s = parseScenario(
      `bench:
  - { id: d, model: cnn, steps: 50, device: aws-c6a.large, pruning: { mode: structured, sparsity: 0.5 } }
devices:
  - id: my-gpu
    name: My GPU
    kind: gpu
    peakFlops: { fp32: { value: 1.0e13, source: datasheet, date: 2024-01 } }
    memoryBytes: { value: 1.6e10, source: datasheet, date: 2024-01 }
    memoryBandwidthBytesPerSecond: { value: 3.0e11, source: datasheet, date: 2024-01 }
    powerWatts: { value: 70, source: datasheet, date: 2024-01 }
    usdPerHour: { value: 0.5, source: price page, date: 2024-01 }
placement:
  - { model: "transformer:layers=2,hidden=64,heads=2,seq=16,vocab=100", devices: [my-gpu] }
`,
      'all.yaml',
    );
    expect(s.bench[0]).toMatchObject({ id: 'd', batch: 64, accum: 1, seed: 0 }); // the harness's defaults (costsim bench: batch 64, no accumulation, seed 0)
    expect(s.devices[0]?.id).toBe('my-gpu');
    expect(s.placement[0]?.objective).toBe('time');
    expect(s.market).toBeUndefined();
  });
});
