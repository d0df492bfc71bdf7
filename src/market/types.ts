/**
 * The market's output tables. Field names are stable (the report charts them) and carry
 * units: USD amounts end in `Usd`, quantities in `Units` (the scenario's `unit`), shares are
 * fractions 0–1, periods are 0-based integers. `null` marks "not applicable" (a price after
 * exit, unlimited cash, consumer surplus under linear demand).
 */
import type { FundingEvent } from './dynamics.ts';
import type { ImpulseResponse } from './impulse.ts';

/** One provider in one period of one run. */
export interface ProviderPeriodRow {
  run: number;
  period: number;
  provider: string;
  /** List price (USD/unit; in a token market USD per 1M blended tokens); null once the provider has exited. */
  priceUsd: number | null;
  /** List prices per 1M input, cached input and output tokens (they blend to priceUsd at the mix); null outside a token market or after exit. */
  inputPriceUsd: number | null;
  cachedInputPriceUsd: number | null;
  outputPriceUsd: number | null;
  /** Share of the units sold by all providers (0–1); not the share of all consumers (see EquilibriumPoint.consumerShare). */
  unitShare: number;
  quantityUnits: number;
  /** quantityUnits × the effective price: the list price × the billed share after free quota and volume tiers (src/market/price-structure.ts). */
  revenueUsd: number;
  variableCostUsd: number;
  fixedCostUsd: number;
  profitUsd: number;
  /** Cash at the end of the period; null when the provider's cash is unlimited. */
  cashUsd: number | null;
  /** False from the period in which cash went below zero. */
  alive: boolean;
  marginalCostUsd: number;
}

/** The market in one period of one run. */
export interface MarketPeriodRow {
  run: number;
  period: number;
  /** Quantity-weighted average price paid per unit sold (USD/unit, after free quotas and tiers: revenue ÷ units); null when nothing sold. */
  avgPriceUsd: number | null;
  /** Herfindahl–Hirschman index of unit shares, 0–10,000. */
  hhi: number;
  /** Logit consumer surplus vs the outside good (USD); null under linear demand or switching inertia. */
  consumerSurplusUsd: number | null;
  /** Share of consumers taking the outside good (logit); null under linear demand. */
  outsideShare: number | null;
  totalQuantityUnits: number;
  activeProviders: number;
}

/** Q-learning session outcome (Calvano et al. 2020) for one run. */
export interface LearningOutcome {
  converged: boolean;
  periodsToConvergence: number;
  /** Mean over agents of Δ_i = (π̄_i − π^N_i)/(π^M_i − π^N_i) on the greedy limit cycle. */
  profitGain: number;
  profitGainByAgent: number[];
  /** Prices on the limit cycle (per step, per agent, USD/unit). */
  cyclePricesUsd: number[][];
  /** Calvano et al.'s test of collusion: the first agent forced to deviate for one period, and the path that follows. */
  impulseResponse: ImpulseResponse;
}

/** Everything one run produces. */
export interface RunResult {
  run: number;
  seed: number;
  rows: ProviderPeriodRow[];
  marketRows: MarketPeriodRow[];
  /** Period each provider exited in, or null if it survived (same order as the scenario). */
  exitPeriods: Array<number | null>;
  /** Funding rounds raised in this run, in period order (src/market/dynamics.ts). */
  fundingRounds: FundingEvent[];
  learning?: LearningOutcome;
}

/** Percentile band of one metric at one period across runs. */
export interface BandRow {
  period: number;
  /** Provider name, or null for a market-level metric. */
  provider: string | null;
  metric: 'priceUsd' | 'unitShare' | 'cashUsd' | 'profitUsd' | 'avgPriceUsd' | 'hhi' | 'consumerSurplusUsd';
  /** Runs with a value at this period (e.g. the provider was alive). */
  runs: number;
  /** Values at the lowest and highest requested percentiles (`lowPercentile`, `highPercentile`) and the median. */
  low: number;
  median: number;
  high: number;
  mean: number;
  lowPercentile: number;
  highPercentile: number;
}

/** Survival and exit timing of one provider across runs. */
export interface ProviderSummary {
  provider: string;
  /** Fraction of runs in which the provider was still alive after the last period. */
  survivalProbability: number;
  /** Median exit period over the runs in which it exited; null if it never exited. */
  medianExitPeriod: number | null;
  meanProfitUsdPerPeriod: number;
  /** Mean over runs of final cash (USD); null when cash is unlimited. */
  meanFinalCashUsd: number | null;
}

/** Summaries across runs. */
export interface MarketSummary {
  runs: number;
  periods: number;
  providers: ProviderSummary[];
  /** First period any provider exited, across runs. */
  firstExit: { probability: number; lowPeriod: number | null; medianPeriod: number | null; highPeriod: number | null };
  bands: BandRow[];
  learning?: {
    runs: number;
    convergedRuns: number;
    meanPeriodsToConvergence: number;
    meanProfitGain: number;
    profitGainLow: number;
    profitGainHigh: number;
    /** Calvano et al. (2020) report Δ ≈ 0.85 at their baseline (AER 110(10), 2020; figure not yet checked against the paper's table). */
    paperProfitGain: number;
  };
}
