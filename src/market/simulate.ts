/**
 * One market run, period by period: strategies set prices → demand (and capacity spill-over)
 * gives quantities → revenue, variable and fixed cost, profit, cash → a provider whose cash
 * goes below zero exits; scheduled entrants join at their period. Pure: the run owns one
 * seeded RNG, forked per provider, so any run replays exactly.
 */
import type { Rng } from '../util/rng.ts';
import type { Sampled } from '../scenario/distribution.ts';
import type { Demand, Provider } from '../scenario/normalize.ts';
import { allocateLinearWithCapacity, allocateWithCapacity, countActive, hhi, linearQuantities, logitConsumerSurplusUsd, logitInclusiveValue, logitShares, marketSizeAt } from './demand.ts';
import { linearCollusive, linearNash, logitBestResponse, logitCollusive, logitNash, type EquilibriumPoint } from './equilibrium.ts';
import { createPriceRule, type Observation } from './strategies.ts';
import { trainQLearning, type QLearningResult } from './qlearning.ts';
import type { ResolvedProviderCost } from './costs.ts';
import type { MarketPeriodRow, ProviderPeriodRow, RunResult } from './types.ts';

/** Everything a run needs, numbers drawn. */
export interface RunInput {
  run: number;
  seed: number;
  periods: number;
  demand: Sampled<Demand>;
  providers: Array<Sampled<Provider>>;
  costs: ResolvedProviderCost[];
}

/** One-shot Nash and joint-profit points for all providers at period-0 costs (benchmarks for strategies and reports). */
export function stageEquilibria(demand: Sampled<Demand>, costs: ResolvedProviderCost[]): { nash: EquilibriumPoint[]; collusive: EquilibriumPoint[] } {
  const quality = costs.map((c) => c.quality);
  const marginalCostUsd = costs.map((c) => c.marginalCostUsd);
  if (demand.type === 'logit') {
    const m = { quality, marginalCostUsd, mu: demand.mu, outsideQuality: demand.outsideQuality, marketSize: demand.marketSize };
    return { nash: logitNash(m), collusive: logitCollusive(m) };
  }
  const m = { quality, marginalCostUsd, slope: demand.slope, substitution: demand.substitution };
  return { nash: linearNash(m), collusive: linearCollusive(m) };
}

function trainLearners(input: RunInput, rng: Rng): QLearningResult | undefined {
  const first = input.providers[0]?.strategy;
  if (first?.type !== 'qlearning' || input.demand.type !== 'logit') return undefined;
  // The first agent's learning parameters apply to all (the scenario check requires one m).
  return trainQLearning(
    {
      quality: input.costs.map((c) => c.quality),
      marginalCostUsd: input.costs.map((c) => c.marginalCostUsd),
      mu: input.demand.mu,
      outsideQuality: input.demand.outsideQuality,
      m: first.m,
      xi: first.xi,
      alpha: first.alpha,
      beta: first.beta,
      delta: first.delta,
      convergencePeriods: first.convergencePeriods,
      maxPeriods: first.maxPeriods,
    },
    rng,
  );
}

/** Run one market for `input.periods` periods. */
export function simulateRun(input: RunInput, rng: Rng): RunResult {
  const { providers, demand, costs, periods, run } = input;
  const n = providers.length;
  const quality = Float64Array.from(costs, (c) => c.quality);
  const capacity = Float64Array.from(providers, (p) => p.capacityUnitsPerPeriod);
  const cash = Float64Array.from(providers, (p) => p.cashUsd);
  const price = new Float64Array(n);
  const lastPrices = new Float64Array(n).fill(NaN);
  const lastShares = new Float64Array(n);
  const lastActive = new Uint8Array(n);
  const active = new Uint8Array(n);
  const entered = new Uint8Array(n);
  const shares = new Float64Array(n);
  const quantity = new Float64Array(n);
  const full = new Uint8Array(n);
  const open = new Uint8Array(n);
  const mc = new Float64Array(n);
  const exitPeriods: Array<number | null> = providers.map(() => null);
  const { nash, collusive } = stageEquilibria(demand, costs);
  const learned = trainLearners(input, rng.fork('qlearning'));
  const rules = providers.map((p) => createPriceRule(p.strategy, learned));
  const rngs = providers.map((_, i) => rng.fork(`provider:${i}`));
  const initial = providers.map((p, i) => {
    if (learned) {
      // Continue from the state training ended in: last period's prices are that state's.
      const m = learned.grids[0]?.length ?? 1;
      return (learned.grids[i] as number[])[Math.floor(learned.finalState / m ** i) % m] as number;
    }
    return p.initialPriceUsd ?? (nash[i] as EquilibriumPoint).price;
  });
  const rows: ProviderPeriodRow[] = [];
  const marketRows: MarketPeriodRow[] = [];
  const obs: Observation = {
    period: 0,
    self: 0,
    marginalCostUsd: 0,
    cashUsd: 0,
    lastPrices,
    lastShares,
    lastActive,
    nashPriceUsd: 0,
    collusivePriceUsd: 0,
    bestResponse: () => bestResponse(obs.self),
  };
  const bestResponse = (i: number): number => {
    const idx = [...lastActive.keys()].filter((j) => j === i || lastActive[j]);
    const p = idx.map((j) => (j === i ? (lastPrices[i] ?? 0) : lastPrices[j]!));
    const self = idx.indexOf(i);
    const mcs = idx.map((j) => mc[j]!);
    const qs = idx.map((j) => quality[j]!);
    if (demand.type === 'logit') return logitBestResponse({ quality: qs, marginalCostUsd: mcs, mu: demand.mu, outsideQuality: demand.outsideQuality }, p, self);
    // Linear: p_i = (A_i + k c_i) / 2k with A_i = a_i + (γ/n) Σ_{j≠i} p_j, k = 1 + γ − γ/n.
    const g = demand.substitution / idx.length;
    const k = 1 + demand.substitution - g;
    const others = p.reduce((s, v, j) => (j === self ? s : s + v), 0);
    return Math.max(mcs[self]!, (qs[self]! + g * others + k * mcs[self]!) / (2 * k));
  };

  for (let t = 0; t < periods; t++) {
    for (let i = 0; i < n; i++) {
      const p = providers[i] as Sampled<Provider>;
      let c = (costs[i] as ResolvedProviderCost).marginalCostUsd * Math.pow(1 - p.learningDeclinePerPeriod, t);
      for (const shock of p.costShocks) if (shock.atPeriod <= t) c *= shock.factor;
      mc[i] = c;
    }
    for (let i = 0; i < n; i++) {
      const p = providers[i] as Sampled<Provider>;
      if (exitPeriods[i] !== null) continue;
      if (!entered[i] && p.entersAt === t) {
        entered[i] = 1;
        active[i] = 1;
        price[i] = initial[i] as number;
        continue;
      }
      if (!active[i] || (t - p.entersAt) % p.reviewEvery !== 0) continue;
      obs.period = t;
      obs.self = i;
      obs.marginalCostUsd = mc[i]!;
      obs.cashUsd = cash[i]!;
      obs.nashPriceUsd = (nash[i] as EquilibriumPoint).price;
      obs.collusivePriceUsd = (collusive[i] as EquilibriumPoint).price;
      price[i] = Math.max(0, (rules[i] as (o: Observation, r: Rng) => number)(obs, rngs[i] as Rng));
    }
    let outsideShare: number | null = null;
    let consumerSurplusUsd: number | null = null;
    if (demand.type === 'logit') {
      const outside = logitShares(quality, price, active, demand.mu, demand.outsideQuality, shares);
      let weighted = 0;
      let inside = 0;
      for (let i = 0; i < n; i++) {
        weighted += shares[i]! * price[i]!;
        inside += shares[i]!;
      }
      const size = marketSizeAt(demand.marketSize, demand.priceElasticity, inside > 0 ? weighted / inside : demand.referencePriceUsd, demand.referencePriceUsd);
      allocateWithCapacity(shares, outside, size, capacity, active, quantity, full);
      // After spill-over: the outside share is everyone who bought nothing, rationed customers included.
      let served = 0;
      let rationed = 0;
      for (let i = 0; i < n; i++) {
        served += quantity[i]!;
        if (active[i] && full[i]) rationed += Math.max(0, size * shares[i]! - quantity[i]!); // first-choice customers turned away (spill-over of spill-over not traced)
      }
      outsideShare = size > 0 ? Math.max(0, 1 - served / size) : outside;
      // Small–Rosen surplus: first choices at the full choice set; rationed customers choose again
      // among the providers with room and the outside good (their second-choice set).
      const ivAll = logitInclusiveValue(quality, price, active, demand.mu, demand.outsideQuality);
      if (rationed > 0) {
        for (let i = 0; i < n; i++) open[i] = active[i] && !full[i] ? 1 : 0;
        const ivOpen = logitInclusiveValue(quality, price, open, demand.mu, demand.outsideQuality);
        consumerSurplusUsd = logitConsumerSurplusUsd(ivAll, demand.mu, demand.outsideQuality, size - rationed) + logitConsumerSurplusUsd(ivOpen, demand.mu, demand.outsideQuality, rationed);
      } else {
        consumerSurplusUsd = logitConsumerSurplusUsd(ivAll, demand.mu, demand.outsideQuality, size);
      }
    } else {
      linearQuantities(quality, price, active, demand.slope, demand.substitution, quantity);
      allocateLinearWithCapacity(quantity, capacity, active, demand.substitution, full);
    }
    let total = 0;
    let revenueAll = 0;
    for (let i = 0; i < n; i++) {
      total += quantity[i]!;
      revenueAll += quantity[i]! * price[i]!;
    }
    const nActive = countActive(active);
    for (let i = 0; i < n; i++) {
      if (!entered[i]) continue;
      const p = providers[i] as Sampled<Provider>;
      const name = p.name;
      if (!active[i]) {
        rows.push({ run, period: t, provider: name, priceUsd: null, share: 0, quantityUnits: 0, revenueUsd: 0, variableCostUsd: 0, fixedCostUsd: 0, profitUsd: 0, cashUsd: Number.isFinite(cash[i]!) ? cash[i]! : null, alive: false, marginalCostUsd: mc[i]! });
        continue;
      }
      const q = quantity[i]!;
      const revenueUsd = q * price[i]!;
      const variableCostUsd = q * mc[i]!;
      const fixedCostUsd = p.fixedCostUsdPerPeriod;
      const profitUsd = revenueUsd - variableCostUsd - fixedCostUsd;
      cash[i] = cash[i]! + profitUsd;
      const alive = !(cash[i]! < 0);
      if (!alive) exitPeriods[i] = t;
      rows.push({ run, period: t, provider: name, priceUsd: price[i]!, share: total > 0 ? q / total : 0, quantityUnits: q, revenueUsd, variableCostUsd, fixedCostUsd, profitUsd, cashUsd: Number.isFinite(cash[i]!) ? cash[i]! : null, alive, marginalCostUsd: mc[i]! });
    }
    marketRows.push({ run, period: t, avgPriceUsd: total > 0 ? revenueAll / total : null, hhi: hhi(quantity), consumerSurplusUsd, outsideShare, totalQuantityUnits: total, activeProviders: nActive });
    // What strategies see next period: a provider that exited this period is out of the market.
    for (let i = 0; i < n; i++) {
      if (exitPeriods[i] !== null) active[i] = 0;
      lastActive[i] = active[i]!;
      lastPrices[i] = active[i] ? price[i]! : NaN;
      lastShares[i] = active[i] && total > 0 ? quantity[i]! / total : 0;
    }
  }
  return {
    run,
    seed: input.seed,
    rows,
    marketRows,
    exitPeriods,
    ...(learned
      ? {
          learning: {
            converged: learned.converged,
            periodsToConvergence: learned.periods,
            profitGain: learned.profitGain.reduce((a, b) => a + b, 0) / learned.profitGain.length,
            profitGainByAgent: learned.profitGain,
            cyclePricesUsd: learned.cycle.prices,
          },
        }
      : {}),
  };
}
