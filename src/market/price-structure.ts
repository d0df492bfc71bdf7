/**
 * A provider's price structure in a token market, reduced to what the market loop needs:
 * - class prices follow the one blended list price a strategy sets, at the ratios of the
 *   provider's initial `prices` (each class keeps its share of the blended price: input, cached
 *   input and output are cut or raised by the same factor); without `prices`, every class is
 *   at the blended price;
 * - a free quota and graduated volume tiers, per customer per period, with homogeneous
 *   customers: every customer uses the scenario's `tokensPerCustomer` blended tokens a period
 *   at whichever provider it buys from. A customer then pays, per token, the list price × the
 *   billed share φ = (1/v) ∫₀^v m(x) dx, m(x) = 0 inside the quota, else 1 − the discount of
 *   the tier that token x falls in (tier thresholds count every token used, free ones too).
 * Because customers are identical, φ is a constant per provider: customers choose on, and
 * providers earn, the effective price φ × list price. Small customers living in the free tier
 * next to large ones (heterogeneous volumes) are not modelled. Pure.
 */
import type { TokenClassUsd, TokenMix } from './tokens.ts';
import { blendedUsdPerM } from './tokens.ts';

/** A graduated volume tier: tokens beyond `fromTokens` in a period (per customer) are billed at (1 − discount) × list. */
export interface VolumeTier {
  fromTokens: number;
  discount: number;
}

/**
 * Share φ (0–1] of a customer's tokens that is paid for, weighted by the tier price factor:
 * billed tokens ÷ tokens used, for `tokensPerCustomer` tokens a period, a free quota of
 * `freeTokens` and graduated `tiers` (sorted by fromTokens).
 */
export function billedShare(tokensPerCustomer: number, freeTokens: number, tiers: readonly VolumeTier[]): number {
  const v = tokensPerCustomer;
  const starts = [0, ...tiers.map((t) => t.fromTokens)];
  const factors = [1, ...tiers.map((t) => 1 - t.discount)];
  let billed = 0;
  for (let k = 0; k < starts.length; k++) {
    const lo = Math.max(starts[k]!, freeTokens);
    const hi = Math.min(starts[k + 1] ?? Infinity, v);
    if (hi > lo) billed += (hi - lo) * factors[k]!;
  }
  return billed / v;
}

/** Each class price over the blended price at `mix` (so blending the ratios gives 1); all 1 without class prices. */
export function classRatios(prices: TokenClassUsd | undefined, mix: TokenMix): TokenClassUsd {
  if (!prices) return { input: 1, cachedInput: 1, output: 1 };
  const b = blendedUsdPerM(prices, mix);
  return { input: prices.input / b, cachedInput: prices.cachedInput / b, output: prices.output / b };
}

/** What the period loop needs of every provider's price structure. */
export interface MarketPriceStructure {
  /** Billed share φ per provider: effective price = φ × list price (1 without quota or tiers). */
  billed: Float64Array;
  /** Class-price ratios per provider (see classRatios); null when the market is not a token market. */
  ratios: TokenClassUsd[] | null;
}

/** The price structure of `providers` in a market with token mix `mix` (none: a plain-unit market, φ = 1). */
export function marketPriceStructure(
  providers: ReadonlyArray<{ listPricesUsdPerM?: TokenClassUsd; freeTokensPerCustomer?: number; volumeTiers?: VolumeTier[] }>,
  mix: TokenMix | undefined,
  tokensPerCustomer: number | undefined,
): MarketPriceStructure {
  const billed = Float64Array.from(providers, (p) =>
    tokensPerCustomer !== undefined && (p.freeTokensPerCustomer !== undefined || p.volumeTiers)
      ? billedShare(tokensPerCustomer, p.freeTokensPerCustomer ?? 0, p.volumeTiers ?? [])
      : 1,
  );
  return { billed, ratios: mix ? providers.map((p) => classRatios(p.listPricesUsdPerM, mix)) : null };
}
