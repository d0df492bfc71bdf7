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
 * Market size at average price `avgPriceUsd`, log-linear (exponential) price response
 * M0 · exp(−ε (p̄ / p_ref − 1)) (Talluri & van Ryzin 2004, The Theory and Practice of Revenue
 * Management, §7.3.1): point elasticity ε at p_ref, finite at price 0 (M0·e^ε). ε = 0 is a fixed
 * market. Replaces a constant-elasticity form that grew without bound as prices went to 0.
 */
export function marketSizeAt(baseSize: number, elasticity: number, avgPriceUsd: number, referencePriceUsd: number): number {
  if (elasticity === 0) return baseSize;
  return baseSize * Math.exp(-elasticity * (Math.max(0, avgPriceUsd) / referencePriceUsd - 1));
}

/**
 * Quantities under capacity limits. First choices are `marketSize × shares`; a provider over
 * capacity serves its capacity and its excess customers choose again among the providers with
 * room and the outside good, in proportion to their logit weights (`shares` is proportional to
 * them). Repeats until nobody is over capacity or nobody has room. `full` is scratch space.
 * Returns the units (consumers) that end with the outside good, and `rationedLogWeight`:
 * Σ over re-choosing consumers of ln W_k, W_k being the share of logit weight still open when
 * they chose; a consumer re-choosing over the open set has inclusive value IV + ln W_k, so
 * consumer surplus under rationing is μ·(M·(IV − a0/μ) + rationedLogWeight).
 */
export function allocateWithCapacity(
  shares: Float64Array,
  outsideShare: number,
  marketSize: number,
  capacity: Float64Array,
  active: Uint8Array,
  quantity: Float64Array,
  full: Uint8Array,
): { outsideUnits: number; rationedLogWeight: number } {
  const n = shares.length;
  for (let i = 0; i < n; i++) {
    quantity[i] = active[i] ? marketSize * shares[i]! : 0;
    full[i] = 0;
  }
  let outsideUnits = marketSize * outsideShare;
  let rationedLogWeight = 0;
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
    if (excess <= 0) break;
    let weightOpen = outsideShare;
    for (let i = 0; i < n; i++) if (active[i] && !full[i]) weightOpen += shares[i]!;
    if (weightOpen <= 0) break;
    // The excess re-chooses over the open set: a later round re-counts those rationed again.
    const lnW = Math.log(weightOpen);
    rationedLogWeight += excess * lnW;
    outsideUnits += (excess * outsideShare) / weightOpen;
    for (let i = 0; i < n; i++) {
      if (!active[i] || full[i]) continue;
      quantity[i] = quantity[i]! + (excess * shares[i]!) / weightOpen;
    }
  }
  return { outsideUnits, rationedLogWeight };
}

/**
 * Capacity under linear demand: a provider over capacity serves its capacity and its excess
 * customers go to each rival with room in the proportion of the demand system's diversion ratio
 * D = (γ/n)/(1 + γ − γ/n) (∂q_j/∂p_i ÷ −∂q_i/∂p_i of Shubik–Levitan demand); the rest, 1 − (open
 * rivals)·D, leave the market. Repeats until nobody is over capacity. `quantity` is updated in place.
 */
export function allocateLinearWithCapacity(quantity: Float64Array, capacity: Float64Array, active: Uint8Array, substitution: number, full: Uint8Array): void {
  const n = quantity.length;
  const nActive = countActive(active);
  const g = substitution / Math.max(1, nActive);
  const diversion = g / (1 + substitution - g);
  for (let i = 0; i < n; i++) full[i] = 0;
  for (let round = 0; round < n; round++) {
    let excess = 0;
    for (let i = 0; i < n; i++) {
      if (!active[i] || full[i] || !(quantity[i]! > capacity[i]!)) continue;
      excess += quantity[i]! - capacity[i]!;
      quantity[i] = capacity[i]!;
      full[i] = 1;
    }
    if (excess <= 0) return;
    for (let i = 0; i < n; i++) if (active[i] && !full[i]) quantity[i] = quantity[i]! + excess * diversion;
  }
}

/** Number of active providers. */
export function countActive(active: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < active.length; i++) n += active[i]!;
  return n;
}

/**
 * Shubik–Levitan linear demand per active provider (units per period). `quality` holds the
 * intercepts a_i, `slope` is b and `substitution` is γ (0: independent products). A provider
 * priced out of the market (demand ≤ 0 at its price) enters its rivals' demand at its virtual
 * price, the price at which its demand is exactly zero (Neary & Roberts 1980, "The theory of
 * household behaviour under rationing", European Economic Review 13), not at its actual price:
 * otherwise a firm priced far above the rest would push its rivals' demand without bound.
 * With E the priced-out set (size e), P the others' price sum and g = γ/n, the virtual prices
 * solve (1+γ) v_j = a_j + g (P + V) with V = Σ_E v = (A_E + e g P)/(1 + γ − e g). `out` is
 * scratch space (0/1 per provider) marking the priced-out set.
 */
export function linearQuantities(
  quality: Float64Array,
  price: Float64Array,
  active: Uint8Array,
  slope: number,
  substitution: number,
  quantity: Float64Array,
  out: Uint8Array = new Uint8Array(price.length),
): void {
  const n = countActive(active);
  const g = substitution / Math.max(1, n);
  for (let i = 0; i < price.length; i++) out[i] = 0;
  for (let round = 0; round <= price.length; round++) {
    let P = 0;
    let A = 0;
    let e = 0;
    for (let i = 0; i < price.length; i++) {
      if (!active[i]) continue;
      if (out[i]) {
        A += quality[i]!;
        e++;
      } else P += price[i]!;
    }
    const V = e > 0 ? (A + e * g * P) / (1 + substitution - e * g) : 0;
    const sum = P + V;
    let changed = false;
    for (let i = 0; i < price.length; i++) {
      if (!active[i]) {
        quantity[i] = 0;
        continue;
      }
      if (out[i]) {
        quantity[i] = 0;
        // Back in when its actual price is below its virtual price.
        if (price[i]! < (quality[i]! + g * sum) / (1 + substitution)) {
          out[i] = 0;
          changed = true;
        }
        continue;
      }
      const q = (quality[i]! - (1 + substitution) * price[i]! + g * sum) / (n * slope);
      quantity[i] = q;
      if (q <= 0) {
        out[i] = 1;
        changed = true;
      }
    }
    if (!changed) return;
  }
  for (let i = 0; i < price.length; i++) quantity[i] = Math.max(0, quantity[i]!);
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

/**
 * Nested logit in the same Calvano form (Berry 1994, RAND J. Econ. 25(2), §4; Cardell 1997):
 * with δ_j = (a_j − p_j)/μ and the outside good alone in its own nest at δ_0 = a_0/μ,
 *   s_{j|g} = exp(δ_j/(1−σ)) / D_g,  D_g = Σ_{k∈g} exp(δ_k/(1−σ)),
 *   s_j = s_{j|g} · D_g^{1−σ} / (exp(δ_0) + Σ_h D_h^{1−σ}).
 * σ ∈ [0, 1) is the within-nest correlation (0: plain logit). `nestOf[i]` is provider i's nest
 * (any integers ≥ 0; a provider alone in its nest behaves as in plain logit). Shares go into
 * `shares`; returns the outside good's share. Overflow-safe (log-sum-exp), allocates nothing.
 */
export function nestedLogitShares(
  quality: Float64Array,
  price: Float64Array,
  active: Uint8Array,
  mu: number,
  outsideQuality: number,
  nestOf: ArrayLike<number>,
  sigma: number,
  shares: Float64Array,
): number {
  const iv = nestedLogitInclusiveValue(quality, price, active, mu, outsideQuality, nestOf, sigma);
  const lambda = 1 - sigma;
  for (let i = 0; i < price.length; i++) {
    if (!active[i]) {
      shares[i] = 0;
      continue;
    }
    const lnD = nestLogSum(quality, price, active, mu, nestOf, lambda, nestOf[i]!);
    shares[i] = Math.exp((quality[i]! - price[i]!) / mu / lambda - lnD + lambda * lnD - iv);
  }
  return Math.exp(outsideQuality / mu - iv);
}

/** ln D_g of nest `g` over the active providers (−Infinity when it has none), overflow-safe. */
function nestLogSum(quality: Float64Array, price: Float64Array, active: Uint8Array, mu: number, nestOf: ArrayLike<number>, lambda: number, g: number): number {
  let top = -Infinity;
  for (let k = 0; k < price.length; k++) if (active[k] && nestOf[k] === g) top = Math.max(top, (quality[k]! - price[k]!) / mu / lambda);
  if (top === -Infinity) return top;
  let sum = 0;
  for (let k = 0; k < price.length; k++) if (active[k] && nestOf[k] === g) sum += Math.exp((quality[k]! - price[k]!) / mu / lambda - top);
  return top + Math.log(sum);
}

/**
 * Nested-logit inclusive value ln(exp(δ_0) + Σ_g D_g^{1−σ}) (the log of the shares' denominator);
 * consumer surplus is `logitConsumerSurplusUsd` of it, as for plain logit (McFadden 1978).
 */
export function nestedLogitInclusiveValue(
  quality: Float64Array,
  price: Float64Array,
  active: Uint8Array,
  mu: number,
  outsideQuality: number,
  nestOf: ArrayLike<number>,
  sigma: number,
): number {
  const lambda = 1 - sigma;
  let top = outsideQuality / mu;
  // A nest's term is λ·ln D_g; a provider is the first of its nest when no earlier active provider shares it.
  const firstOfNest = (i: number) => {
    for (let k = 0; k < i; k++) if (active[k] && nestOf[k] === nestOf[i]) return false;
    return true;
  };
  for (let i = 0; i < price.length; i++)
    if (active[i] && firstOfNest(i)) top = Math.max(top, lambda * nestLogSum(quality, price, active, mu, nestOf, lambda, nestOf[i]!));
  let total = Math.exp(outsideQuality / mu - top);
  for (let i = 0; i < price.length; i++)
    if (active[i] && firstOfNest(i)) total += Math.exp(lambda * nestLogSum(quality, price, active, mu, nestOf, lambda, nestOf[i]!) - top);
  return top + Math.log(total);
}
