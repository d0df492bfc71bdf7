/**
 * Resource bounds of a market simulation, shared by the scenario schema (parse time) and by the
 * commands' flags (`--runs`, `--periods`), so every path meets the same limits with the same why.
 */

/** Bounds and the per-row estimate behind them. */
export const MARKET_LIMITS = {
  /** Monte Carlo runs (the scenario's monteCarlo.runs and --runs). */
  maxRuns: 100_000,
  /** Periods per run (the scenario's periods and --periods). */
  maxPeriods: 100_000,
  /**
   * Providers in one market. The Bertrand–Nash polish solves a dense n × n Newton system
   * (O(n³) per step, n² numbers held), and best-response strategies are O(n²) per period.
   */
  maxProviders: 200,
  /** Rows of the published table: runs × periods × providers. */
  maxRows: 2_000_000,
  /**
   * Estimated bytes one provider-period row costs: the row object (~13 numbers and a name,
   * ~150 B), its share of the percentile summaries (~50 B) and its JSON with --json (~230 B).
   */
  bytesPerRow: 430,
} as const;

/** A message when runs × periods × providers exceeds the bound, else undefined. `what` names where the numbers came from. */
export function simulationSizeProblem(runs: number, periods: number, providers: number, what: string): string | undefined {
  const rows = runs * periods * providers;
  if (rows <= MARKET_LIMITS.maxRows) return undefined;
  const gb = (rows * MARKET_LIMITS.bytesPerRow) / 1e9;
  return (
    `${what}: ${runs.toLocaleString('en-US')} runs × ${periods.toLocaleString('en-US')} periods × ${providers} providers = ${rows.toLocaleString('en-US')} rows, ` +
    `more than the ${MARKET_LIMITS.maxRows.toLocaleString('en-US')} allowed (at ~${MARKET_LIMITS.bytesPerRow} bytes per row in memory and output that is ~${gb < 10 ? gb.toFixed(1) : gb.toFixed(0)} GB). ` +
    'Use fewer runs or periods: percentile bands settle within a few thousand runs.'
  );
}
