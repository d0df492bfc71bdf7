/**
 * The rows each chart consumes: flat, tidy records with units in the field names. Adapters
 * (report/adapters/) turn bench/, placement/ and market/ outputs into these; chart builders
 * turn them into Vega-Lite specs. Saved as the report's results JSON, so `costsim report <dir>`
 * can re-render without re-running anything.
 *
 * Every row that carries a figure says where it came from: `measured` (timed or counted on
 * this machine, or an observed public price), `modeled` (a formula over catalogue figures) or
 * `assumed` (an input the scenario states).
 */
import type { ProvenanceKind } from '../provenance.ts';
import type { SensitivityRow } from '../market/sensitivity.ts';

export type { ProvenanceKind };

/** One model/configuration on the cost-to-accuracy plane. */
export interface ParetoRow {
  /** Short label shown in tooltips, e.g. "cnn k=2". */
  label: string;
  model: string;
  /** Dollars to train this configuration to its reported accuracy. */
  trainCostUsd: number;
  /** Test accuracy in [0, 1]. */
  testAccuracy: number;
  /** Energy of the run, joules (RAPL or power × load, plus RAM; see the record's provenance). */
  energyJoules?: number;
  /** Carbon of the run, grams CO₂e (energy × PUE × grid intensity). */
  carbonGrams?: number;
  /** True when no other row is both cheaper (or equal) and more accurate. */
  onFrontier: boolean;
  provenance: ProvenanceKind;
}

/** Accuracy of one pruned model: one seed, one method, one sparsity. */
export interface PruningAccuracyRow {
  /** e.g. "magnitude" or "random". */
  method: string;
  /** Fraction of weights removed, in [0, 1). */
  sparsity: number;
  seed: number;
  /** Test accuracy in [0, 1]. */
  testAccuracy: number;
  provenance: ProvenanceKind;
}

/** Compute and latency at one sparsity, relative to the dense model (dense = 1). */
export interface PruningComputeRow {
  sparsity: number;
  /** "dense FLOPs", "effective FLOPs" or "latency (batch 1)"... */
  series: string;
  /** The absolute figure in its own unit (see `unit`). */
  value: number;
  unit: string;
  /** value ÷ the same series' value on the dense model. */
  relativeToDense: number;
  /**
   * Timed series (latency, training step): true when every seed's figure was timed with no other
   * costsim worker running (the serial pass after the pool, or a pool of one); false when any was
   * timed beside other workers (contended) or not recorded. Absent for counted series (FLOPs) and
   * in results saved before it existed.
   */
  timedAlone?: boolean;
  provenance: ProvenanceKind;
}

/** Net savings of one pruned configuration at one inference volume. */
export interface PruningPayoffRow {
  /** Configuration label, e.g. "magnitude 80%". */
  label: string;
  /** Inference requests served. */
  requests: number;
  /** requests × saving per request − one-off pruning cost (negative before break-even). */
  netSavingsUsd: number;
  /** Volume where net savings reach zero; null when the pruned model never pays off. */
  breakEvenRequests: number | null;
  /** What the saving per request comes from: the measured latency ratio, or the FLOPs ratio (an ideal sparse kernel). */
  savingFrom: 'measured latency' | 'FLOPs ratio';
  /**
   * True when every latency these dollars come from was timed with no other costsim worker
   * running. Both lines price the dense seconds per request pooled over every level's records,
   * so one level timed beside other workers makes it false on every row. Absent in results
   * saved before it existed.
   */
  latencyTimedAlone?: boolean;
  /** Dollars are always modeled (seconds × a catalogue $/hour), whatever the saving is computed from. */
  provenance: ProvenanceKind;
}

/** Gradient accumulation: one k (micro-batches per update) for one model. */
export interface AccumulationRow {
  model: string;
  /** Micro-batches per optimizer step. */
  accumulationSteps: number;
  /** Micro-batch size in samples. */
  microBatchSize: number;
  /** Peak tensor memory in mebibytes (tfjs logical bytes). */
  peakMiB: number;
  /** Physical peak in mebibytes: the wasm heap's high-water mark where the backend has one, else the process's peak RSS (absent in older records). */
  physicalPeakMiB?: number;
  /** Which physical figure physicalPeakMiB is. */
  physicalMemory?: 'wasm heap high-water mark' | 'process peak RSS';
  /** Seconds per optimizer step (all k micro-batches). */
  stepSeconds: number;
  provenance: ProvenanceKind;
}

/** One component of one plan's step time. */
export interface PlacementTimeRow {
  plan: string;
  component: 'compute' | 'memory' | 'transfer';
  seconds: number;
  provenance: ProvenanceKind;
}

/** Memory one plan puts on one device, against that device's capacity. */
export interface PlacementMemoryRow {
  plan: string;
  device: string;
  usedGiB: number;
  capacityGiB: number;
  /** usedGiB > capacityGiB. */
  overCapacity: boolean;
  provenance: ProvenanceKind;
}

/** The placement model's predicted step time against a measured one. */
export interface CalibrationRow {
  label: string;
  predictedSeconds: number;
  measuredSeconds: number;
  /** Which prediction: the raw roofline model, or the one after per-backend correction factors were fitted. */
  prediction?: 'roofline' | 'calibrated';
}

/** Monte Carlo percentile band of one provider's price in one period (runs where it still sells). */
export interface PriceBandRow {
  period: number;
  provider: string;
  /** USD per the scenario's unit (e.g. per million tokens) at the low percentile, the median and the high percentile over runs. */
  lowPriceUsd: number;
  medianPriceUsd: number;
  highPriceUsd: number;
  /** Which percentiles low and high are (e.g. 10 and 90). */
  lowPercentile: number;
  highPercentile: number;
}

/** A real, dated price from the scenario's references, placed on the period axis. */
export interface ReferencePriceRow {
  period: number;
  provider: string;
  priceUsd: number;
  /** ISO date of the observation. */
  date: string;
  source: string;
}

/** One provider's market share in one period (mean over runs, so shares still add up). */
export interface ShareRow {
  period: number;
  provider: string;
  /** Share of units sold, in [0, 1]. */
  share: number;
}

/** One provider's profit and cash in one period (medians over runs; an exited provider's cash stays where it ended). */
export interface ProfitRow {
  period: number;
  provider: string;
  profitUsd: number;
  /** null when the provider's cash is unlimited in the scenario. */
  cashUsd: number | null;
}

/** Fraction of Monte Carlo runs in which a provider is still in the market. */
export interface SurvivalRow {
  period: number;
  provider: string;
  /** In [0, 1]. */
  survivalProbability: number;
}

/** Equilibrium price levels of one provider. */
export interface EquilibriumRow {
  provider: string;
  /** Bertrand–Nash price, same unit as PriceBandRow. */
  nashPriceUsd: number;
  /** Joint-profit-maximising (collusive) price. */
  collusivePriceUsd: number;
}

/** One grid point × provider of a grid sweep (`simulate --sweep`): the swept values and the market's outcome (modeled). */
export interface GridSweepRow {
  /** 0-based grid point. */
  point: number;
  /** Swept value by scenario path, e.g. { "demand.mu": 0.25 }. */
  parameters: Record<string, number>;
  provider: string;
  /** Monte Carlo runs at this point. */
  runs: number;
  /** In [0, 1]. */
  survivalProbability: number;
  /** Mean last-period price over the runs it survived, same unit as PriceBandRow; null if it never survived. */
  meanFinalPriceUsd: number | null;
  /** USD per period; null if it never entered. */
  meanProfitUsdPerPeriod: number | null;
}

/** One uncertain input at one level × provider (defined with the analysis that produces it). */
export type { SensitivityRow };

/** Every table a report can show; a chart is drawn only when its rows are present and non-empty. */
/** One point of a serving throughput-latency frontier: a device/dtype at one batch (modeled). */
export interface ServingFrontierRow {
  /** Device and dtype, e.g. "l4 · bf16". */
  series: string;
  batch: number;
  tokensPerSecondPerUser: number;
  usdPerMOutputTokens: number;
  provenance: ProvenanceKind;
}

/** Cost of one token class on one device and dtype at the best batch (modeled). */
export interface ServingCostRow {
  device: string;
  dtype: string;
  tokenClass: 'input' | 'cached input' | 'output';
  usdPerMTokens: number;
  provenance: ProvenanceKind;
}

/** Decode tokens/s on this machine: measured, or the serving model's raw / calibrated prediction. */
export interface ServingMeasuredRow {
  backend: string;
  batch: number;
  contextTokens: number;
  figure: 'measured' | 'predicted' | 'calibrated';
  decodeTokensPerSecond: number;
  provenance: ProvenanceKind;
}

/** One provider's marginal cost in one period: the median over runs in which it sells (USD per the scenario's unit). */
export interface MarginalCostRow {
  period: number;
  provider: string;
  medianMarginalCostUsd: number;
  /** assumed when the scenario gives the cost; modeled when it comes from a bench record or a placement plan. */
  provenance: ProvenanceKind;
}

/** One figure the scenario assumes (see report/adapters/assumptions.ts for what counts). */
export interface AssumptionRow {
  /** What it is, e.g. "Incumbent: starting cash". */
  figure: string;
  /** Where it is in the scenario document, e.g. "providers[3].cash". */
  path: string;
  /** As written: a number, "unlimited", or a distribution, e.g. "lognormal(median 1.5, σ 0.2)". */
  value: string;
  unit: string;
  /** "<scenario file>, line <n>" when the scenario states it, "costsim default" otherwise. */
  source: string;
  provenance: 'assumed';
}

/** Every table a report can show; a chart is drawn only when its rows are present and non-empty. */
export interface ReportRows {
  pareto?: ParetoRow[];
  pruningAccuracy?: PruningAccuracyRow[];
  pruningCompute?: PruningComputeRow[];
  pruningPayoff?: PruningPayoffRow[];
  accumulation?: AccumulationRow[];
  placementTime?: PlacementTimeRow[];
  placementMemory?: PlacementMemoryRow[];
  calibration?: CalibrationRow[];
  priceBands?: PriceBandRow[];
  referencePrices?: ReferencePriceRow[];
  shares?: ShareRow[];
  profit?: ProfitRow[];
  survival?: SurvivalRow[];
  equilibrium?: EquilibriumRow[];
  marginalCost?: MarginalCostRow[];
  servingFrontier?: ServingFrontierRow[];
  servingCost?: ServingCostRow[];
  servingMeasured?: ServingMeasuredRow[];
  gridSweep?: GridSweepRow[];
  sensitivity?: SensitivityRow[];
}

/** A headline figure for the summary at the top of the page. */
export interface KeyNumber {
  label: string;
  /** Already formatted for reading, unit included (e.g. "$0.0042", "97.8%"). */
  value: string;
  provenance: ProvenanceKind;
  /** Formula, catalogue figure or measurement it comes from. */
  source?: string;
}

/** Everything a report is rendered from; written to the report directory as results.json. */
export interface ReportResults {
  version: 1;
  scenario: {
    name: string;
    question: string;
    seed: number;
    /** Path of the scenario file as given, when there was one. */
    file?: string;
    /** Unit of every price in the market tables, e.g. "USD per million tokens". */
    priceUnit?: string;
    /** What one period is, for axis titles: e.g. "30 days" (from the calendar) or "1 period". */
    periodLength?: string;
    /** ISO date period 0 starts on, when the scenario has a calendar. */
    calendarStart?: string;
    /** Days per period, when the scenario has a calendar. */
    periodDays?: number;
  };
  /** Every figure the scenario assumes, with where it was stated. */
  assumptions?: AssumptionRow[];
  summary: {
    /** A short answer to the scenario's question from the numbers below: one paragraph per part, separated by newlines. */
    answer: string;
    keyNumbers: KeyNumber[];
  };
  rows: ReportRows;
  /** Free-form provenance notes (versions, backend, device, record ids), listed in report.json. */
  provenance: Record<string, string>;
}
