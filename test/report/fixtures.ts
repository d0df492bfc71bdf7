/**
 * Fixed, seeded rows for every chart: the input of the spec snapshots and of the rendering
 * tests. Shapes are realistic (accuracy falls with sparsity, random pruning falls faster,
 * prices fall toward cost) but the numbers are made up; nothing here is a measurement.
 */
import { createRng } from '../../src/util/rng.ts';
import type { ReportResults, ReportRows } from '../../src/report/rows.ts';

const round = (v: number, digits = 6) => Number(v.toFixed(digits));

/** Rows for every chart from `seed`. */
export function fixtureRows(seed = 7): ReportRows {
  const rng = createRng(seed);
  const models = ['mlp', 'cnn', 'transformer'];
  const pareto = models.flatMap((model, m) =>
    [1, 2, 4].map((k) => ({
      label: `${model} k=${k}`,
      model,
      trainCostUsd: round(0.0004 * (m + 1) * k * (1 + 0.2 * rng.next()), 8),
      testAccuracy: round(0.86 + 0.03 * m + 0.01 * Math.log2(k) + 0.01 * rng.next(), 4),
      onFrontier: false,
      provenance: (m === 2 ? 'modeled' : 'measured') as 'measured' | 'modeled',
    })),
  );
  const sortedByCost = [...pareto].sort((a, b) => a.trainCostUsd - b.trainCostUsd);
  let best = -Infinity;
  for (const row of sortedByCost) {
    if (row.testAccuracy > best) {
      row.onFrontier = true;
      best = row.testAccuracy;
    }
  }
  const sparsities = [0, 0.5, 0.7, 0.8, 0.9, 0.95];
  const pruningAccuracy = ['magnitude', 'random'].flatMap((method) =>
    sparsities.flatMap((s) =>
      [1, 2, 3].map((seedIndex) => ({
        method,
        sparsity: s,
        seed: seedIndex,
        testAccuracy: round(0.97 - (method === 'random' ? 0.5 : 0.08) * s ** 3 - 0.01 * rng.next(), 4),
        provenance: 'measured' as const,
      })),
    ),
  );
  const pruningCompute = sparsities.flatMap((s) => [
    { sparsity: s, series: 'dense FLOPs', value: 2.1e5, unit: 'FLOPs per sample', relativeToDense: 1, provenance: 'modeled' as const },
    {
      sparsity: s,
      series: 'effective FLOPs',
      value: round(2.1e5 * (1 - s), 2),
      unit: 'FLOPs per sample',
      relativeToDense: round(1 - s, 4),
      provenance: 'modeled' as const,
    },
    {
      sparsity: s,
      series: 'latency (batch 1)',
      value: round(0.08 * (1 + 0.05 * rng.normal()), 5),
      unit: 'ms per sample',
      relativeToDense: round(1 + 0.05 * rng.normal(), 4),
      timedAlone: true,
      provenance: 'measured' as const,
    },
    // No rng draw here, so the rows after it keep their values.
    {
      sparsity: s,
      series: 'training step',
      value: round(0.42 * (1 - 0.2 * s), 5),
      unit: 'ms per Adam step',
      relativeToDense: round(1 - 0.2 * s, 4),
      timedAlone: true,
      provenance: 'measured' as const,
    },
  ]);
  const volumes = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
  const payoffConfigs = [
    { label: 'magnitude 50%', savingUsd: 2e-9, costUsd: 0.02 },
    { label: 'structured 50%', savingUsd: 4e-8, costUsd: 0.03 },
  ];
  const pruningPayoff = payoffConfigs.flatMap((c) =>
    volumes.map((v) => ({
      label: c.label,
      requests: v,
      netSavingsUsd: round(v * c.savingUsd - c.costUsd, 8),
      breakEvenRequests: round(c.costUsd / c.savingUsd, 0),
      savingFrom: 'measured latency' as const,
      latencyTimedAlone: true,
      provenance: 'modeled' as const,
    })),
  );
  const accumulation = ['mlp', 'cnn'].flatMap((model, m) =>
    [1, 2, 4, 8].map((k) => ({
      model,
      accumulationSteps: k,
      microBatchSize: 32,
      peakMiB: round(12 + 6 * m + 0.3 * rng.next(), 3),
      physicalPeakMiB: round(64 + 16 * m, 1),
      physicalMemory: 'wasm heap high-water mark' as const,
      stepSeconds: round(0.01 * (m + 1) * k * (1 + 0.05 * rng.next()), 5),
      provenance: 'measured' as const,
    })),
  );
  const plans = ['all-cpu', 'all-gpu (H100)', 'greedy fill', 'optimal DP', 'ZeRO-Offload'];
  const placementTime = plans.flatMap((plan, p) =>
    (['compute', 'memory', 'transfer'] as const).map((component, c) => ({
      plan,
      component,
      seconds: round((p === 0 ? 2 : 0.1) * (c === 2 ? (p === 0 ? 0 : 0.05 * p) : 1 / (c + 1)) * (1 + 0.1 * rng.next()), 5),
      provenance: (p === 0 ? 'measured' : 'modeled') as 'measured' | 'modeled',
    })),
  );
  const placementMemory = plans
    .flatMap((plan, p) => [
      { plan, device: 'cpu', usedGiB: round(p === 0 ? 3.5 : 1 + 0.5 * p, 3), capacityGiB: 4, overCapacity: false, provenance: 'modeled' as const },
      ...(p === 0
        ? []
        : [{ plan, device: 'H100', usedGiB: round(p === 1 ? 90 : 60 - 5 * p, 3), capacityGiB: 80, overCapacity: p === 1, provenance: 'modeled' as const }]),
    ])
    .map((r) => ({ ...r, overCapacity: r.usedGiB > r.capacityGiB }));
  const calibration = ['mlp', 'cnn', 'transformer'].map((label, i) => {
    const predictedSeconds = round(0.01 * 3 ** i, 5);
    return { label, predictedSeconds, measuredSeconds: round(predictedSeconds * (1.2 + 0.4 * rng.next()), 5) };
  });
  const providers = ['DeepSeek', 'Incumbent', 'Challenger'];
  const periods = Array.from({ length: 12 }, (_, i) => i);
  const priceBands = providers.flatMap((provider, pi) =>
    periods.map((period) => {
      const p50 = round((2 + pi) * Math.exp(-0.15 * period) + 0.3, 4);
      return {
        period,
        provider,
        lowPriceUsd: round(p50 * 0.8, 4),
        medianPriceUsd: p50,
        highPriceUsd: round(p50 * 1.25, 4),
        lowPercentile: 10,
        highPercentile: 90,
      };
    }),
  );
  const referencePrices = [
    { period: 0, provider: 'Incumbent', priceUsd: 3, date: '2024-05-01', source: 'list price (fixture)' },
    { period: 6, provider: 'Incumbent', priceUsd: 1.2, date: '2024-11-01', source: 'list price (fixture)' },
  ];
  const alive = new Map(providers.map((p) => [p, 1]));
  const survival = periods.flatMap((period) =>
    providers.map((provider, pi) => {
      const prev = alive.get(provider) ?? 1;
      const next = pi === 2 && period > 5 ? round(prev * 0.85, 4) : prev;
      alive.set(provider, next);
      return { period, provider, survivalProbability: next };
    }),
  );
  const shares = periods.flatMap((period) =>
    providers.map((provider, pi) => ({ period, provider, share: round([0.3 + 0.01 * period, 0.35 - 0.01 * period, 0.2][pi] as number, 4) })),
  );
  const profit = providers.flatMap((provider, pi) => {
    let cashUsd = 1e6 * (pi + 1);
    return periods.map((period) => {
      const profitUsd = round(1e5 * (1 - pi) - 2e4 * period * (pi === 2 ? 1 : 0.1) + 1e4 * rng.normal(), 2);
      cashUsd = round(Math.max(0, cashUsd + profitUsd), 2);
      return { period, provider, profitUsd, cashUsd };
    });
  });
  const servingFrontier = ['l4 · bf16', 'h100-sxm · fp8'].flatMap((series, si) =>
    [1, 2, 4, 8, 16, 32].map((batch) => ({
      series,
      batch,
      tokensPerSecondPerUser: round((si ? 150 : 18) / (1 + batch / 64), 4),
      usdPerMOutputTokens: round((si ? 4 : 12) / batch, 5),
      provenance: 'modeled' as const,
    })),
  );
  const servingCost = ['l4', 'h100-sxm'].flatMap((device, di) =>
    (['input', 'cached input', 'output'] as const).map((tokenClass, ci) => ({
      device,
      dtype: 'bf16',
      tokenClass,
      usdPerMTokens: round((di ? 0.2 : 0.5) * [0.1, 0.002, 1][ci]!, 5),
      provenance: 'modeled' as const,
    })),
  );
  const servingMeasured = ['wasm', 'native'].flatMap((backend, bi) =>
    [1, 2, 4, 8].flatMap((batch) => {
      const predicted = round((bi ? 300 : 40) * batch ** 0.8, 3);
      return [
        {
          backend,
          batch,
          contextTokens: 64,
          figure: 'measured' as const,
          decodeTokensPerSecond: round(predicted * (0.4 + 0.1 * rng.next()), 3),
          provenance: 'measured' as const,
        },
        { backend, batch, contextTokens: 64, figure: 'predicted' as const, decodeTokensPerSecond: predicted, provenance: 'modeled' as const },
        { backend, batch, contextTokens: 64, figure: 'calibrated' as const, decodeTokensPerSecond: round(predicted * 0.45, 3), provenance: 'modeled' as const },
      ];
    }),
  );
  const equilibrium = providers.map((provider, pi) => ({ provider, nashPriceUsd: round(0.5 + 0.1 * pi, 4), collusivePriceUsd: round(1.4 + 0.2 * pi, 4) }));
  // A 2 × 3 grid: survival rises with the challenger's cash, prices fall as μ falls (hand-made, not simulated).
  const gridSweep = [0.1, 0.3].flatMap((mu, mi) =>
    [1e6, 3e6, 5e6].flatMap((cash, ci) =>
      providers.map((provider, pi) => ({
        point: mi * 3 + ci,
        parameters: { 'demand.mu': mu, 'providers[2].cash': cash },
        provider,
        runs: 20,
        survivalProbability: pi === 2 ? round(0.2 + 0.15 * ci, 4) : 1,
        meanFinalPriceUsd: round((0.6 + pi * 0.1) * (1 + mu), 4),
        meanProfitUsdPerPeriod: round(1e4 * (1 + pi) * (1 + mu), 2),
      })),
    ),
  );
  // Sensitivity: the challenger's cost at its p10/p90 moves its survival and price (hand-made, not simulated).
  const sensitivity = [
    ...providers.map((provider, pi) => ({
      input: null,
      level: 'central' as const,
      value: null,
      provider,
      runs: 20,
      survivalProbability: pi === 2 ? 0.5 : 1,
      meanFinalPriceUsd: round(0.6 + pi * 0.1, 4),
      meanProfitUsdPerPeriod: round(1e4 * (1 + pi), 2),
    })),
    ...(['low', 'high'] as const).flatMap((level, li) =>
      providers.map((provider, pi) => ({
        input: 'providers[2].marginalCost',
        level,
        value: li ? 0.8 : 0.4,
        provider,
        runs: 20,
        survivalProbability: pi === 2 ? (li ? 0.2 : 0.8) : 1,
        meanFinalPriceUsd: round((0.6 + pi * 0.1) * (pi === 2 ? (li ? 1.3 : 0.8) : 1), 4),
        meanProfitUsdPerPeriod: round(1e4 * (1 + pi) * (pi === 2 ? (li ? -0.5 : 1.2) : 1), 2),
      })),
    ),
  ];
  // Incumbent's cost is given by the scenario (assumed); the others' come from records (modeled).
  const marginalCost = providers.flatMap((provider, pi) =>
    periods.map((period) => ({
      period,
      provider,
      medianMarginalCostUsd: round((0.25 + 0.05 * pi) * 0.97 ** period, 5),
      provenance: (provider === 'Incumbent' ? 'assumed' : 'modeled') as 'assumed' | 'modeled',
    })),
  );
  return {
    gridSweep,
    sensitivity,
    pareto,
    pruningAccuracy,
    pruningCompute,
    pruningPayoff,
    accumulation,
    placementTime,
    placementMemory,
    calibration,
    priceBands,
    referencePrices,
    shares,
    profit,
    survival,
    equilibrium,
    marginalCost,
    servingFrontier,
    servingCost,
    servingMeasured,
  };
}

/** A complete ReportResults around fixtureRows. */
export function fixtureResults(seed = 7): ReportResults {
  return {
    version: 1,
    scenario: { name: 'fixture', question: 'Who survives a price war between three providers?', seed, periodDays: 30, calendarStart: '2024-05-01' },
    summary: {
      answer: 'In this made-up fixture the Challenger exits in about half of the runs by period 11.',
      keyNumbers: [
        { label: 'cheapest model above 90% accuracy', value: '$0.0009', provenance: 'measured', source: 'fixture' },
        { label: 'Challenger survival at period 11', value: '49%', provenance: 'modeled' },
      ],
    },
    rows: fixtureRows(seed),
    provenance: { generator: 'test/report/fixtures.ts' },
  };
}
