/**
 * Demand models. Logit in the form of Calvano et al. (2020, AER):
 *   s_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ)),
 * market size responding to the share-weighted average price with a constant elasticity, and
 * capacity limits whose excess demand re-chooses among providers with room (and the outside
 * good) by the same logit weights. Linear demand is Shubik–Levitan:
 *   q_i = (a_i − (1+γ) p_i + (γ/n) Σ_j p_j) / (n b),
 * so at equal prices total demand is (a − p)/b for any substitution γ. All functions work on
 * typed arrays indexed by provider, skip inactive providers and allocate nothing.
 */

/**
 * Logit choice probabilities of the active providers into `shares`; returns the outside good's
 * share. Computed with the largest exponent subtracted, so tiny μ does not overflow.
 */
export function logitShares(quality: Float64Array, price: Float64Array, active: Uint8Array, mu: number, outsideQuality: number, shares: Float64Array): number {
  let top = outsideQuality / mu;
  for (let i = 0; i < price.length; i++) if (active[i]) top = Math.max(top, (quality[i]! - price[i]!) / mu);
  let total = Math.exp(outsideQuality / mu - top);
  const outside = total;
  for (let i = 0; i < price.length; i++) {
    const w = active[i] ? Math.exp((quality[i]! - price[i]!) / mu - top) : 0;
    shares[i] = w;
    total += w;
  }
  for (let i = 0; i < price.length; i++) shares[i] = shares[i]! / total;
  return outside / total;
}

/** log(Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ)): the logit inclusive value, overflow-safe. */
export function logitInclusiveValue(quality: Float64Array, price: Float64Array, active: Uint8Array, mu: number, outsideQuality: number): number {
  let top = outsideQuality / mu;
  for (let i = 0; i < price.length; i++) if (active[i]) top = Math.max(top, (quality[i]! - price[i]!) / mu);
  let total = Math.exp(outsideQuality / mu - top);
  for (let i = 0; i < price.length; i++) if (active[i]) total += Math.exp((quality[i]! - price[i]!) / mu - top);
  return top + Math.log(total);
}

/**
 * Consumer surplus in USD for `marketSize` consumers (Small & Rosen 1981 with price coefficient
 * 1/μ), measured against everyone taking the outside good: M·μ·(IV − a_0/μ) ≥ 0.
 */
export function logitConsumerSurplusUsd(inclusiveValue: number, mu: number, outsideQuality: number, marketSize: number): number {
  return marketSize * mu * (inclusiveValue - outsideQuality / mu);
}

/**
 * Market size at average price `avgPriceUsd`: M0 · (p̄ / p_ref)^(−ε). ε = 0 is a fixed market.
 */
export function marketSizeAt(baseSize: number, elasticity: number, avgPriceUsd: number, referencePriceUsd: number): number {
  if (elasticity === 0) return baseSize;
  return baseSize * Math.pow(Math.max(avgPriceUsd, 1e-12) / referencePriceUsd, -elasticity);
}

/**
 * Quantities under capacity limits. First choices are `marketSize × shares`; a provider over
 * capacity serves its capacity and its excess customers choose again among the providers with
 * room and the outside good, in proportion to their logit weights (`shares` is proportional to
 * them). Repeats until nobody is over capacity or nobody has room. `full` is scratch space.
 */
export function allocateWithCapacity(shares: Float64Array, outsideShare: number, marketSize: number, capacity: Float64Array, active: Uint8Array, quantity: Float64Array, full: Uint8Array): void {
  const n = shares.length;
  for (let i = 0; i < n; i++) {
    quantity[i] = active[i] ? marketSize * shares[i]! : 0;
    full[i] = 0;
  }
  for (let round = 0; round < n; round++) {
    let excess = 0;
    for (let i = 0; i < n; i++) {
      if (!active[i] || full[i]) continue;
      if (quantity[i]! > capacity[i]!) {
        excess += quantity[i]! - capacity[i]!;
        quantity[i] = capacity[i]!;
        full[i] = 1;
      }
    }
    if (excess <= 0) return;
    let weightOpen = outsideShare;
    for (let i = 0; i < n; i++) if (active[i] && !full[i]) weightOpen += shares[i]!;
    if (weightOpen <= 0) return;
    let anyOpen = false;
    for (let i = 0; i < n; i++) {
      if (!active[i] || full[i]) continue;
      quantity[i] = quantity[i]! + (excess * shares[i]!) / weightOpen;
      anyOpen = true;
    }
    if (!anyOpen) return;
  }
}

/** Number of active providers. */
export function countActive(active: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < active.length; i++) n += active[i]!;
  return n;
}

/**
 * Shubik–Levitan linear demand per active provider (units per period), floored at 0. `quality`
 * holds the intercepts a_i, `slope` is b and `substitution` is γ (0: independent products).
 */
export function linearQuantities(quality: Float64Array, price: Float64Array, active: Uint8Array, slope: number, substitution: number, quantity: Float64Array): void {
  const n = countActive(active);
  let sum = 0;
  for (let i = 0; i < price.length; i++) if (active[i]) sum += price[i]!;
  for (let i = 0; i < price.length; i++) {
    quantity[i] = active[i] ? Math.max(0, (quality[i]! - (1 + substitution) * price[i]! + (substitution / n) * sum) / (n * slope)) : 0;
  }
}

/** Herfindahl–Hirschman index of quantity shares among providers, on the 0–10,000 scale; 0 when nobody sells. */
export function hhi(quantity: Float64Array): number {
  let total = 0;
  for (let i = 0; i < quantity.length; i++) total += quantity[i]!;
  if (total <= 0) return 0;
  let h = 0;
  for (let i = 0; i < quantity.length; i++) h += ((100 * quantity[i]!) / total) ** 2;
  return h;
}
