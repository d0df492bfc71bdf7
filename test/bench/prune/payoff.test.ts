import { describe, expect, it } from 'vitest';
import { computePayoff, type PayoffInputs } from '../../../src/bench/prune/payoff.ts';

const base: PayoffInputs = {
  requestsPerMonth: 1e6,
  device: { id: 'test-device', usdPerHour: 3.6, priceSource: 'test' },
  dense: { secondsPerRequest: 0.002, testAccuracy: 0.98 },
  pruned: { secondsPerRequest: 0.001, testAccuracy: 0.97 },
  speedupKind: 'measured',
  speedupSource: 'test',
  oneOffSeconds: 1000,
  accuracyFloor: 0.975,
};

describe('computePayoff', () => {
  it('matches hand-computed costs and break-even', () => {
    const p = computePayoff(base);
    // $3.6/h = $0.001/s. Dense: 0.002 s → $2e-6 per request → $2 per 1e6; pruned $1.
    expect(p.monthlyCostUsd.dense).toBeCloseTo(2, 12);
    expect(p.monthlyCostUsd.pruned).toBeCloseTo(1, 12);
    expect(p.monthlySavingUsd).toBeCloseTo(1, 12);
    // One-off: 1000 s × $0.001 = $1; saving $1e-6 per request → 1e6 requests, one month.
    expect(p.oneOffCostUsd).toBeCloseTo(1, 12);
    expect(p.breakEvenRequests).toBe(1_000_000);
    expect(p.breakEvenMonths).toBeCloseTo(1, 12);
    // Cost per correct prediction: 2e-6 / 0.98 and 1e-6 / 0.97.
    expect(p.costPerCorrectPredictionUsd.dense).toBeCloseTo(2e-6 / 0.98, 15);
    expect(p.costPerCorrectPredictionUsd.pruned).toBeCloseTo(1e-6 / 0.97, 15);
    expect(p.belowAccuracyFloor).toBe(true);
    expect(p.provenance.monthlyCostUsd?.kind).toBe('modeled');
    expect(p.provenance.monthlyCostUsd?.source).toMatch(/measured seconds per request/);
  });

  it('never breaks even when the pruned model is not cheaper per request', () => {
    const p = computePayoff({ ...base, pruned: { secondsPerRequest: 0.002, testAccuracy: 0.98 } });
    expect(p.breakEvenRequests).toBeNull();
    expect(p.breakEvenMonths).toBeNull();
    expect(p.noBreakEvenReason).toMatch(/not cheaper/);
    expect(p.belowAccuracyFloor).toBe(false);
  });

  it('rejects negative inputs', () => {
    expect(() => computePayoff({ ...base, requestsPerMonth: -1 })).toThrow(/requestsPerMonth/);
  });
});
