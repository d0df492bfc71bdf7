/**
 * market/'s SimulationResult → the market charts' rows and headline numbers. Pure. Every
 * simulated figure is modeled; reference prices are observed (real, dated, with a source).
 * Numbers are rounded to 6 significant digits so CSVs read well; rounding is deterministic.
 */
import type { SimulationResult } from '../../market/montecarlo.ts';
import type { ProvenanceKind } from '../../provenance.ts';
import type { EquilibriumRow, KeyNumber, MarginalCostRow, PriceBandRow, ProfitRow, ReferencePriceRow, ReportRows, ShareRow, SurvivalRow } from '../rows.ts';

/** `x` to 6 significant digits (null stays null). */
export function sig6(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : x;
}

const key = (period: number, provider: string) => `${period}\u0000${provider}`;

/** Mean of each provider's share over ALL runs (0 where it was out or not yet in), so shares add up per period. */
function meanShares(result: SimulationResult, providers: readonly string[]): ShareRow[] {
  const sums = new Map<string, number>();
  for (const row of result.rows)
    sums.set(key(row.period, row.provider), (sums.get(key(row.period, row.provider)) ?? 0) + (row.priceUsd === null ? 0 : row.unitShare));
  const runs = result.summary.runs;
  const out: ShareRow[] = [];
  for (let period = 0; period < result.summary.periods; period++) {
    for (const provider of providers) out.push({ period, provider, share: sig6((sums.get(key(period, provider)) ?? 0) / runs) });
  }
  return out;
}

/** Fraction of runs in which each provider is alive at the end of each period. */
function survival(result: SimulationResult, providers: readonly string[]): SurvivalRow[] {
  const alive = new Map<string, number>();
  // A provider has entered once it quotes a price in some run; before that it has nothing to survive.
  const entered = new Map<string, number>();
  for (const row of result.rows) {
    if (row.alive) alive.set(key(row.period, row.provider), (alive.get(key(row.period, row.provider)) ?? 0) + 1);
    if (row.priceUsd !== null) entered.set(row.provider, Math.min(entered.get(row.provider) ?? Infinity, row.period));
  }
  const runs = result.summary.runs;
  const out: SurvivalRow[] = [];
  for (let period = 0; period < result.summary.periods; period++) {
    for (const provider of providers) {
      if (period < (entered.get(provider) ?? 0)) continue;
      out.push({ period, provider, survivalProbability: sig6((alive.get(key(period, provider)) ?? 0) / runs) });
    }
  }
  return out;
}

/** Median of a non-empty list. */
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Each provider's median marginal cost per period over the runs in which it sells (it has no cost line before entry or after exit). */
function marginalCosts(result: SimulationResult, provenance: (provider: string) => ProvenanceKind): MarginalCostRow[] {
  const costs = new Map<string, number[]>();
  for (const row of result.rows) {
    if (row.priceUsd === null) continue;
    const k = key(row.period, row.provider);
    const list = costs.get(k) ?? [];
    list.push(row.marginalCostUsd);
    costs.set(k, list);
  }
  const out: MarginalCostRow[] = [];
  for (let period = 0; period < result.summary.periods; period++) {
    for (const p of result.summary.providers) {
      const list = costs.get(key(period, p.provider));
      if (list) out.push({ period, provider: p.provider, medianMarginalCostUsd: sig6(median(list)), provenance: provenance(p.provider) });
    }
  }
  return out;
}

/**
 * Rows for the market charts. `costProvenance` says what each provider's marginal cost is:
 * assumed when the scenario gives it, modeled when computed from a record or a plan (the default).
 */
export function marketRows(
  result: SimulationResult,
  costProvenance: (provider: string) => ProvenanceKind = () => 'modeled',
): Pick<ReportRows, 'priceBands' | 'referencePrices' | 'shares' | 'profit' | 'survival' | 'equilibrium' | 'marginalCost'> {
  const providers = result.summary.providers.map((p) => p.provider);
  const bands = result.summary.bands.filter((b) => b.provider !== null);
  const priceBands: PriceBandRow[] = bands
    .filter((b) => b.metric === 'priceUsd')
    .map((b) => ({
      period: b.period,
      provider: b.provider as string,
      lowPriceUsd: sig6(b.low),
      medianPriceUsd: sig6(b.median),
      highPriceUsd: sig6(b.high),
      lowPercentile: b.lowPercentile,
      highPercentile: b.highPercentile,
    }));
  const cash = new Map(bands.filter((b) => b.metric === 'cashUsd').map((b) => [key(b.period, b.provider as string), b.median]));
  const profit: ProfitRow[] = bands
    .filter((b) => b.metric === 'profitUsd')
    .map((b) => {
      const c = cash.get(key(b.period, b.provider as string));
      return { period: b.period, provider: b.provider as string, profitUsd: sig6(b.median), cashUsd: c === undefined ? null : sig6(c) };
    });
  const referencePrices: ReferencePriceRow[] = result.references
    .filter((r) => r.period < result.summary.periods)
    .map((r) => ({ period: r.period, provider: r.provider, priceUsd: r.price, date: r.date, source: r.source }));
  const equilibrium: EquilibriumRow[] = result.equilibrium.nash
    .map((n) => ({
      provider: n.provider,
      nashPriceUsd: sig6(n.price),
      collusivePriceUsd: sig6(result.equilibrium.collusive.find((c) => c.provider === n.provider)?.price ?? Number.NaN),
    }))
    .filter((e) => Number.isFinite(e.nashPriceUsd) && Number.isFinite(e.collusivePriceUsd));
  return {
    priceBands,
    referencePrices,
    shares: meanShares(result, providers),
    profit,
    survival: survival(result, providers),
    equilibrium,
    marginalCost: marginalCosts(result, costProvenance),
  };
}

// Never "$NaN": a figure that is not finite reads "n/a" (the market refuses such results upstream).
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'n/a');
const usd = (x: number) => (!Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 100 ? `$${x.toFixed(0)}` : `$${Number(x.toPrecision(3))}`);

/** Headline market numbers: survival per provider, first exit, final median price against Nash. */
export function marketKeyNumbers(result: SimulationResult): KeyNumber[] {
  const s = result.summary;
  const unit = result.scenario.unit;
  const runs = `${s.runs} Monte Carlo run${s.runs === 1 ? '' : 's'} × ${s.periods} periods`;
  const out: KeyNumber[] = s.providers.map((p) => ({
    label: `${p.provider}: still in the market after period ${s.periods - 1}`,
    value: pct(p.survivalProbability),
    provenance: 'modeled',
    source: `${runs}${p.medianExitPeriod !== null ? `; median exit period ${p.medianExitPeriod}` : ''}`,
  }));
  out.push({
    label: 'runs in which some provider exits',
    value: pct(s.firstExit.probability),
    provenance: 'modeled',
    source: s.firstExit.medianPeriod !== null ? `median first exit at period ${s.firstExit.medianPeriod}` : runs,
  });
  const last = s.periods - 1;
  for (const p of s.providers) {
    const band = s.bands.find((b) => b.metric === 'priceUsd' && b.provider === p.provider && b.period === last);
    const nash = result.equilibrium.nash.find((e) => e.provider === p.provider);
    if (!band || !nash) continue;
    out.push({
      label: `${p.provider}: median price in the last period (USD per ${unit})`,
      value: `${usd(band.median)} (Nash ${usd(nash.price)})`,
      provenance: 'modeled',
      source: 'simulated median over runs; Bertrand–Nash at period-0 costs',
    });
  }
  return out;
}
