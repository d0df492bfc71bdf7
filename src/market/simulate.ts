/**
 * One market run, period by period: strategies set prices → demand (and capacity spill-over)
 * gives quantities → revenue, variable and fixed cost, profit, cash → a provider whose cash
 * goes below zero exits; scheduled entrants join at their period. Pure: the run owns one
 * seeded RNG, forked per provider, so any run replays exactly.
 */
import type { Rng } from '../util/rng.ts';
import type { Sampled } from '../scenario/distribution.ts';
import type { Demand, Provider } from '../scenario/normalize.ts';
import { InputError } from '../errors.ts';
import { countActive, hhi } from './demand.ts';
import { periodOutcome, solveStage, stageWork, type StageEquilibria } from './stage.ts';
import { maximize1d } from './maximize.ts';
import { logitBestResponse } from './equilibrium.ts';
import { createPriceRule, type Observation } from './strategies.ts';
import { finalLearnedPrices, learningOutcome, trainLearners } from './learners.ts';
import type { ResolvedProviderCost } from './costs.ts';
import type { MarketPeriodRow, ProviderPeriodRow, RunResult } from './types.ts';
import type { TokenMix } from './tokens.ts';
import { marketPriceStructure } from './price-structure.ts';
import { applyInertia, demandAt, demandMoves, dueRounds, qualityAt, releaseCostFactorAt, type FundingEvent } from './dynamics.ts';

/** Everything a run needs, numbers drawn. */
export interface RunInput {
  run: number;
  seed: number;
  periods: number;
  demand: Sampled<Demand>;
  providers: Array<Sampled<Provider>>;
  costs: ResolvedProviderCost[];
  /** Token market: the mix (class prices in the rows) and each customer's blended tokens per period (free quotas, tiers). */
  tokenMix?: TokenMix;
  tokensPerCustomer?: number;
}

/**
 * Stage equilibria of the providers flagged in `active` at marginal costs `mc`: what the period
 * loop would sell (elastic size, capacity). Result arrays are over all providers, NaN for the
 * ones not in the market.
 */
export function stageEquilibria(
  demand: Sampled<Demand>,
  quality: ArrayLike<number>,
  mc: ArrayLike<number>,
  capacity: ArrayLike<number>,
  active: ArrayLike<number>,
): { nashPriceUsd: number[] | null; nashRefused?: string; collusivePriceUsd: number[]; solved: StageEquilibria } {
  const idx: number[] = [];
  for (let i = 0; i < active.length; i++) if (active[i]) idx.push(i);
  const solved = solveStage({
    demand,
    quality: idx.map((i) => quality[i]!),
    marginalCostUsd: idx.map((i) => mc[i]!),
    capacityUnits: idx.map((i) => capacity[i]!),
  });
  const spread = (points: Array<{ price: number }>) => {
    const out = new Array<number>(active.length).fill(NaN);
    idx.forEach((i, k) => (out[i] = points[k]!.price));
    return out;
  };
  let collusive: number[] | undefined;
  return {
    nashPriceUsd: solved.nash ? spread(solved.nash) : null,
    ...(solved.nashRefused ? { nashRefused: solved.nashRefused } : {}),
    // Solved when first read (solveStage's joint search is lazy too).
    get collusivePriceUsd() {
      return (collusive ??= spread(solved.collusive));
    },
    solved,
  };
}

/** Run one market for `input.periods` periods. */
export function simulateRun(input: RunInput, rng: Rng): RunResult {
  const { providers, costs, periods, run } = input;
  const n = providers.length;
  // This period's demand (outside-option drift, growth); the loop moves it at the top of each period.
  let demand = input.demand;
  const moving = demandMoves(input.demand);
  const inertia = input.demand.type === 'logit' ? (input.demand.inertia ?? 0) : 0;
  const lastConsumerShare = new Float64Array(n);
  let lastOutside = 0;
  const baseQuality = Float64Array.from(costs, (c) => c.quality);
  const releases = providers.map((p) => p.releases ?? []);
  const fundingUsed = providers.map((p) => (p.funding ?? []).map(() => false));
  const retained = new Float64Array(n).fill(1);
  const fundingRounds: FundingEvent[] = [];
  const quality = Float64Array.from(costs, (c) => c.quality);
  const capacity = Float64Array.from(providers, (p) => p.capacityUnitsPerPeriod);
  const cash = Float64Array.from(providers, (p) => p.cashUsd);
  // Strategies set list prices; customers choose on, and providers earn, the effective price φ × list (free quota, tiers).
  const structure = marketPriceStructure(providers, input.tokenMix, input.tokensPerCustomer);
  const billed = structure.billed;
  const price = new Float64Array(n);
  const paid = new Float64Array(n);
  const lastPrices = new Float64Array(n).fill(NaN);
  const lastShares = new Float64Array(n);
  const lastActive = new Uint8Array(n);
  const active = new Uint8Array(n);
  const entered = new Uint8Array(n);
  const work = stageWork(n);
  const quantity = work.quantity;
  const mc = new Float64Array(n);
  const exitPeriods: Array<number | null> = providers.map(() => null);
  // Stage equilibria among the providers in the market at this period's costs, solved when first asked for after entry, exit or a cost change.
  let stage: ReturnType<typeof stageEquilibria> | undefined;
  let stageKey = '';
  const stageNow = (t: number, inMarket: Uint8Array) => {
    const key = `${[...inMarket].join('')}|${[...mc].join(',')}|${[...quality].join(',')}|${moving ? t : ''}`;
    if (!stage || key !== stageKey) {
      stage = stageEquilibria(demand, quality, mc, capacity, inMarket);
      stageKey = key;
    }
    return stage;
  };
  const nashPrice = (t: number, i: number, inMarket: Uint8Array): number => {
    const s = stageNow(t, inMarket);
    if (!s.nashPriceUsd)
      throw new InputError(
        { file: 'scenario', path: `providers[${i}]` },
        `no Bertrand–Nash price for "${providers[i]!.name}" at period ${t}: ${s.nashRefused}; give initialPrice and a strategy that does not use the Nash price`,
      );
    return s.nashPriceUsd[i]! / billed[i]!;
  };
  const learned = trainLearners(input, rng.fork('qlearning'));
  const rules = providers.map((p) => createPriceRule(p.strategy, learned));
  const rngs = providers.map((_, i) => rng.fork(`provider:${i}`));
  // Learners continue from the state training ended in: last period's prices are that state's.
  const learnedPrices = learned ? finalLearnedPrices(learned) : undefined;
  const initial = providers.map((p, i) => learnedPrices?.[i] ?? p.initialPriceUsd);
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
    get nashPriceUsd() {
      return nashPrice(obs.period, obs.self, lastActive);
    },
    get collusivePriceUsd() {
      return stageNow(obs.period, lastActive).collusivePriceUsd[obs.self]! / billed[obs.self]!;
    },
    bestResponse: () => bestResponse(obs.self),
  };
  // Myopic best reply to last period's rival prices in the market as simulated (elastic size, capacity), solved in effective prices, returned as a list price.
  const brPrices = new Float64Array(n);
  const brWork = stageWork(n);
  const bestResponse = (i: number): number => bestEffectiveResponse(i) / billed[i]!;
  const bestEffectiveResponse = (i: number): number => {
    const inMarket = Uint8Array.from(lastActive, (a, j) => (j === i ? 1 : a));
    for (let j = 0; j < n; j++) brPrices[j] = inMarket[j] ? lastPrices[j]! * billed[j]! : 0;
    if (demand.type === 'logit' && demand.priceElasticity === 0 && !demand.nestedLogit && capacity.every((c) => c === Infinity)) {
      // Fixed size, no capacity: the closed-form first-order condition (exact).
      const idx = [...inMarket.keys()].filter((j) => inMarket[j]);
      return logitBestResponse(
        { quality: idx.map((j) => quality[j]!), marginalCostUsd: idx.map((j) => mc[j]!), mu: demand.mu, outsideQuality: demand.outsideQuality },
        idx.map((j) => brPrices[j]!),
        idx.indexOf(i),
      );
    }
    if (demand.type === 'linear' && capacity.every((c) => c === Infinity)) {
      // Interior closed form p_i = (a_i + g Σ_{j≠i} p_j + k c_i)/2k, g = γ/n, k = 1 + γ − g, when the firm then sells.
      const nIn = countActive(inMarket);
      const g = demand.substitution / nIn;
      const k = 1 + demand.substitution - g;
      let others = 0;
      for (let j = 0; j < n; j++) if (j !== i && inMarket[j]) others += brPrices[j]!;
      const x = (quality[i]! + g * others + k * mc[i]!) / (2 * k);
      brPrices[i] = x;
      periodOutcome(demand, quality, brPrices, inMarket, capacity, brWork);
      if (x >= mc[i]! && brWork.quantity[i]! > 0) return x;
    }
    const s = stageNow(obs.period, inMarket).solved;
    const top = Math.max(mc[i]!, ...s.collusive.map((e) => e.price), ...brPrices);
    const hi = demand.type === 'logit' ? top + 40 * demand.mu : top + quality[i]! + 1;
    return maximize1d(
      (x) => {
        brPrices[i] = x;
        periodOutcome(demand, quality, brPrices, inMarket, capacity, brWork);
        return brWork.quantity[i]! * (x - mc[i]!);
      },
      Math.max(0, mc[i]!),
      hi,
    );
  };

  for (let t = 0; t < periods; t++) {
    for (let i = 0; i < n; i++) {
      const p = providers[i] as Sampled<Provider>;
      let c = (costs[i] as ResolvedProviderCost).marginalCostUsd * Math.pow(1 - p.learningDeclinePerPeriod, t);
      for (const shock of p.costShocks) if (shock.atPeriod <= t) c *= shock.factor;
      mc[i] = c * releaseCostFactorAt(releases[i]!, t);
      quality[i] = qualityAt(baseQuality[i]!, releases[i]!, t);
    }
    demand = demandAt(input.demand, t);
    for (let i = 0; i < n; i++) {
      const p = providers[i] as Sampled<Provider>;
      if (exitPeriods[i] !== null) continue;
      if (!entered[i] && p.entersAt === t) {
        entered[i] = 1;
        active[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      const p = providers[i] as Sampled<Provider>;
      if (exitPeriods[i] !== null) continue;
      if (p.entersAt === t) {
        // An entrant without a list price starts at the Nash price of the market it enters.
        price[i] = initial[i] ?? nashPrice(t, i, active);
        continue;
      }
      if (!active[i] || (t - p.entersAt) % p.reviewEvery !== 0) continue;
      obs.period = t;
      obs.self = i;
      obs.marginalCostUsd = mc[i]!;
      obs.cashUsd = cash[i]!;
      price[i] = Math.max(0, (rules[i] as (o: Observation, r: Rng) => number)(obs, rngs[i] as Rng));
    }
    for (let i = 0; i < n; i++) paid[i] = price[i]! * billed[i]!;
    const outcome = periodOutcome(demand, quality, paid, active, capacity, work);
    let outsideShare = outcome.outsideShare;
    let consumerSurplusUsd = outcome.consumerSurplusUsd;
    if (inertia > 0 && t > 0) {
      // Switching costs: a share λ stays with last period's choice (consumer surplus of such a mix is not computed).
      outsideShare = applyInertia(quantity, outcome.marketSizeUnits, active, capacity, lastConsumerShare, lastOutside, inertia);
      consumerSurplusUsd = null;
    }
    let total = 0;
    let revenueAll = 0;
    for (let i = 0; i < n; i++) {
      total += quantity[i]!;
      revenueAll += quantity[i]! * paid[i]!;
    }
    const nActive = countActive(active);
    for (let i = 0; i < n; i++) {
      if (!entered[i]) continue;
      const p = providers[i] as Sampled<Provider>;
      const name = p.name;
      if (!active[i]) {
        rows.push({
          run,
          period: t,
          provider: name,
          priceUsd: null,
          inputPriceUsd: null,
          cachedInputPriceUsd: null,
          outputPriceUsd: null,
          unitShare: 0,
          quantityUnits: 0,
          revenueUsd: 0,
          variableCostUsd: 0,
          fixedCostUsd: 0,
          profitUsd: 0,
          cashUsd: Number.isFinite(cash[i]!) ? cash[i]! : null,
          alive: false,
          marginalCostUsd: mc[i]!,
        });
        continue;
      }
      const q = quantity[i]!;
      const revenueUsd = q * paid[i]!;
      const variableCostUsd = q * mc[i]!;
      const fixedCostUsd = p.fixedCostUsdPerPeriod;
      const profitUsd = revenueUsd - variableCostUsd - fixedCostUsd;
      cash[i] = cash[i]! + profitUsd;
      for (const { round, trigger } of dueRounds(p.funding ?? [], fundingUsed[i]!, t, cash[i]!, -profitUsd)) {
        cash[i] = cash[i]! + round.amountUsd;
        retained[i] = retained[i]! * (1 - round.dilution);
        fundingRounds.push({
          run,
          period: t,
          provider: name,
          amountUsd: round.amountUsd,
          dilution: round.dilution,
          retainedEquityShare: retained[i]!,
          trigger,
        });
      }
      const alive = !(cash[i]! < 0);
      if (!alive) exitPeriods[i] = t;
      const ratio = structure.ratios?.[i];
      rows.push({
        run,
        period: t,
        provider: name,
        priceUsd: price[i]!,
        inputPriceUsd: ratio ? price[i]! * ratio.input : null,
        cachedInputPriceUsd: ratio ? price[i]! * ratio.cachedInput : null,
        outputPriceUsd: ratio ? price[i]! * ratio.output : null,
        unitShare: total > 0 ? q / total : 0,
        quantityUnits: q,
        revenueUsd,
        variableCostUsd,
        fixedCostUsd,
        profitUsd,
        cashUsd: Number.isFinite(cash[i]!) ? cash[i]! : null,
        alive,
        marginalCostUsd: mc[i]!,
      });
    }
    marketRows.push({
      run,
      period: t,
      avgPriceUsd: total > 0 ? revenueAll / total : null,
      hhi: hhi(quantity),
      consumerSurplusUsd,
      outsideShare,
      totalQuantityUnits: total,
      activeProviders: nActive,
    });
    // What strategies see next period: a provider that exited this period is out of the market.
    for (let i = 0; i < n; i++) {
      if (exitPeriods[i] !== null) active[i] = 0;
      lastActive[i] = active[i]!;
      lastPrices[i] = active[i] ? price[i]! : NaN;
      lastShares[i] = active[i] && total > 0 ? quantity[i]! / total : 0;
      lastConsumerShare[i] = active[i] && outcome.marketSizeUnits > 0 ? quantity[i]! / outcome.marketSizeUnits : 0;
    }
    lastOutside = outsideShare ?? 0;
  }
  return {
    run,
    seed: input.seed,
    rows,
    marketRows,
    exitPeriods,
    fundingRounds,
    ...(learned ? { learning: learningOutcome(learned) } : {}),
  };
}
