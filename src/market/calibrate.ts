/**
 * Demand calibration: back qualities and μ out of observed prices and shares, as pyblp does for
 * logit and nested logit (Berry 1994, "Estimating discrete-choice models of product
 * differentiation", RAND J. Econ. 25(2), eqs. 15 and 21). In the market's form
 * (src/market/demand.ts: δ_j = (a_j − p_j)/μ, outside good δ_0 = a_0/μ, nests with σ) the
 * inversion is exact:
 *   ln s_jt − ln s_0t − σ ln s_{j|g,t} = (a_j − a_0 − p_jt)/μ.
 * Only a_j − a_0 is identified: a_0 is kept at the scenario's value (the normalisation).
 * μ: when the observations span more than one period and some provider's price changes, μ is
 * fitted by least squares on the within-provider changes (provider fixed effects), under the
 * identifying assumption that each provider's quality is constant across those periods (so
 * every change in its log-share ratio is its price change over μ). Otherwise, with a fixed
 * market size and known marginal costs, μ comes from the first-order conditions; else it is
 * the scenario's. σ is always the scenario's. Implied marginal costs: ./calibrate-costs.ts.
 * Known changes over time are taken into account: an outside option whose quality drifts
 * (a_0t, src/market/dynamics.ts) enters the regressor as p_jt + a_0t, and a provider's model
 * release that sets a new quality starts a new fixed effect (its quality before and after are
 * separate unknowns).
 * Capacity limits are assumed not to bind at the observations (shares are first choices).
 */
import { InputError } from '../errors.ts';
import { impliedMarginalCosts, muFromKnownCosts, withinNestShare, type PeriodShares } from './calibrate-costs.ts';

/** One observation: provider index, period, price (USD/unit), share of all consumers, known cost (NaN: unknown). */
export interface CalibrationObservation {
  period: number;
  provider: number;
  priceUsd: number;
  share: number;
  knownCostUsd: number;
}

/** What the calibration needs besides the observations; `mu` is used when it is not fitted. */
export interface CalibrationInput {
  observations: readonly CalibrationObservation[];
  providers: number;
  mu: number;
  outsideQuality: number;
  priceElasticity: number;
  referencePriceUsd: number;
  nested?: { sigma: number; nestOf: readonly number[] };
  /** Outside quality at period t (default: `outsideQuality` throughout). */
  outsideQualityAt?: (period: number) => number;
  /** Quality epoch of provider j at period t: how many quality-setting releases it has had (default 0). */
  epochOf?: (provider: number, period: number) => number;
  /** Names the scenario in errors. */
  file: string;
}

/** How μ was obtained. */
export type MuSource = 'fitted' | 'costs' | 'scenario';

/** A provider's calibrated quality and implied marginal cost (at its last observed period), or null when it was not observed. */
export interface CalibratedProvider {
  /** Quality in force at its last observed period (the epoch after its latest release then). */
  quality: number;
  /** Quality epoch at the last observed period (0: before any quality-setting release). */
  lastEpoch: number;
  /** Quality before any release, when observed then (what `providers[i].quality` holds in the scenario). */
  firstEpochQuality?: number;
  impliedMarginalCostUsd: number;
  /** Implied cost in each period it was observed (USD/unit). */
  impliedByPeriod: Array<{ period: number; impliedMarginalCostUsd: number; knownMarginalCostUsd: number | null }>;
  lastPeriod: number;
}

/** Calibrated demand. */
export interface Calibration {
  mu: number;
  muSource: MuSource;
  outsideQuality: number;
  sigma: number | null;
  providers: Array<CalibratedProvider | null>;
  periods: number[];
  /** Root-mean-square residual of the inversion in log-share units (0 when the model fits exactly). */
  fitRmsLogShare: number;
}

/** Observations grouped by period, in period order, as PeriodShares of their goods. */
function byPeriod(input: CalibrationInput): Array<{ period: number; obs: CalibrationObservation[]; m: PeriodShares }> {
  const periods = [...new Set(input.observations.map((o) => o.period))].sort((a, b) => a - b);
  return periods.map((period) => {
    const obs = input.observations.filter((o) => o.period === period);
    const m: PeriodShares = {
      priceUsd: obs.map((o) => o.priceUsd),
      share: obs.map((o) => o.share),
      ...(input.nested ? { nestOf: obs.map((o) => input.nested!.nestOf[o.provider]!), sigma: input.nested.sigma } : {}),
    };
    return { period, obs, m };
  });
}

/** Calibrate qualities, μ and implied marginal costs from the observations. */
export function calibrateDemand(input: CalibrationInput): Calibration {
  if (input.observations.length === 0)
    throw new InputError(
      { file: input.file, path: 'observations' },
      'no observations to calibrate on: add observations: [{ period, provider, priceUsd, share, source }]',
    );
  const groups = byPeriod(input);
  const sigma = input.nested?.sigma ?? 0;
  const a0 = input.outsideQualityAt ?? (() => input.outsideQuality);
  const epochOf = input.epochOf ?? (() => 0);
  // y = ln s_j − ln s_0 − σ ln s_{j|g} = (a_j − a_0 − p_j)/μ
  const rows = groups.flatMap(({ period, obs, m }) => {
    const outside = 1 - m.share.reduce((a, b) => a + b, 0);
    return obs.map((o, k) => ({
      period,
      provider: o.provider,
      key: `${o.provider}|${epochOf(o.provider, period)}`,
      a0: a0(period),
      p: o.priceUsd,
      y: Math.log(o.share) - Math.log(outside) - sigma * Math.log(withinNestShare(m, k)),
    }));
  });
  let mu = input.mu;
  let muSource: MuSource = 'scenario';
  if (groups.length > 1) {
    // Within each (provider, quality epoch): y = (a_j − a_0t − p)/μ, so regress y on x = p + a_0t.
    const mean = (f: (r: (typeof rows)[number]) => number, key: string) => {
      const own = rows.filter((r) => r.key === key);
      return own.reduce((s, r) => s + f(r), 0) / own.length;
    };
    let py = 0;
    let pp = 0;
    for (const r of rows) {
      const dp = r.p + r.a0 - mean((x) => x.p + x.a0, r.key);
      py += dp * (r.y - mean((x) => x.y, r.key));
      pp += dp * dp;
    }
    if (pp > 0) {
      const slope = py / pp;
      if (!(slope < 0))
        throw new InputError(
          { file: input.file, path: 'observations' },
          `μ cannot be fitted: within providers, shares do not fall as prices rise (slope of log-share ratio on price ${slope.toPrecision(4)} ≥ 0), so the identifying assumption (qualities constant across the observed periods) fails; observe a single period and set demand.mu`,
        );
      mu = -1 / slope;
      muSource = 'fitted';
    }
  }
  if (muSource === 'scenario' && input.priceElasticity === 0) {
    const fromCosts = muFromKnownCosts(groups.map(({ obs, m }) => ({ m, knownCostUsd: obs.map((o) => o.knownCostUsd) })));
    if (fromCosts !== undefined) {
      if (!(fromCosts > 0))
        throw new InputError(
          { file: input.file, path: 'observations' },
          `the known marginal costs imply μ = ${fromCosts.toPrecision(4)} ≤ 0 (prices at or below cost cannot be profit-maximising logit prices)`,
        );
      mu = fromCosts;
      muSource = 'costs';
    }
  }
  // One quality per (provider, epoch): the mean of a_0t + μ y + p over its observations.
  const sums = new Map<string, { sum: number; count: number }>();
  for (const r of rows) {
    const e = sums.get(r.key) ?? { sum: 0, count: 0 };
    e.sum += r.a0 + mu * r.y + r.p;
    e.count += 1;
    sums.set(r.key, e);
  }
  const qualityOf = (key: string) => sums.get(key)!.sum / sums.get(key)!.count;
  let sse = 0;
  for (const r of rows) sse += (r.y - (qualityOf(r.key) - r.a0 - r.p) / mu) ** 2;
  const providers: Array<CalibratedProvider | null> = new Array<CalibratedProvider | null>(input.providers).fill(null);
  for (const { period, obs, m } of groups) {
    const costs = impliedMarginalCosts(m, mu, input.priceElasticity, input.referencePriceUsd);
    obs.forEach((o, k) => {
      const entry = { period, impliedMarginalCostUsd: costs[k]!, knownMarginalCostUsd: Number.isNaN(o.knownCostUsd) ? null : o.knownCostUsd };
      const prev = providers[o.provider];
      const epoch = epochOf(o.provider, period);
      providers[o.provider] = {
        quality: qualityOf(`${o.provider}|${epoch}`),
        impliedMarginalCostUsd: costs[k]!,
        impliedByPeriod: [...(prev?.impliedByPeriod ?? []), entry],
        lastPeriod: period,
        lastEpoch: epoch,
        ...(sums.has(`${o.provider}|0`) ? { firstEpochQuality: qualityOf(`${o.provider}|0`) } : {}),
      };
    });
  }
  return {
    mu,
    muSource,
    outsideQuality: input.outsideQuality,
    sigma: input.nested ? sigma : null,
    providers,
    periods: groups.map((g) => g.period),
    fitRmsLogShare: Math.sqrt(sse / rows.length),
  };
}
