// The pruning rows and charts say how latency and the training step were timed: alone (the
// serial pass after the pool, or a pool of one) or not. Levels are written by hand, so every
// expected ratio below is worked out from the figures in this file.
import { describe, expect, it } from 'vitest';
import type { PruneLevel } from '../../../src/bench/prune/summarize.ts';
import type { Payoff } from '../../../src/bench/prune/payoff.ts';
import { pruneKeyNumbers, pruningComputeRows, pruningPayoffRows } from '../../../src/report/adapters/prune.ts';
import { pruningComputeChart, pruningPayoffChart } from '../../../src/report/charts/pruning.ts';
import { vegaLiteSchemaErrors } from '../../../src/report/validate.ts';

/** 1,000 requests a month saving 0.001 USD each after a 0.5 USD pruning run: break-even at 500 requests. */
const PAYOFF: Payoff = {
  requestsPerMonth: 1000,
  monthlyCostUsd: { dense: 2, pruned: 1 },
  monthlySavingUsd: 1,
  oneOffCostUsd: 0.5,
  breakEvenRequests: 500,
  breakEvenMonths: 0.5,
  costPerCorrectPredictionUsd: { dense: 0.002, pruned: 0.001 },
  belowAccuracyFloor: false,
  provenance: {},
};

function level(sparsity: number, timing: { latencyTimedAlone: boolean; trainStepTimedAlone: boolean }): PruneLevel {
  return {
    mode: 'unstructured',
    sparsity,
    seeds: 1,
    realisedSparsity: sparsity,
    testAccuracy: 0.9,
    testAccuracyStd: 0,
    denseTestAccuracy: 0.92,
    params: 1000,
    nonZeroParams: 1000 * (1 - sparsity),
    compressionRatio: 1 / (1 - sparsity),
    flops: { dense: 2000, effective: 2000 * (1 - sparsity), denseParent: 2000, theoreticalSpeedup: 1 / (1 - sparsity) },
    modelBytes: { float32: 4000, gzip: 3000 },
    latencyMs: {
      batch1: 0.3,
      batchLarge: 0.1,
      largeBatchSize: 64,
      denseBatch1: 0.4,
      denseBatchLarge: 0.2,
      batch1Ratio: 0.75,
      batchLargeRatio: 0.5,
      batch1Verdict: 'faster',
      batchLargeVerdict: 'faster',
    },
    ...timing,
    trainStepMs: { pruned: 3, dense: 4 },
    fineTuneSeconds: 10,
    payoff: PAYOFF,
    payoffModeled: PAYOFF,
    belowAccuracyFloor: false,
    provenance: {},
  };
}

describe('pruningComputeRows', () => {
  it('labels latency rows with the latency timing, the training-step row with its own, and FLOPs rows not at all', () => {
    const rows = pruningComputeRows([level(0.5, { latencyTimedAlone: true, trainStepTimedAlone: false })]);
    expect(rows.map((r) => [r.series, r.relativeToDense, r.timedAlone])).toEqual([
      ['FLOPs as executed', 1, undefined],
      ['effective FLOPs (non-zero weights)', 0.5, undefined],
      ['latency, batch 1', 0.75, true], // 0.3 / 0.4 ms
      ['latency, batch 64', 0.5, true], // 0.1 / 0.2 ms
      ['training step', 0.75, false], // 3 / 4 ms per Adam step
    ]);
    expect(rows.find((r) => r.series === 'training step')).toMatchObject({ value: 3, unit: 'ms per Adam step', provenance: 'measured' });
    expect(rows.filter((r) => r.series.startsWith('FLOPs') || r.series.startsWith('effective')).every((r) => !('timedAlone' in r))).toBe(true);
  });
});

describe('pruningPayoffRows', () => {
  it('are latencyTimedAlone only when every level was: both lines price the dense seconds pooled over all levels', () => {
    const alone = { latencyTimedAlone: true, trainStepTimedAlone: true };
    const allAlone = pruningPayoffRows([level(0, alone), level(0.5, alone)]);
    expect(allAlone.length).toBeGreaterThan(0);
    expect(new Set(allAlone.map((r) => r.latencyTimedAlone))).toEqual(new Set([true]));
    // The sparsity-0 control is drawn as no line, but its latency is in the pooled dense seconds.
    const controlContended = pruningPayoffRows([level(0, { ...alone, latencyTimedAlone: false }), level(0.5, alone)]);
    expect(new Set(controlContended.map((r) => r.latencyTimedAlone))).toEqual(new Set([false]));
    // The training step is not in the payoff, so its timing does not change the label.
    const stepContended = pruningPayoffRows([level(0, alone), level(0.5, { ...alone, trainStepTimedAlone: false })]);
    expect(new Set(stepContended.map((r) => r.latencyTimedAlone))).toEqual(new Set([true]));
  });
});

describe('pruning charts', () => {
  it('name the series and sparsities not timed alone in the compute subtitle, and show the label in the tooltip', () => {
    const contended = pruningComputeChart(pruningComputeRows([level(0.5, { latencyTimedAlone: true, trainStepTimedAlone: false })]));
    const subtitle = (spec: unknown) => ((spec as { title: { subtitle: string[] } }).title.subtitle ?? []).join(' ');
    expect(subtitle(contended)).toContain('Not timed alone: training step at 50% (timed beside other costsim workers');
    expect(subtitle(contended)).not.toContain('latency, batch 1 at 50%');
    expect(JSON.stringify(contended)).toContain('"field":"timedAlone"');
    expect(vegaLiteSchemaErrors(contended)).toEqual([]);
    const alone = pruningComputeChart(pruningComputeRows([level(0.5, { latencyTimedAlone: true, trainStepTimedAlone: true })]));
    expect(subtitle(alone)).not.toContain('Not timed alone');
    // Grouped by series: two contended levels of one series are named once.
    const two = pruningComputeChart(
      pruningComputeRows([
        level(0.5, { latencyTimedAlone: false, trainStepTimedAlone: true }),
        level(0.9, { latencyTimedAlone: false, trainStepTimedAlone: true }),
      ]),
    );
    expect(subtitle(two)).toContain('Not timed alone: latency, batch 1 at 50%, 90%; latency, batch 64 at 50%, 90% (');
  });

  it('say in the payoff subtitle when the dollars rest on a latency not timed alone', () => {
    const subtitle = (spec: unknown) => ((spec as { title: { subtitle: string[] } }).title.subtitle ?? []).join(' ');
    const alone = { latencyTimedAlone: true, trainStepTimedAlone: true };
    const contended = pruningPayoffChart(pruningPayoffRows([level(0, alone), level(0.5, { ...alone, latencyTimedAlone: false })]));
    expect(subtitle(contended)).toContain('Not every latency these dollars come from was timed alone');
    expect(JSON.stringify(contended)).toContain('"field":"latencyTimedAlone"');
    expect(vegaLiteSchemaErrors(contended)).toEqual([]);
    expect(subtitle(pruningPayoffChart(pruningPayoffRows([level(0, alone), level(0.5, alone)])))).not.toContain('timed alone');
  });
});

describe('pruneKeyNumbers', () => {
  it('say whether the headline latency was timed alone', () => {
    const source = (l: PruneLevel) => pruneKeyNumbers([l]).find((k) => k.label.startsWith('latency'))?.source;
    expect(source(level(0.5, { latencyTimedAlone: true, trainStepTimedAlone: true }))).toContain('; timed alone (no other costsim worker running)');
    expect(source(level(0.5, { latencyTimedAlone: false, trainStepTimedAlone: true }))).toContain('; not every seed timed alone');
  });
});
