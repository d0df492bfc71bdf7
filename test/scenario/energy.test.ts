// A scenario's `energy: { gridRegion, pue }` and a bench entry's `usdPerHour` are checked when the
// file is read, by the same checks as `costsim bench --grid-region/--pue/--usd-per-hour`, and the
// errors name the file, the field, the line and the fix.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { InputError } from '../../src/errors.ts';

const scenario = (energy: string, rate = '', extra = '') => `name: energy
${energy}bench:
  - { id: dense, model: mlp, steps: 2, device: aws-c6a.large${rate} }
${extra}`;

function errorOf(text: string): InputError {
  try {
    parseScenario(text, 'scenarios/bad.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('scenario energy and rate inputs', () => {
  it('are read into the scenario: region and PUE filled as the flags fill them, the rate on its entry', () => {
    const s = parseScenario(scenario('energy: { gridRegion: france, pue: 1.5 }\n', ', usdPerHour: 0.9'), 'e.yaml');
    expect(s.energy).toEqual({ region: 'france', pue: 1.5 });
    expect(s.bench[0]?.usdPerHour).toBe(0.9);
    // One field given: the other is the flags' default (world grid, PUE 1, CodeCarbon's).
    expect(parseScenario(scenario('energy: { pue: 1.2 }\n'), 'e.yaml').energy).toEqual({ region: 'world', pue: 1.2 });
    expect(parseScenario(scenario('energy: { gridRegion: eu }\n'), 'e.yaml').energy).toEqual({ region: 'eu', pue: 1 });
    expect(parseScenario(scenario(''), 'e.yaml').energy).toBeUndefined();
  });

  it.each([
    [
      'an unknown grid region',
      scenario('energy: { gridRegion: mars }\n'),
      'energy.gridRegion',
      2,
      /unknown grid region "mars" \(allowed: world, us, eu, china, france\); or remove energy\.gridRegion/,
    ],
    ['a PUE below 1', scenario('energy: { pue: 0.8 }\n'), 'energy.pue', 2, /must be a number from 1 to 3 \(got 0\.8\).*or remove energy\.pue for 1/],
    ['an absurd PUE', scenario('energy: { pue: 15 }\n'), 'energy.pue', 2, /must be a number from 1 to 3 \(got 15\)/],
    [
      'a zero rate',
      scenario('', ', usdPerHour: 0'),
      'bench[0].usdPerHour',
      3,
      /must be a positive number of USD per hour \(got 0\); give this machine's own hourly rate/,
    ],
    [
      'a negative rate',
      scenario('', ', usdPerHour: -0.1'),
      'bench[0].usdPerHour',
      3,
      /\(got -0\.1\).*or remove usdPerHour to price the entry as its device "aws-c6a\.large"/,
    ],
    ['an unknown energy key', scenario('energy: { grid: france }\n'), 'energy.grid', 2, /grid/],
  ])('refuses %s at read time, naming file, field, line and fix (exit 2)', (_what, text, path, line, message) => {
    const error = errorOf(text);
    expect(error.exitCode).toBe(2);
    expect(error.location).toEqual({ file: 'scenarios/bad.yaml', path, line });
    expect(error.message).toMatch(message);
  });

  it("a model's pruning entries are one study: they must agree on device and rate", () => {
    const pruning = (a: string, b: string) =>
      scenario(
        '',
        '',
        `  - { id: p50, model: mlp, steps: 2, device: aws-c6a.large${a}, pruning: { mode: unstructured, sparsity: 0.5 } }\n  - { id: p90, model: mlp, steps: 2, device: aws-c6a.large${b}, pruning: { mode: unstructured, sparsity: 0.9 } }\n`,
      );
    expect(parseScenario(pruning(', usdPerHour: 0.5', ', usdPerHour: 0.5'), 'p.yaml').bench[2]?.usdPerHour).toBe(0.5);
    const differ = errorOf(pruning(', usdPerHour: 0.5', ', usdPerHour: 0.7'));
    expect(differ.location).toMatchObject({ path: 'bench[2].usdPerHour', line: 5 });
    expect(differ.message).toMatch(/one study priced at one rate: use 0\.5, as bench\[1\] does/);
    expect(errorOf(pruning(', usdPerHour: 0.5', '')).message).toMatch(/use 0\.5, as bench\[1\] does/);
    expect(errorOf(pruning('', ', usdPerHour: 0.5')).message).toMatch(/remove it, as bench\[1\] has none/);
  });
});
