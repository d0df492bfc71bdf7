/**
 * How sure the pruning payoff is: a 95% Student t interval of the pruned ÷ dense latency
 * ratio over the interleaved timing rounds, the break-even volumes at the interval's ends, and
 * the fewest rounds with which the latency verdict (a two-sided sign test) can reach
 * significance at all. Pure.
 */
import { meanCi95 } from '../runs.ts';

/** Significance level of the latency verdict. */
export const LATENCY_ALPHA = 0.05;

/**
 * The fewest rounds n whose most extreme outcome (all n agree) gives a two-sided sign-test
 * p-value 2/2^n below `alpha`: 6 at 5% (2/32 = 0.0625 with 5 rounds, 2/64 ≈ 0.031 with 6).
 * Fewer rounds can never show a speed-up, whatever the timings.
 */
export function minimumSignificantRounds(alpha = LATENCY_ALPHA): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1) (got ${alpha})`);
  let n = 1;
  while (2 / 2 ** n >= alpha) n++;
  return n;
}

/** 95% t interval of the mean per-round ratio; null with fewer than 2 rounds. */
export function ratioCi95(ratios: readonly number[]): [number, number] | null {
  if (ratios.length < 2) return null;
  return meanCi95(ratios).ci95 ?? null;
}

/** Whole requests after which `oneOffUsd` is recovered at latency ratio `ratio` (null when the pruned model saves nothing). */
export function breakEvenAt(ratio: number, oneOffUsd: number, denseUsdPerRequest: number): number | null {
  const saving = denseUsdPerRequest * (1 - ratio);
  return saving > 0 ? Math.ceil(oneOffUsd / saving - 1e-9) : null;
}

/**
 * Break-even volumes at the ends of the ratio interval (break-even grows with the ratio):
 * [at the low ratio, at the high ratio]; the upper end is null (never) when the interval
 * reaches a ratio of 1, and the whole interval is null when even the low end saves nothing.
 */
export function breakEvenCi95(ratioInterval: [number, number] | null, oneOffUsd: number, denseUsdPerRequest: number): [number, number | null] | null {
  if (!ratioInterval) return null;
  const low = breakEvenAt(ratioInterval[0], oneOffUsd, denseUsdPerRequest);
  if (low === null) return null;
  return [low, breakEvenAt(ratioInterval[1], oneOffUsd, denseUsdPerRequest)];
}
