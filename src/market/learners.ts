/**
 * The bridge from a market run to a Q-learning session (Calvano et al. 2020): build the
 * session from the run's drawn parameters (each agent its own α, β, δ, m, ξ), and turn the
 * trained session into the run's `learning` outcome (profit gain, limit cycle, impulse
 * response). Kept out of simulate.ts so the period loop stays about periods.
 */
import type { Rng } from '../util/rng.ts';
import type { Sampled } from '../scenario/distribution.ts';
import { pricesOfState, trainQLearning, type QLearningResult } from './qlearning.ts';
import { impulseResponse } from './impulse.ts';
import type { LearningOutcome } from './types.ts';
import type { Demand, Provider } from '../scenario/normalize.ts';
import type { ResolvedProviderCost } from './costs.ts';

type QLearningStrategy = Extract<Sampled<Provider>['strategy'], { type: 'qlearning' }>;

/** What training reads of a run (the fields of simulate.ts's RunInput; named here so the two modules do not import each other). */
export interface LearnersInput {
  demand: Sampled<Demand>;
  providers: ReadonlyArray<Sampled<Provider>>;
  costs: readonly ResolvedProviderCost[];
}

/** Train the run's Q-learning agents, or undefined when the run has none (the scenario check makes it all or none, logit demand). */
export function trainLearners(input: LearnersInput, rng: Rng): QLearningResult | undefined {
  const first = input.providers[0]?.strategy;
  if (first?.type !== 'qlearning' || input.demand.type !== 'logit') return undefined;
  const agents = input.providers.map((p) => p.strategy as QLearningStrategy);
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
      agents: agents.map((a) => ({ alpha: a.alpha, beta: a.beta, delta: a.delta, m: a.m, xi: a.xi })),
      // One stopping rule per session (the scenario check requires every agent to state the same).
      convergencePeriods: first.convergencePeriods,
      maxPeriods: first.maxPeriods,
    },
    rng,
  );
}

/** Last period's prices (USD/unit) when training ended: where the recorded periods continue from. */
export function finalLearnedPrices(learned: QLearningResult): number[] {
  return pricesOfState(learned.grids, learned.strides, learned.finalState);
}

/** The run's learning outcome; the impulse response has the first agent deviate (Calvano et al.'s figure). */
export function learningOutcome(learned: QLearningResult): LearningOutcome {
  return {
    converged: learned.converged,
    periodsToConvergence: learned.periods,
    profitGain: learned.profitGain.reduce((a, b) => a + b, 0) / learned.profitGain.length,
    profitGainByAgent: learned.profitGain,
    cyclePricesUsd: learned.cycle.prices,
    impulseResponse: impulseResponse(learned, 0),
  };
}
