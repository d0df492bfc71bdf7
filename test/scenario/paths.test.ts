/**
 * Scenario value paths (src/scenario/paths.ts) and overrides in parseScenario: the parsed
 * paths are written out by hand, an override is validated like a written value, and a bad one
 * is a UsageError naming its flag.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatValuePath, parseValuePath, valueAtPath, withValueAtPath } from '../../src/scenario/paths.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { UsageError } from '../../src/errors.ts';

const text = readFileSync(fileURLToPath(new URL('../../scenarios/startup-vs-incumbent.yaml', import.meta.url)), 'utf8');

describe('parseValuePath', () => {
  it('reads keys and list indexes', () => {
    expect(parseValuePath('demand.mu', '--sweep')).toEqual(['demand', 'mu']);
    expect(parseValuePath('providers[1].cash', '--sweep')).toEqual(['providers', 1, 'cash']);
    expect(parseValuePath('a[0][2].b_2', '--set')).toEqual(['a', 0, 2, 'b_2']);
    expect(formatValuePath(['providers', 1, 'strategy', 'damping'])).toBe('providers[1].strategy.damping');
  });
  it('refuses malformed paths naming the flag', () => {
    for (const bad of ['', 'demand..mu', 'providers[x].cash', '1abc', 'demand.mu]', 'demand mu']) {
      expect(() => parseValuePath(bad, '--sweep')).toThrow(UsageError);
      expect(() => parseValuePath(bad, '--sweep')).toThrow(/^--sweep: /);
    }
  });
});

describe('valueAtPath / withValueAtPath', () => {
  const data = { demand: { mu: 0.3 }, providers: [{ cash: 1 }, { cash: { dist: 'uniform', min: 1, max: 2 } }] };
  it('finds values and copies rather than mutates', () => {
    expect(valueAtPath(data, ['providers', 1, 'cash'], '--sweep')).toEqual({ found: true, value: { dist: 'uniform', min: 1, max: 2 } });
    expect(valueAtPath(data, ['demand', 'outsideQuality'], '--sweep')).toEqual({ found: false });
    const changed = withValueAtPath(data, ['providers', 0, 'cash'], 5, '--sweep') as typeof data;
    expect(changed.providers[0]).toEqual({ cash: 5 });
    expect(data.providers[0]).toEqual({ cash: 1 });
    expect(changed.providers[1]).toBe(data.providers[1]);
  });
  it('names the missing step', () => {
    expect(() => valueAtPath(data, ['providers', 2, 'cash'], '--sweep')).toThrow(
      '--sweep: providers has 2 items (indexes 0–1), so providers[2].cash does not exist',
    );
    expect(() => valueAtPath(data, ['supply', 'x'], '--set')).toThrow('--set: supply is not in the scenario, so supply.x cannot be set');
    expect(() => valueAtPath(data, ['demand', 'mu', 'x'], '--set')).toThrow('--set: demand.mu is number 0.3, not a mapping');
  });
});

describe('parseScenario with overrides', () => {
  it('puts the value in before validation (a distribution replaced by a number)', () => {
    const s = parseScenario(text, 'x.yaml', [
      { path: ['providers', 1, 'cash'], value: 2e6, flag: '--sweep' },
      { path: ['demand', 'mu'], value: 0.25, flag: '--sweep' },
    ]);
    expect(s.market?.providers[1]?.cashUsd).toBe(2e6);
    expect(s.market?.demand).toMatchObject({ type: 'logit', mu: 0.25 });
    // The written document is untouched.
    expect(parseScenario(text, 'x.yaml').market?.demand).toMatchObject({ mu: 0.3 });
  });
  it("a value the schema refuses, or an unknown key, is the flag's error", () => {
    expect(() => parseScenario(text, 'x.yaml', [{ path: ['demand', 'mu'], value: -1, flag: '--sweep' }])).toThrow(/^--sweep: demand\.mu=-1: demand\.mu /);
    expect(() => parseScenario(text, 'x.yaml', [{ path: ['demand', 'muu'], value: 1, flag: '--sweep' }])).toThrow(UsageError);
  });
});
