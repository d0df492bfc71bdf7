/**
 * Calvano, Calzolari, Denicolò & Pastorello (2020, AER 110(10)), Section V.B: the test of
 * whether learned high prices are collusion. After convergence, one agent is forced to deviate
 * for one period to its static best response to the rivals' prices (the grid price that
 * maximises its profit this period, rivals' prices given); then every agent plays its learned
 * greedy policy again. Collusion shows as punishment: the rivals' prices fall after the
 * deviation and return toward the pre-deviation level (the paper's impulse-response figure).
 * Pure: it reads the trained policies, nothing is learned or drawn.
 */
import { greedyNext, pricesOfState, type QLearningResult } from './qlearning.ts';

/** Periods after the deviation period reported by default (Calvano et al. plot about 15). */
export const IMPULSE_PERIODS = 15;

/** One forced deviation and the path that follows, for one session. */
export interface ImpulseResponse {
  /** Index of the agent forced to deviate. */
  deviator: number;
  /** Prices per agent (USD/unit) in the period before the deviation: the first step of the limit cycle. */
  preDeviationPricesUsd: number[];
  /** Prices per agent from the deviation period (index 0) to `periods` after it (USD/unit). */
  pricesUsd: number[][];
  /** Profit per agent on the same path, per period at market size 1 (USD). */
  profitsUsd: number[][];
  /** Periods after the deviation until play is back on the limit cycle; null if not within the path. */
  periodsToReturn: number | null;
}

/**
 * The impulse response of a trained session: starting on the first state of its greedy limit
 * cycle, agent `deviator` plays its static best response for one period, then greedy play
 * resumes for `periods` periods.
 */
export function impulseResponse(learned: QLearningResult, deviator = 0, periods = IMPULSE_PERIODS): ImpulseResponse {
  const { policies, strides, grids, profitTables, cycle } = learned;
  if (deviator < 0 || deviator >= grids.length) throw new RangeError(`deviator must be an agent index 0–${grids.length - 1} (got ${deviator})`);
  const onCycle = new Set(cycle.states);
  // The last period's joint action before the deviation: a state on the limit cycle.
  const before = cycle.states[0] as number;
  // Rivals play greedily from it; the deviator picks the grid price with the highest profit against them.
  const greedy = greedyNext(policies, strides, before);
  const own = policies[deviator]![before]! * strides[deviator]!;
  const rivalsPart = greedy - own;
  const profit = profitTables[deviator] as Float64Array;
  let best = 0;
  for (let a = 1; a < grids[deviator]!.length; a++)
    if (profit[rivalsPart + a * strides[deviator]!]! > profit[rivalsPart + best * strides[deviator]!]!) best = a;
  const path = [rivalsPart + best * strides[deviator]!];
  for (let k = 1; k <= periods; k++) path.push(greedyNext(policies, strides, path[k - 1] as number));
  const back = path.findIndex((A, k) => k > 0 && onCycle.has(A));
  return {
    deviator,
    preDeviationPricesUsd: pricesOfState(grids, strides, before),
    pricesUsd: path.map((A) => pricesOfState(grids, strides, A)),
    profitsUsd: path.map((A) => profitTables.map((p) => p[A] as number)),
    periodsToReturn: back < 0 ? null : back,
  };
}

/** One row of an impulse-response table: one provider in one period relative to the deviation (period −1 = before it, 0 = the deviation). */
export interface ImpulseRow {
  run: number;
  /** Periods after the deviation: −1 before it, 0 the deviation period. */
  period: number;
  provider: string;
  /** True for the agent forced to deviate. */
  deviator: boolean;
  priceUsd: number;
  /** This provider's price in the period before the deviation (USD/unit). */
  preDeviationPriceUsd: number;
}

/** Tidy rows of the impulse responses of many sessions, for charts and CSV. */
export function impulseRows(sessions: ReadonlyArray<{ run: number; impulseResponse?: ImpulseResponse }>, providers: readonly string[]): ImpulseRow[] {
  const rows: ImpulseRow[] = [];
  for (const { run, impulseResponse: r } of sessions) {
    if (!r) continue;
    const steps = [r.preDeviationPricesUsd, ...r.pricesUsd];
    steps.forEach((prices, k) =>
      prices.forEach((priceUsd, i) =>
        rows.push({
          run,
          period: k - 1,
          provider: providers[i] ?? `agent-${i + 1}`,
          deviator: i === r.deviator,
          priceUsd,
          preDeviationPriceUsd: r.preDeviationPricesUsd[i]!,
        }),
      ),
    );
  }
  return rows;
}
