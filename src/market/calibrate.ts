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
 * the scenario's.
 * σ (nested logit): the inversion ln s_jt − ln s_0t = (a_j − a_0t − p_jt)/μ + σ ln s_{j|g,t} is
 * linear in (1/μ, σ, one fixed effect a_j/μ per provider and quality epoch), so, as pyblp does
 * with its nesting parameter, σ is fitted jointly with μ by least squares on the within
 * (demeaned) rows whenever the within-nest shares s_{j|g} vary inside some provider's epoch
 * independently of its prices (ln s_{j|g} not collinear with p + a_0). Otherwise (one period,
 * single-good nests, or within-nest shares that do not move) σ is the scenario's. A fitted σ
 * outside [0, 1) is refused: the nested logit is then not a random-utility model (McFadden 1978,
 * "Modelling the choice of residential location"; Berry 1994 takes 0 ≤ σ < 1). Implied marginal costs: ./calibrate-costs.ts.
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

/** How σ was obtained (nested logit): fitted jointly with μ, or the scenario's (not identified by the observations). */
export type SigmaSource = 'fitted' | 'scenario';

/** A provider's calibrated quality and implied marginal cost (at its last observed period), or null when it was not observed. */
export interface CalibratedProvider {
  /** Quality in force at its last observed period (the epoch after its latest release then). */
  quality: number;
  /** Quality epoch at the last observed period (0: before any quality-setting release). */
  lastEpoch: number;
  /** Quality before any release, when observed then (what `providers[i].quality` holds in the scenario). */
  firstEpochQuality?: number;
  /** Quality of every epoch it was observed in, epoch ascending (epoch e > 0 is its e-th quality-setting release in period order). */
  qualityByEpoch: Array<{ epoch: number; quality: number }>;
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
  /** Nested-logit σ (null: plain logit). */
  sigma: number | null;
  sigmaSource: SigmaSource | null;
  providers: Array<CalibratedProvider | null>;
  periods: number[];
  /** Root-mean-square residual of the inversion in log-share units (0 when the model fits exactly). */
  fitRmsLogShare: number;
}

/** Observations grouped by period, in period order, as PeriodShares of their goods. */
function byPeriod(input: CalibrationInput, sigma: number): Array<{ period: number; obs: CalibrationObservation[]; m: PeriodShares }> {
  const periods = [...new Set(input.observations.map((o) => o.period))].sort((a, b) => a - b);
  return periods.map((period) => {
    const obs = input.observations.filter((o) => o.period === period);
    const m: PeriodShares = {
      priceUsd: obs.map((o) => o.priceUsd),
      share: obs.map((o) => o.share),
      ...(input.nested ? { nestOf: obs.map((o) => input.nested!.nestOf[o.provider]!), sigma } : {}),
    };
    return { period, obs, m };
  });
}

/** A fitted σ this far below 0 is rounding of a true 0 (exact shares give |error| ~ 1e-15). */
const SIGMA_TOLERANCE = 1e-9;
/** σ is taken as identified when ln s_{j|g} keeps at least this share of its within variation after projecting out p + a_0 (1 − r²). */
const SIGMA_IDENTIFIED = 1e-8;
/** Within variation of ln s_{j|g} below this RMS (log units) is rounding, not movement. */
const WITHIN_SHARE_MOVES = 1e-10;

/**
 * Least squares on the within (per provider and epoch demeaned) rows of
 * ln s_j − ln s_0 = FE − x/μ + σ w, x = p + a_0, w = ln s_{j|g}: the slope on x (−1/μ) and, when
 * `nested` and w moves independently of x, σ. `xx` is the within variation of x (0: μ not identified).
 */
function withinFit(
  rows: ReadonlyArray<{ key: string; x: number; logRatio: number; w: number }>,
  nested: boolean,
  scenarioSigma: number,
): { xx: number; slope: number; sigma?: number } {
  const keys = new Map<string, { x: number; y: number; w: number; n: number }>();
  for (const r of rows) {
    const e = keys.get(r.key) ?? { x: 0, y: 0, w: 0, n: 0 };
    e.x += r.x;
    e.y += r.logRatio;
    e.w += r.w;
    e.n += 1;
    keys.set(r.key, e);
  }
  let xx = 0;
  let xw = 0;
  let ww = 0;
  let xy = 0;
  let wy = 0;
  for (const r of rows) {
    const e = keys.get(r.key)!;
    const dx = r.x - e.x / e.n;
    const dy = r.logRatio - e.y / e.n;
    const dw = r.w - e.w / e.n;
    xx += dx * dx;
    xw += dx * dw;
    ww += dw * dw;
    xy += dx * dy;
    wy += dw * dy;
  }
  if (!(xx > 0)) return { xx: 0, slope: NaN };
  const wMoves = Math.sqrt(ww / rows.length) > WITHIN_SHARE_MOVES;
  const det = xx * ww - xw * xw;
  if (nested && wMoves && det > SIGMA_IDENTIFIED * xx * ww) return { xx, slope: (ww * xy - xw * wy) / det, sigma: (xx * wy - xw * xy) / det };
  // σ not identified: the scenario's σ, the slope on x of ln s_j − ln s_0 − σ w.
  return { xx, slope: (xy - scenarioSigma * xw) / xx };
}

/** Calibrate qualities, μ and implied marginal costs from the observations. */
export function calibrateDemand(input: CalibrationInput): Calibration {
  if (input.observations.length === 0)
    throw new InputError(
      { file: input.file, path: 'observations' },
      'no observations to calibrate on: add observations: [{ period, provider, priceUsd, share, source }]',
    );
  let groups = byPeriod(input, input.nested?.sigma ?? 0);
  const a0 = input.outsideQualityAt ?? (() => input.outsideQuality);
  const epochOf = input.epochOf ?? (() => 0);
  // ln s_j − ln s_0 = (a_j − a_0 − p_j)/μ + σ w,  w = ln s_{j|g} (0 under plain logit).
  const raw = groups.flatMap(({ period, obs, m }) => {
    const outside = 1 - m.share.reduce((a, b) => a + b, 0);
    return obs.map((o, k) => ({
      period,
      provider: o.provider,
      key: `${o.provider}|${epochOf(o.provider, period)}`,
      x: o.priceUsd + a0(period),
      p: o.priceUsd,
      a0: a0(period),
      logRatio: Math.log(o.share) - Math.log(outside),
      w: Math.log(withinNestShare(m, k)),
    }));
  });
  let mu = input.mu;
  let muSource: MuSource = 'scenario';
  let sigma = input.nested?.sigma ?? 0;
  let sigmaSource: SigmaSource | null = input.nested ? 'scenario' : null;
  if (groups.length > 1) {
    const fit = withinFit(raw, input.nested !== undefined, sigma);
    if (fit.xx > 0) {
      if (fit.sigma !== undefined) {
        if (!(fit.sigma > -SIGMA_TOLERANCE && fit.sigma < 1))
          throw new InputError(
            { file: input.file, path: 'demand.nestedLogit.sigma' },
            `the observations imply a nesting parameter σ = ${fit.sigma.toPrecision(4)}, outside [0, 1): nested logit is then not a model of utility-maximising consumers (McFadden 1978; Berry 1994 requires 0 ≤ σ < 1), so the nests do not fit these shares; change the nests in demand.nestedLogit.nests or calibrate plain logit (remove nestedLogit)`,
          );
        sigma = Math.max(0, fit.sigma);
        sigmaSource = 'fitted';
      }
      const slope = fit.slope;
      if (!(slope < 0))
        throw new InputError(
          { file: input.file, path: 'observations' },
          `μ cannot be fitted: within providers, shares do not fall as prices rise (slope of log-share ratio on price ${slope.toPrecision(4)} ≥ 0), so the identifying assumption (qualities constant across the observed periods) fails; observe a single period and set demand.mu`,
        );
      mu = -1 / slope;
      muSource = 'fitted';
    }
  }
  if (sigmaSource === 'fitted') groups = byPeriod(input, sigma);
  // y = ln s_j − ln s_0 − σ ln s_{j|g} = (a_j − a_0 − p_j)/μ
  const rows = raw.map((r) => ({ ...r, y: r.logRatio - sigma * r.w }));
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
        qualityByEpoch: [...sums.keys()]
          .filter((key) => key.startsWith(`${o.provider}|`))
          .map((key) => ({ epoch: Number(key.slice(key.indexOf('|') + 1)), quality: qualityOf(key) }))
          .sort((x, y) => x.epoch - y.epoch),
      };
    });
  }
  return {
    mu,
    muSource,
    outsideQuality: input.outsideQuality,
    sigma: input.nested ? sigma : null,
    sigmaSource,
    providers,
    periods: groups.map((g) => g.period),
    fitRmsLogShare: Math.sqrt(sse / rows.length),
  };
}
