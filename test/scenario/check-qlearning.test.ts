import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { InputError } from '../../src/errors.ts';

function errorOf(text: string): InputError {
  try {
    parseScenario(text, 'bad.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** A Q-learning market with one strategy line per agent. */
function market(strategies: string[]): string {
  return [
    'demand: { type: logit, mu: 0.25 }',
    'providers:',
    ...strategies.map((s, i) => `  - { name: a${i}, quality: 2, marginalCost: 1, strategy: { type: qlearning${s ? `, ${s}` : ''} } }`),
  ].join('\n');
}

describe('scenario check: every Q-learning agent', () => {
  it('accepts agents with different α, β, δ, m and ξ', () => {
    const s = parseScenario(market(['alpha: 0.1, m: 15, xi: 0.1', 'alpha: 0.2, beta: 1e-5, delta: 0.9, m: 10, xi: 0.2']), 'ok.yaml');
    const [a, b] = s.market!.providers.map((p) => p.strategy);
    expect(a).toMatchObject({ alpha: 0.1, m: 15 });
    expect(b).toMatchObject({ alpha: 0.2, beta: 1e-5, delta: 0.9, m: 10, xi: 0.2 });
  });

  it.each([
    ['δ = 1 on the second agent', ['', 'delta: 1'], 4, /providers\[1\]\.strategy\.delta.*below 1/],
    [
      'δ that can be drawn at 1 on the third agent',
      ['', '', 'delta: { dist: normal, mean: 0.95, sd: 0.1, min: 0.5, max: 1 }'],
      5,
      /providers\[2\]\.strategy\.delta.*below 1/,
    ],
    ['β = 0 on the second agent', ['', 'beta: 0'], 4, /providers\[1\]\.strategy\.beta.*never stops exploring/],
    [
      'a different stopping rule on the second agent',
      ['convergencePeriods: 1000', 'convergencePeriods: 2000'],
      4,
      /providers\[1\]\.strategy\.convergencePeriods.*same for every agent \(providers\[0\] has 1000, this one 2000\)/,
    ],
    [
      'convergencePeriods above maxPeriods',
      ['convergencePeriods: 5000, maxPeriods: 1000', 'convergencePeriods: 5000, maxPeriods: 1000'],
      3,
      /providers\[0\]\.strategy\.convergencePeriods.*must not exceed maxPeriods/,
    ],
    ['six agents', ['', '', '', '', '', ''], 3, /at most 5 agents/],
    ['five agents at m = 15 (57 million Q-values)', ['', '', '', '', ''], 3, /15 × 15 × 15 × 15 × 15 need 56,953,125 Q-values/],
  ])('rejects %s, naming the agent and field', (_what, strategies, line, message) => {
    const error = errorOf(market(strategies));
    expect(error.exitCode).toBe(2);
    expect(error.location.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  it('accepts five agents when the grids are small enough (m = 10: 500,000 Q-values)', () => {
    expect(parseScenario(market(Array(5).fill('m: 10')), 'ok.yaml').market!.providers).toHaveLength(5);
  });
});
