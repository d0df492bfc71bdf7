/**
 * A market result is finite or it is not a result. Called at the market's boundary (one run's
 * rows, the stage-game equilibria): a NaN or infinite price, share, profit or HHI, or a solver
 * that broke down (singular Newton step), becomes a NonFiniteResultError (exit 3) that names
 * the first bad figure and the inputs most likely to have caused it, instead of a published NaN.
 */
import { NonFiniteResultError } from '../errors.ts';
import type { Sampled } from '../scenario/distribution.ts';
import type { Demand } from '../scenario/normalize.ts';
import type { ResolvedProviderCost } from './costs.ts';

/** The inputs of one market as the solver saw them (distributions drawn, costs resolved). */
export interface MarketInputs {
  demand: Sampled<Demand>;
  costs: readonly ResolvedProviderCost[];
}

/** Beyond this, exp((a − p)/μ) and its products leave double precision (e^709 ≈ 8e307). */
const LOGIT_EXPONENT_LIMIT = 700;
/** Magnitudes outside [1e-12, 1e15] are named as suspects even when no exponent overflows. */
const SMALL = 1e-12;
const LARGE = 1e15;

/** The inputs to name when a result is not finite: extreme magnitudes and logit exponents out of range. */
export function overflowSuspects({ demand, costs }: MarketInputs): string[] {
  const out: string[] = [];
  const extreme = (x: number) => !Number.isFinite(x) || Math.abs(x) > LARGE || (x !== 0 && Math.abs(x) < SMALL);
  const params: Array<[string, number]> =
    demand.type === 'logit'
      ? [
          ['demand.mu', demand.mu],
          ['demand.outsideQuality', demand.outsideQuality],
          ['demand.marketSize', demand.marketSize],
          ['demand.priceElasticity', demand.priceElasticity],
          ['demand.referencePrice', demand.referencePriceUsd],
        ]
      : [
          ['demand.slope', demand.slope],
          ['demand.substitution', demand.substitution],
        ];
  for (const [path, value] of params) if (extreme(value)) out.push(`${path} = ${String(value)}`);
  costs.forEach((c, i) => {
    if (extreme(c.quality)) out.push(`providers[${i}] (${c.provider}) quality = ${String(c.quality)}`);
    if (extreme(c.marginalCostUsd)) out.push(`providers[${i}] (${c.provider}) marginal cost = ${String(c.marginalCostUsd)} USD`);
  });
  if (demand.type === 'logit') {
    const spread = Math.max(...costs.map((c) => Math.abs(c.quality - c.marginalCostUsd - demand.outsideQuality)));
    if (spread / demand.mu > LOGIT_EXPONENT_LIMIT)
      out.push(
        `(quality − cost − outsideQuality) / mu reaches ${(spread / demand.mu).toPrecision(3)}, beyond the ${LOGIT_EXPONENT_LIMIT} that exp() can take (mu = ${String(demand.mu)})`,
      );
  }
  return out;
}

function refuse(what: string, inputs: MarketInputs, detail: string): never {
  const suspects = overflowSuspects(inputs);
  const blame =
    suspects.length > 0
      ? `the inputs most likely to blame: ${suspects.join('; ')}`
      : 'no single input is extreme; check the scale of qualities, costs and mu against each other';
  throw new NonFiniteResultError(
    `${what} is not a finite number (${detail}), so it is not published. ${blame}. Rescale them (e.g. prices in USD per 1M tokens, mu a fraction of a typical price).`,
  );
}

/**
 * Run a market computation; a solver breakdown (RangeError: singular matrix, exhausted
 * iteration) becomes a NonFiniteResultError naming the suspect inputs.
 */
export function guardSolve<T>(what: string, inputs: MarketInputs, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (error instanceof RangeError) refuse(what, inputs, `the solver failed: ${error.message}`);
    throw error;
  }
}

/**
 * Throw unless every number in `rows` is finite (null means "not applicable" and is allowed).
 * `label` names a row in the message (e.g. its provider and period).
 */
export function assertFiniteRows<R extends object>(what: string, rows: readonly R[], inputs: MarketInputs, label: (row: R) => string): void {
  for (const row of rows) {
    for (const [field, value] of Object.entries(row)) {
      if (typeof value === 'number' && !Number.isFinite(value)) refuse(what, inputs, `${field} = ${value} at ${label(row)}`);
      if (Array.isArray(value))
        for (const v of value.flat(2)) if (typeof v === 'number' && !Number.isFinite(v)) refuse(what, inputs, `${field} holds ${v} at ${label(row)}`);
    }
  }
}
