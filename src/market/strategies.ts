/**
 * Pricing strategies. Each is a config object (`Strategy` from the scenario, numbers drawn)
 * turned into a function of what a provider can observe last period, its own history (kept in
 * the closure, one per provider per run) and a seeded RNG. The first period a provider is in
 * the market it charges its initial price; strategies decide from the second on.
 */
import type { Rng } from '../util/rng.ts';
import type { Strategy } from '../scenario/normalize.ts';
import type { Sampled } from '../scenario/distribution.ts';
import { stateOfPrices, type QLearningResult } from './qlearning.ts';

/** What a provider sees when it sets this period's price. Arrays are indexed by provider. */
export interface Observation {
  period: number;
  self: number;
  /** Own marginal cost this period (USD/unit). */
  marginalCostUsd: number;
  /** Own cash at the end of last period (USD; Infinity when unlimited). */
  cashUsd: number;
  /** Everyone's price last period (USD/unit; NaN for providers not in the market). */
  lastPrices: Float64Array;
  /** Everyone's share of units sold last period (0–1). */
  lastShares: Float64Array;
  /** Providers in the market last period (1) or not (0). */
  lastActive: Uint8Array;
  /** Own one-shot Nash and joint-profit prices at period-0 costs (USD/unit). */
  nashPriceUsd: number;
  collusivePriceUsd: number;
  /** Myopic best reply (USD/unit) to the rivals' prices of last period. */
  bestResponse(): number;
}

/** A strategy instance: this period's price (USD/unit) from the observation. */
export type PriceRule = (obs: Observation, rng: Rng) => number;

/** Lowest price among rivals that were in the market last period, or NaN when alone. */
function lowestRivalPrice(obs: Observation): number {
  let low = NaN;
  for (let j = 0; j < obs.lastPrices.length; j++) {
    if (j === obs.self || !obs.lastActive[j]) continue;
    const p = obs.lastPrices[j]!;
    if (!(p >= low)) low = p;
  }
  return low;
}

/** The rival with the largest share last period, or -1 when alone. */
function leader(obs: Observation): number {
  let best = -1;
  for (let j = 0; j < obs.lastShares.length; j++) {
    if (j === obs.self || !obs.lastActive[j]) continue;
    if (best < 0 || obs.lastShares[j]! > obs.lastShares[best]!) best = j;
  }
  return best;
}

/** Create the price rule for one provider in one run. `learned` carries trained Q-learning policies. */
export function createPriceRule(spec: Sampled<Strategy>, learned?: QLearningResult): PriceRule {
  switch (spec.type) {
    case 'costPlus':
      return (obs) => obs.marginalCostUsd * (1 + spec.markup);
    case 'matchLowest':
      // Match the cheapest rival, but never below cost × (1 + minMarkup).
      return (obs) => {
        const low = lowestRivalPrice(obs);
        const own = obs.lastPrices[obs.self]!;
        return Math.max(obs.marginalCostUsd * (1 + spec.minMarkup), Number.isNaN(low) ? own : low);
      };
    case 'undercutLeader':
      // Price a step below the share leader; a provider that leads holds its price.
      return (obs) => {
        const l = leader(obs);
        const own = obs.lastPrices[obs.self]!;
        const floor = obs.marginalCostUsd * (1 + spec.minMarkup);
        if (l < 0 || obs.lastShares[obs.self]! >= obs.lastShares[l]!) return Math.max(floor, own);
        return Math.max(floor, obs.lastPrices[l]! * (1 - spec.step));
      };
    case 'titForTat':
      // Cooperate at the cooperative price while every rival does; otherwise match the lowest rival (not below cost).
      return (obs) => {
        const coop = spec.cooperativePrice === 'collusive' ? obs.collusivePriceUsd : spec.cooperativePrice;
        const low = lowestRivalPrice(obs);
        if (Number.isNaN(low) || low >= coop * (1 - spec.tolerance)) return coop;
        return Math.max(obs.marginalCostUsd, low);
      };
    case 'edgeworth':
      // Maskin–Tirole cycle: undercut the lowest rival by a step down to the floor, then jump back up.
      return (obs) => {
        const relent = spec.relentPrice === 'collusive' ? obs.collusivePriceUsd : spec.relentPrice;
        const floor = obs.marginalCostUsd * (1 + spec.minMarkup);
        const low = lowestRivalPrice(obs);
        if (Number.isNaN(low)) return relent;
        const target = low * (1 - spec.step);
        return target < floor ? relent : target;
      };
    case 'bestResponse':
      return (obs) => (1 - spec.damping) * obs.lastPrices[obs.self]! + spec.damping * obs.bestResponse();
    case 'predatory':
      // Below cost while cash lasts above the reserve and a rival remains; then the myopic best reply (recoupment).
      return (obs) => {
        const rivals = obs.lastActive.reduce((n, a, j) => n + (j !== obs.self && a ? 1 : 0), 0);
        if (rivals > 0 && obs.cashUsd > spec.reserveCash) return obs.marginalCostUsd * (1 + spec.markup);
        return obs.bestResponse();
      };
    case 'qlearning': {
      if (!learned) throw new Error('qlearning needs a trained session (trainQLearning) before the recorded periods');
      // Recorded periods play the learned greedy policy (no further exploration).
      return (obs) => {
        const state = stateOfPrices(obs.lastPrices, learned.grids);
        const grid = learned.grids[obs.self] as number[];
        return grid[(learned.policies[obs.self] as Int32Array)[state]!] as number;
      };
    }
  }
}
