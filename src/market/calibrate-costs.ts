/**
 * Marginal costs implied by the pricing first-order conditions of single-product firms in the
 * market's logit or nested-logit demand (Berry 1994, RAND J. Econ. 25(2), §5: "p_j = c_j +
 * 1/(α(1 − s_j))" for logit and p_j = c_j + (1 − σ)/(α[1 − σ s_{j|g} − (1 − σ) s_j]) for
 * nested logit, with α = 1/μ here). Profit M(p̄)·s_j·(p_j − c_j) is maximised where
 *   c_j = p_j + q_j / (∂q_j/∂p_j),   q_j = M(p̄) s_j,
 * and ∂q_j/∂p_j/M = ∂s_j/∂p_j − s_j (ε/p_ref) ∂p̄/∂p_j when the market size responds to the
 * share-weighted average price p̄ as in `marketSizeAt` (M' = −(ε/p_ref) M). With ε = 0 this is
 * Berry's closed form. Pure; prices in USD per unit, shares of all consumers.
 */

/** One period's inside goods: prices (USD/unit), shares of all consumers, and nests (undefined: plain logit). */
export interface PeriodShares {
  priceUsd: readonly number[];
  share: readonly number[];
  /** Nest index per good (nested logit), with σ. */
  nestOf?: readonly number[];
  sigma?: number;
}

/** Share of good j within its nest (1 under plain logit). */
export function withinNestShare(m: PeriodShares, j: number): number {
  if (!m.nestOf) return 1;
  let total = 0;
  for (let k = 0; k < m.share.length; k++) if (m.nestOf[k] === m.nestOf[j]) total += m.share[k]!;
  return m.share[j]! / total;
}

/**
 * ∂s_k/∂p_j for every good k (column j of the share Jacobian). Nested logit (δ = (a − p)/μ):
 * own −(s_j/μ)[1/(1−σ) − σ s_{j|g}/(1−σ) − s_j]; same nest (s_k/μ)[σ s_{j|g}/(1−σ) + s_j];
 * other nests (s_k s_j)/μ. σ = 0 gives plain logit's −s_j(1−s_j)/μ and s_k s_j/μ.
 */
export function shareDerivativeColumn(m: PeriodShares, mu: number, j: number): number[] {
  const sigma = m.nestOf ? (m.sigma ?? 0) : 0;
  const sj = m.share[j]!;
  const within = withinNestShare(m, j);
  return m.share.map((sk, k) => {
    if (k === j) return (-sj / mu) * (1 / (1 - sigma) - (sigma * within) / (1 - sigma) - sj);
    const same = m.nestOf !== undefined && m.nestOf[k] === m.nestOf[j];
    return same ? (sk / mu) * ((sigma * within) / (1 - sigma) + sj) : (sk * sj) / mu;
  });
}

/**
 * Marginal costs (USD/unit) at which the observed prices satisfy every firm's first-order
 * condition, for logit scale μ and market-size elasticity ε around `referencePriceUsd` (ε = 0:
 * fixed market size).
 */
export function impliedMarginalCosts(m: PeriodShares, mu: number, elasticity = 0, referencePriceUsd = 1): number[] {
  let S = 0;
  let N = 0;
  for (let k = 0; k < m.share.length; k++) {
    S += m.share[k]!;
    N += m.share[k]! * m.priceUsd[k]!;
  }
  const avg = N / S;
  return m.priceUsd.map((pj, j) => {
    const col = shareDerivativeColumn(m, mu, j);
    let dS = 0;
    let dN = m.share[j]!;
    for (let k = 0; k < col.length; k++) {
      dS += col[k]!;
      dN += m.priceUsd[k]! * col[k]!;
    }
    const dAvg = (dN - avg * dS) / S;
    const dq = col[j]! - m.share[j]! * (elasticity / referencePriceUsd) * dAvg;
    return pj + m.share[j]! / dq;
  });
}

/**
 * μ from known marginal costs with a fixed market size: the markup p_j − c_j equals μ·g_j with
 * g_j = 1/[1/(1−σ) − σ s_{j|g}/(1−σ) − s_j] (the closed forms above), so least squares through
 * the origin gives μ = Σ m_j g_j / Σ g_j². `known[j]` is NaN where the cost is unknown.
 */
export function muFromKnownCosts(periods: ReadonlyArray<{ m: PeriodShares; knownCostUsd: readonly number[] }>): number | undefined {
  let mg = 0;
  let gg = 0;
  for (const { m, knownCostUsd } of periods) {
    const sigma = m.nestOf ? (m.sigma ?? 0) : 0;
    m.share.forEach((s, j) => {
      const c = knownCostUsd[j]!;
      if (Number.isNaN(c)) return;
      const g = 1 / (1 / (1 - sigma) - (sigma * withinNestShare(m, j)) / (1 - sigma) - s);
      mg += (m.priceUsd[j]! - c) * g;
      gg += g * g;
    });
  }
  return gg > 0 ? mg / gg : undefined;
}
