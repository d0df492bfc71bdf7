/**
 * A grid sweep's tidy rows: one per grid point × provider, with the provider's survival
 * probability, mean final price and mean profit per period over the point's Monte Carlo runs.
 * Each run is first cut down to a `RunOutcome` (in the worker that ran it, so a job's result
 * is a few numbers, not every period's rows); the definitions match the simulation summary's
 * (summary.ts), so a grid point and a plain `simulate` of the same scenario agree. Pure.
 */
import type { RunResult } from './types.ts';

/** What one run says about each provider (same order as the scenario's providers). */
export interface RunOutcome {
  run: number;
  providers: Array<{
    /** Still in the market after the last period. */
    survived: boolean;
    /** Price in the last period (USD/unit); null if the provider had exited (or never entered). */
    finalPriceUsd: number | null;
    /** Mean profit over the periods the provider was in the market (USD/period); null if it never was. */
    meanProfitUsdPerPeriod: number | null;
  }>;
}

/** One grid point × provider. Parameter columns are named by their scenario path (e.g. "demand.mu"). */
export interface GridRow {
  /** 0-based grid point (the first swept value varies slowest). */
  point: number;
  /** The swept values of this point, by path, in the order of the --sweep flags. */
  parameters: Record<string, number>;
  provider: string;
  runs: number;
  /** Fraction of runs in which the provider was alive after the last period (0–1). */
  survivalProbability: number;
  /** Mean over the runs it survived of its last-period price (USD/unit); null if it never survived. */
  meanFinalPriceUsd: number | null;
  /** Mean over runs of its mean profit per period in the market (USD/period); null if it never entered. */
  meanProfitUsdPerPeriod: number | null;
}

const mean = (xs: readonly number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Cut one run down to what the grid reports. */
export function runOutcome(result: RunResult, providers: readonly string[]): RunOutcome {
  return {
    run: result.run,
    providers: providers.map((name, i) => {
      const rows = result.rows.filter((r) => r.provider === name);
      const last = rows.at(-1);
      const inMarket = rows.filter((r) => r.priceUsd !== null);
      return {
        survived: result.exitPeriods[i] === null || result.exitPeriods[i] === undefined,
        finalPriceUsd: last?.priceUsd ?? null,
        meanProfitUsdPerPeriod: mean(inMarket.map((r) => r.profitUsd)),
      };
    }),
  };
}

/** The rows of one grid point from its runs' outcomes (any order; summed in run order so the floats do not depend on it). */
export function gridRows(point: number, parameters: Record<string, number>, providers: readonly string[], outcomes: readonly RunOutcome[]): GridRow[] {
  const ordered = [...outcomes].sort((a, b) => a.run - b.run);
  return providers.map((provider, i) => {
    const of = ordered.map((o) => o.providers[i] as RunOutcome['providers'][number]);
    const survived = of.filter((p) => p.survived);
    return {
      point,
      parameters: { ...parameters },
      provider,
      runs: ordered.length,
      survivalProbability: ordered.length ? survived.length / ordered.length : 0,
      meanFinalPriceUsd: mean(survived.flatMap((p) => (p.finalPriceUsd === null ? [] : [p.finalPriceUsd]))),
      meanProfitUsdPerPeriod: mean(of.flatMap((p) => (p.meanProfitUsdPerPeriod === null ? [] : [p.meanProfitUsdPerPeriod]))),
    };
  });
}
