// `--set path=value`: the flag's text parsed (value as YAML), and applied before validation
// through parseScenario, so a bad value or an unknown path is refused naming --set.
import { describe, expect, it } from 'vitest';
import { parseSetFlag } from '../../src/scenario/overrides.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { UsageError } from '../../src/errors.ts';

const TEXT = `name: base
demand: { type: logit, mu: 0.5 }
providers:
  - { name: A, quality: 2, marginalCost: 1, cash: 100, strategy: { type: costPlus, markup: 0.2 } }
  - { name: B, quality: 2, marginalCost: 1, strategy: { type: bestResponse } }
`;
const withSets = (...sets: string[]) => parseScenario(TEXT, 'base.yaml', sets.map(parseSetFlag));
const errorOf = (...sets: string[]) => {
  try {
    withSets(...sets);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('parseSetFlag', () => {
  it('splits at the first "=" and reads the value as YAML', () => {
    expect(parseSetFlag('providers[1].cash=5e6')).toEqual({ path: ['providers', 1, 'cash'], value: 5_000_000, flag: '--set' });
    expect(parseSetFlag('name=x=y').value).toBe('x=y');
    expect(parseSetFlag('q={dist: normal, mean: 1, sd: 0.5}').value).toEqual({ dist: 'normal', mean: 1, sd: 0.5 });
    expect(parseSetFlag("name='007'").value).toBe('007');
    expect(parseSetFlag('flag=true').value).toBe(true);
  });

  it('refuses text without path=value, naming --set', () => {
    expect(() => parseSetFlag('cash')).toThrow(/^--set: expected path=value/);
    expect(() => parseSetFlag('=3')).toThrow(UsageError);
    expect(() => parseSetFlag('providers[x].cash=1')).toThrow(/^--set: /);
    expect(() => parseSetFlag('name=[1, 2')).toThrow(/is not YAML/);
  });
});

describe('parseScenario with --set overrides', () => {
  it('changes fields in order (later wins), as editing the file would', () => {
    const s = withSets('providers[1].cash=5e6', 'seed=9', 'seed=10', 'providers[0].strategy.markup=0.5');
    const edited = parseScenario(
      TEXT.replace('seed', '')
        .replace('{ type: costPlus, markup: 0.2 }', '{ type: costPlus, markup: 0.5 }')
        .replace('{ name: B, quality: 2, marginalCost: 1,', '{ name: B, quality: 2, marginalCost: 1, cash: 5000000,')
        .replace('name: base\n', 'name: base\nseed: 10\n'),
      'base.yaml',
    );
    expect(s).toEqual(edited);
  });

  it('refuses an unknown key, a missing list item and a bad value, each naming --set and the path', () => {
    for (const [set, pattern] of [
      ['providers[0].cahs=1', /^--set: .*providers\[0\]\.cahs.*unknown key "cahs"/],
      ['providers[2].cash=1', /^--set: .*providers has 2 items/],
      ['providers[1].cash=-1', /^--set: providers\[1\]\.cash=-1: providers\[1\]\.cash .*>= 0/],
    ] as const) {
      const error = errorOf(set);
      expect(error, set).toBeInstanceOf(UsageError);
      expect(error.message, set).toMatch(pattern);
    }
  });
});
