import { describe, expect, it } from 'vitest';
import { summarizeStudy } from '../../../src/bench/prune/summarize.ts';
import type { PruneRecord } from '../../../src/bench/prune/record.ts';
import { latencyTiming } from '../../../src/bench/prune/latency-timing.ts';

/** A record with only the fields the summary reads. */
function record(o: { accuracy: number; denseMs: number; ratios: number[]; wallSeconds: number; effective: number }): PruneRecord {
  const ratio = [...o.ratios].sort((a, b) => a - b)[o.ratios.length >> 1] as number;
  const cmp = {
    batchSize: 256,
    denseMsPerSample: o.denseMs,
    prunedMsPerSample: o.denseMs * ratio,
    ratio,
    ratioRange: [0, 0] as [number, number],
    ratios: o.ratios,
    rounds: o.ratios.length,
    callsPerRound: 1,
    verdict: 'no measurable difference' as const,
  };
  return {
    prune: {
      targetSparsity: 0.5,
      realisedSparsity: 0.5,
      layers: [],
      testAccuracy: o.accuracy,
      denseTestAccuracy: 0.98,
      params: 100,
      nonZeroParams: 50,
      denseParams: 100,
      flops: { dense: 1000, effective: o.effective, denseParent: 1000 },
      modelBytes: { float32: 400, gzip: 300, denseFloat32: 400, denseGzip: 350 },
      latency: { batch1: cmp, batchLarge: cmp },
      trainStep: { prunedSeconds: 0.1, denseSeconds: 0.1, ratio: 1 },
      trainStepFlops: { analytic: 1, traced: 1, peakBytes: 1 },
      fineTune: { steps: 10, wallSeconds: o.wallSeconds, stepSeconds: o.wallSeconds / 10, maskUpdates: 1 },
      method: 'magnitude',
      scope: 'layer',
      denseKey: 'd',
    },
  } as unknown as PruneRecord;
}

describe('summarizeStudy', () => {
  it('prices every row on one pooled dense latency and counts a saving only for a significant speed-up', () => {
    const records = new Map<string, PruneRecord>([
      ['a', record({ accuracy: 0.97, denseMs: 1, ratios: [0.9, 1.1, 0.95, 1.05, 1, 0.9, 1.1], wallSeconds: 100, effective: 500 })],
      ['b', record({ accuracy: 0.9, denseMs: 3, ratios: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], wallSeconds: 36, effective: 1000 })],
    ]);
    const device = { id: 'd', usdPerHour: 3.6, priceSource: 'test' };
    const { levels } = summarizeStudy(
      [
        { method: 'magnitude', sparsity: 0.5, key: 'a' },
        { method: 'structured', sparsity: 0.5, key: 'b' },
      ],
      records,
      { requestsPerMonth: 1000, device, accuracyFloor: 0.95 },
    );
    const [u, s] = levels as [(typeof levels)[number], (typeof levels)[number]];
    // Pooled dense latency: (1 + 3) / 2 = 2 ms → $0.001/s × 0.002 s × 1000 requests = $0.002 per month, on both rows.
    expect(u.payoff.monthlyCostUsd.dense).toBeCloseTo(0.002, 12);
    expect(s.payoff.monthlyCostUsd.dense).toBeCloseTo(0.002, 12);
    // Unstructured: no significant difference → no saving, never breaks even; the FLOPs formula (×0.5) would.
    expect(u.latencyMs.batchLargeVerdict).toBe('no measurable difference');
    expect(u.payoff.breakEvenRequests).toBeNull();
    // Modeled: saving 0.001 s × $0.001/s = $1e-6 per request; one-off 100 s × $0.001 = $0.1 → 100,000 requests.
    expect(u.payoffModeled.breakEvenRequests).toBe(100_000);
    // Structured: 7 of 7 rounds faster, ratio 0.5 → saving $1e-6 per request; one-off $0.036 → 36,000 requests.
    expect(s.latencyMs.batchLargeVerdict).toBe('faster');
    expect(s.payoff.breakEvenRequests).toBe(36_000);
    expect(s.belowAccuracyFloor).toBe(true);
    expect(u.belowAccuracyFloor).toBe(false);
  });
});

describe('summarizeStudy: the baseline is the fine-tuned dense control', () => {
  it("uses the control's fine-tuned accuracy, not the parent's before fine-tuning", () => {
    const r = record({ accuracy: 0.85, denseMs: 1, ratios: [1, 1, 1], wallSeconds: 10, effective: 500 });
    // Hand-made: the parent scored 0.98 before fine-tuning; the control, fine-tuned the same steps and seed, 0.9.
    (r.prune as unknown as { denseTestAccuracy: number; denseParentTestAccuracy: number }).denseTestAccuracy = 0.9;
    (r.prune as unknown as { denseParentTestAccuracy: number }).denseParentTestAccuracy = 0.98;
    const device = { id: 'd', usdPerHour: 3.6, priceSource: 'test' };
    const { levels } = summarizeStudy([{ method: 'magnitude', sparsity: 0.5, key: 'a' }], new Map([['a', r]]), { requestsPerMonth: 1000, device });
    const [l] = levels as [(typeof levels)[number]];
    expect(l.denseTestAccuracy).toBe(0.9);
    // Dense: 1 ms × $0.001/s = $1e-6 per request, ÷ 0.9 correct (the control's) = $1.111…e-6 per correct prediction; 0.98 would give $1.0204e-6.
    expect(l.payoff.costPerCorrectPredictionUsd.dense).toBeCloseTo(1e-6 / 0.9, 15);
  });
});

describe('summarizeStudy: how latency was timed', () => {
  it('a level is timed alone only when every seed was, and its provenance counts the seeds by how they were timed', () => {
    const serial = record({ accuracy: 0.9, denseMs: 1, ratios: [1, 1, 1], wallSeconds: 10, effective: 500 });
    serial.prune.latencyTiming = latencyTiming('serial', 1, 1);
    const contended = record({ accuracy: 0.9, denseMs: 1, ratios: [1, 1, 1], wallSeconds: 10, effective: 500 });
    contended.prune.latencyTiming = latencyTiming('pool-worker', 2, 2);
    const old = record({ accuracy: 0.9, denseMs: 1, ratios: [1, 1, 1], wallSeconds: 10, effective: 500 });
    const device = { id: 'd', usdPerHour: 3.6, priceSource: 'test' };
    const cells = (keys: string[], sparsity: number) => keys.map((key) => ({ method: 'magnitude' as const, sparsity, key }));
    const { levels } = summarizeStudy(
      [...cells(['s1', 's2'], 0.5), ...cells(['s3', 'c'], 0.7), ...cells(['o'], 0.9)],
      new Map([
        ['s1', serial],
        ['s2', serial],
        ['s3', serial],
        ['c', contended],
        ['o', old],
      ]),
      { requestsPerMonth: 1000, device },
    );
    expect(levels.map((l) => l.latencyTimedAlone)).toEqual([true, false, false]);
    expect(levels[0]?.provenance.latencyMs?.source).toMatch(/2 of 2 seed\(s\) timed serially after training, alone/);
    expect(levels[1]?.provenance.latencyMs?.source).toMatch(
      /1 of 2 seed\(s\) timed serially after training, alone; 1 of 2 seed\(s\) timed in a pool worker beside up to 1 other costsim worker\(s\) \(contended\)/,
    );
    expect(levels[2]?.provenance.latencyMs?.source).toMatch(/1 of 1 seed\(s\) timing not recorded/);
  });

  it('the training step carries its own timing label: alone only when every seed was, and its provenance says how and how many rounds', () => {
    const serial = record({ accuracy: 0.9, denseMs: 1, ratios: [1, 1, 1], wallSeconds: 10, effective: 500 });
    serial.prune.latencyTiming = latencyTiming('serial', 1, 1);
    serial.prune.trainStepTiming = latencyTiming('serial', 1, 1);
    serial.prune.trainStep = { prunedSeconds: 0.1, denseSeconds: 0.1, ratio: 1, rounds: 2, steps: 1 };
    // Latency re-timed alone, training step still the contended in-worker figure: the two labels are independent.
    const mixed = record({ accuracy: 0.9, denseMs: 1, ratios: [1, 1, 1], wallSeconds: 10, effective: 500 });
    mixed.prune.latencyTiming = latencyTiming('serial', 1, 1);
    mixed.prune.trainStepTiming = latencyTiming('pool-worker', 2, 2);
    const device = { id: 'd', usdPerHour: 3.6, priceSource: 'test' };
    const { levels } = summarizeStudy(
      [
        { method: 'magnitude', sparsity: 0.5, key: 's' },
        { method: 'magnitude', sparsity: 0.7, key: 'm' },
      ],
      new Map([
        ['s', serial],
        ['m', mixed],
      ]),
      { requestsPerMonth: 1000, device },
    );
    expect(levels.map((l) => [l.latencyTimedAlone, l.trainStepTimedAlone])).toEqual([
      [true, true],
      [true, false],
    ]);
    expect(levels[0]?.provenance.trainStepMs?.source).toMatch(/median of 2 rounds of 1 steps .* 1 of 1 seed\(s\) timed serially after training, alone/);
    // No counts in the record (older records): the 3 × 3 they were timed with.
    expect(levels[1]?.provenance.trainStepMs?.source).toMatch(
      /median of 3 rounds of 3 steps .* 1 of 1 seed\(s\) timed in a pool worker beside up to 1 other costsim worker\(s\) \(contended\)/,
    );
  });
});
