/**
 * Summaries across Monte Carlo runs: survival probability per provider, time to first exit,
 * percentile bands of prices, shares, cash and market metrics per period, and the Q-learning
 * profit gain. Percentiles interpolate linearly between order statistics (R's type 7, numpy's
 * default). Pure and deterministic: runs are taken in run order.
 */
import type { BandRow, MarketSummary, RunResult } from './types.ts';

/** The q-th percentile (0–100) of `values` (type 7); NaN when empty. Does not mutate `values`. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * (q / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number));
}

function mean(values: readonly number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

/** Calvano et al. (2020) baseline profit gain (Calvano, Calzolari, Denicolò & Pastorello, "Artificial Intelligence, Algorithmic Pricing, and Collusion", AER 110(10), 2020: Δ ≈ 0.85 at the baseline; figure not yet checked against the paper's table). */
export const CALVANO_PAPER_PROFIT_GAIN = 0.85;

/** Summaries of `runs` (all runs of one scenario) for `providers` over `periods`. */
export function summarizeRuns(runs: readonly RunResult[], providers: readonly string[], periods: number, percentiles: readonly number[]): MarketSummary {
  const lowP = percentiles[0] ?? 10;
  const highP = percentiles[percentiles.length - 1] ?? 90;
  const band = (period: number, provider: string | null, metric: BandRow['metric'], values: number[]): BandRow => ({
    period,
    provider,
    metric,
    runs: values.length,
    low: percentile(values, lowP),
    median: percentile(values, 50),
    high: percentile(values, highP),
    mean: mean(values),
    lowPercentile: lowP,
    highPercentile: highP,
  });
  // Collect per (period, provider) values in one pass.
  const perKey = new Map<string, { priceUsd: number[]; unitShare: number[]; cashUsd: number[]; profitUsd: number[] }>();
  const perPeriod = Array.from({ length: periods }, () => ({ avgPriceUsd: [] as number[], hhi: [] as number[], consumerSurplusUsd: [] as number[] }));
  for (const r of runs) {
    for (const row of r.rows) {
      const key = `${row.period}\u0000${row.provider}`;
      let slot = perKey.get(key);
      if (!slot) perKey.set(key, (slot = { priceUsd: [], unitShare: [], cashUsd: [], profitUsd: [] }));
      if (row.priceUsd === null) continue;
      slot.priceUsd.push(row.priceUsd);
      slot.unitShare.push(row.unitShare);
      slot.profitUsd.push(row.profitUsd);
      if (row.cashUsd !== null) slot.cashUsd.push(row.cashUsd);
    }
    for (const m of r.marketRows) {
      const slot = perPeriod[m.period];
      if (!slot) continue;
      if (m.avgPriceUsd !== null) slot.avgPriceUsd.push(m.avgPriceUsd);
      slot.hhi.push(m.hhi);
      if (m.consumerSurplusUsd !== null) slot.consumerSurplusUsd.push(m.consumerSurplusUsd);
    }
  }
  const bands: BandRow[] = [];
  for (let t = 0; t < periods; t++) {
    for (const name of providers) {
      const slot = perKey.get(`${t}\u0000${name}`);
      if (!slot || slot.priceUsd.length === 0) continue;
      bands.push(band(t, name, 'priceUsd', slot.priceUsd), band(t, name, 'unitShare', slot.unitShare), band(t, name, 'profitUsd', slot.profitUsd));
      if (slot.cashUsd.length) bands.push(band(t, name, 'cashUsd', slot.cashUsd));
    }
    const m = perPeriod[t] as (typeof perPeriod)[number];
    if (m.avgPriceUsd.length) bands.push(band(t, null, 'avgPriceUsd', m.avgPriceUsd));
    if (m.hhi.length) bands.push(band(t, null, 'hhi', m.hhi));
    if (m.consumerSurplusUsd.length) bands.push(band(t, null, 'consumerSurplusUsd', m.consumerSurplusUsd));
  }
  const firstExits = runs.flatMap((r) => {
    const exits = r.exitPeriods.filter((e): e is number => e !== null);
    return exits.length ? [Math.min(...exits)] : [];
  });
  const providerSummaries = providers.map((name, i) => {
    const exits = runs.flatMap((r) => (r.exitPeriods[i] === null || r.exitPeriods[i] === undefined ? [] : [r.exitPeriods[i] as number]));
    const profits = runs.map((r) => mean(r.rows.filter((row) => row.provider === name && row.priceUsd !== null).map((row) => row.profitUsd)));
    const finalCash = runs.flatMap((r) => {
      const last = r.rows.filter((row) => row.provider === name).at(-1);
      return last && last.cashUsd !== null ? [last.cashUsd] : [];
    });
    return {
      provider: name,
      survivalProbability: runs.length ? (runs.length - exits.length) / runs.length : NaN,
      medianExitPeriod: exits.length ? percentile(exits, 50) : null,
      meanProfitUsdPerPeriod: mean(profits.filter((p) => !Number.isNaN(p))),
      meanFinalCashUsd: finalCash.length ? mean(finalCash) : null,
    };
  });
  const learned = runs.flatMap((r) => (r.learning ? [r.learning] : []));
  return {
    runs: runs.length,
    periods,
    providers: providerSummaries,
    firstExit: {
      probability: runs.length ? firstExits.length / runs.length : 0,
      lowPeriod: firstExits.length ? percentile(firstExits, lowP) : null,
      medianPeriod: firstExits.length ? percentile(firstExits, 50) : null,
      highPeriod: firstExits.length ? percentile(firstExits, highP) : null,
    },
    bands,
    ...(learned.length
      ? {
          learning: {
            runs: learned.length,
            convergedRuns: learned.filter((l) => l.converged).length,
            meanPeriodsToConvergence: mean(learned.map((l) => l.periodsToConvergence)),
            meanProfitGain: mean(learned.map((l) => l.profitGain)),
            profitGainLow: percentile(
              learned.map((l) => l.profitGain),
              lowP,
            ),
            profitGainHigh: percentile(
              learned.map((l) => l.profitGain),
              highP,
            ),
            paperProfitGain: CALVANO_PAPER_PROFIT_GAIN,
          },
        }
      : {}),
  };
}
