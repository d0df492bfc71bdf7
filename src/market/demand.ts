/**
 * Demand models. Logit in the form of Calvano et al. (2020, AER):
 *   s_i = exp((a_i − p_i)/μ) / (Σ_j exp((a_j − p_j)/μ) + exp(a_0/μ)),
 * market size responding to the share-weighted average price (log-linear: finite at price 0), and
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
 * Market size at average price `avgPriceUsd`: M0 · exp(−ε (p̄ / p_ref − 1)). Its elasticity is
 * ε · p̄/p_ref, so ε at the reference price, as the constant-elasticity form it replaces; but
 * it stays finite as prices fall to zero (at most e^ε · M0), where M0 · (p̄/p_ref)^(−ε) grows
 * without bound. This is the exponential (log-linear) demand curve of applied demand analysis
 * (e.g. Bergstrom & Varian, "Intermediate Microeconomics"; semi-log demand). ε = 0 is a fixed
 * market.
 */
export function marketSizeAt(baseSize: number, elasticity: number, avgPriceUsd: number, referencePriceUsd: number): number {
  if (elasticity === 0) return baseSize;
  return baseSize * Math.exp(-elasticity * (Math.max(avgPriceUsd, 0) / referencePriceUsd - 1));
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
 * Shubik–Levitan linear demand per active provider (units per period). A provider whose demand
 * would be ≤ 0 is priced out: it leaves the market, and the others' demand is that of the
 * market without it (n counts only the providers still selling), repeated until every one
 * left sells a positive quantity. So total demand never exceeds max_i (a_i − p_i)/b, and a
 * firm alone sells (a − p)/b. `quality` holds the intercepts a_i, `slope` is b and
 * `substitution` is γ (0: independent products).
 */
export function linearQuantities(quality: Float64Array, price: Float64Array, active: Uint8Array, slope: number, substitution: number, quantity: Float64Array): void {
  const selling = Uint8Array.from(active);
  for (let round = 0; round <= price.length; round++) {
    const n = countActive(selling);
    let sum = 0;
    for (let i = 0; i < price.length; i++) if (selling[i]) sum += price[i]!;
    let dropped = false;
    for (let i = 0; i < price.length; i++) {
      const q = selling[i] ? (quality[i]! - (1 + substitution) * price[i]! + (substitution / n) * sum) / (n * slope) : 0;
      quantity[i] = Math.max(0, q);
      if (selling[i] && q <= 0) {
        selling[i] = 0;
        dropped = true;
      }
    }
    if (!dropped) return;
  }
}

/**
 * Capacity limits under linear demand: a provider over capacity serves its capacity and its
 * excess customers turn to each rival with room by the Shubik–Levitan diversion ratio
 * (γ/n) / (1 + γ − γ/n) (the share of a lost unit that a rival's demand gains), the rest
 * leaving the market; repeated while someone is over capacity. `full` is scratch space.
 */
export function allocateLinearWithCapacity(quantity: Float64Array, capacity: Float64Array, active: Uint8Array, substitution: number, full: Uint8Array): void {
  const n = countActive(active);
  const diversion = n > 1 ? substitution / n / (1 + substitution - substitution / n) : 0;
  full.fill(0);
  for (let round = 0; round < quantity.length; round++) {
    let excess = 0;
    for (let i = 0; i < quantity.length; i++) {
      if (!active[i] || full[i] || quantity[i]! <= capacity[i]!) continue;
      excess += quantity[i]! - capacity[i]!;
      quantity[i] = capacity[i]!;
      full[i] = 1;
    }
    if (excess <= 0) return;
    for (let i = 0; i < quantity.length; i++) if (active[i] && !full[i]) quantity[i] = quantity[i]! + excess * diversion;
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
