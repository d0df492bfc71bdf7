/**
 * The market's finiteness boundary: inputs the schema lets through but the solver cannot handle,
 * and inputs injected past the schema (as a library caller could), end in NonFiniteResultError
 * (exit 3) naming the inputs, never in a published NaN or a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { equilibriumReport, simulateRuns } from '../../src/market/montecarlo.ts';
import { overflowSuspects } from '../../src/market/finite.ts';
import { NonFiniteResultError } from '../../src/errors.ts';
import type { Scenario } from '../../src/scenario/normalize.ts';

const market = (qualityB: number, demand = '{ type: logit, mu: 0.25 }') =>
  parseScenario(
    `periods: 4\ndemand: ${demand}\nproviders:\n  - { name: a, quality: 2, marginalCost: 1, strategy: { type: bestResponse } }\n  - { name: b, quality: ${qualityB}, marginalCost: 1, strategy: { type: undercutLeader } }\n`,
    'm.yaml',
  );

function thrown(f: () => unknown): NonFiniteResultError {
  try {
    f();
  } catch (error) {
    if (error instanceof NonFiniteResultError) return error;
    throw error;
  }
  throw new Error('expected a NonFiniteResultError');
}

/** `s` with its logit demand's fields overridden (bypassing the schema, as a library caller could). */
function withDemand(s: Scenario, patch: Record<string, number>): Scenario {
  const m = s.market as NonNullable<Scenario['market']>;
  return { ...s, market: { ...m, demand: { ...m.demand, ...patch } as typeof m.demand } };
}

describe('market results are finite or refused', () => {
  it('a quality 40,000 μ above its rival breaks the Newton solve: exit 3 naming the spread, not a stack trace', () => {
    const s = market(1e4);
    const eq = thrown(() => equilibriumReport(s, new Map()));
    expect(eq.exitCode).toBe(3);
    expect(eq.message).toMatch(/^the stage-game equilibrium is not a finite number \(the solver failed: solveLinear: singular matrix\)/);
    expect(eq.message).toMatch(/\(quality − cost − outsideQuality\) \/ mu reaches 4\.00e\+4/);
    expect(thrown(() => simulateRuns(s, new Map(), [0])).message).toMatch(/^run 0 is not a finite number/);
  });

  it('the same market with moderate qualities solves (the check is not a blanket refusal)', () => {
    const r = equilibriumReport(market(2.5), new Map());
    expect(r.nash.every((e) => Number.isFinite(e.price) && e.price > 1)).toBe(true);
  });

  it('marketSize 1e308 past the schema: HHI overflows and the run is refused naming marketSize', () => {
    const error = thrown(() => simulateRuns(withDemand(market(2), { marketSize: 1e308 }), new Map(), [0]));
    expect(error.message).toMatch(/run 0 is not a finite number \(\w+ = (Infinity|NaN) at .*\).*demand\.marketSize = 1e\+308/);
  });

  it('μ = 5e-324 past the schema: NaN prices are refused naming mu', () => {
    const error = thrown(() => equilibriumReport(withDemand(market(2), { mu: 5e-324 }), new Map()));
    expect(error.message).toMatch(/price = NaN at a/);
    expect(error.message).toMatch(/demand\.mu = 5e-324/);
  });

  it('names nothing when no input is extreme', () => {
    expect(overflowSuspects({ demand: { type: 'linear', slope: 1, substitution: 1 }, costs: [] })).toEqual([]);
  });
});
