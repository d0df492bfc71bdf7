/**
 * Hostile and careless scenario files (issue 11): aliases, sizes, key counts, nesting, dates,
 * long and control-character names. Each must be an InputError (exit 2) naming the file.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario, SCENARIO_LIMITS } from '../../src/scenario/parse.ts';
import { TEXT_LIMITS } from '../../src/scenario/schema.ts';
import { InputError } from '../../src/errors.ts';
import { stripControl } from '../../src/util/text.ts';

const minimal = `demand: { type: logit, mu: 0.25 }
providers:
  - name: a
    quality: 2
    marginalCost: 1
    strategy: { type: costPlus }
`;

function errorOf(text: string, file = 'hostile.yaml'): InputError {
  try {
    parseScenario(text, file);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

/** The billion-laughs shape: each level is a list of 9 aliases of the level before (9^5 ≈ 59,000 leaves). */
const aliasBomb = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...['b', 'c', 'd', 'e'].map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcd'[i]}`).join(', ')}]`),
  'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
].join('\n');

describe('parseScenario on hostile input', () => {
  it('refuses an alias bomb and an alias without an anchor, naming the file and the line', () => {
    const bomb = errorOf(aliasBomb);
    expect(bomb.exitCode).toBe(2);
    expect(bomb.location.file).toBe('hostile.yaml');
    expect(bomb.message).toMatch(/^hostile\.yaml \(line 2\): aliases expand to too many nodes/);
    const dangling = errorOf(`${minimal}seed: *nope\n`);
    expect(dangling.message).toBe('hostile.yaml (line 7): the alias *nope has no anchor &nope before it; define the anchor first or write the value out');
  });

  it('still accepts ordinary aliases', () => {
    const s = parseScenario(
      `${minimal}  - name: b\n    quality: 2\n    marginalCost: 1\n    strategy: &s { type: costPlus, markup: 0.5 }\n  - name: c\n    quality: 1\n    marginalCost: 1\n    strategy: *s\n`,
      'ok.yaml',
    );
    expect(s.market?.providers[2]?.strategy).toEqual({ type: 'costPlus', markup: 0.5 });
  });

  it('finds a repeated key with its line', () => {
    expect(errorOf(`${minimal}seed: 1\nperiods: 3\nseed: 2\n`).message).toBe(
      'hostile.yaml (line 9): the key "seed" appears twice in the same mapping; keep one',
    );
  });

  it('bounds the file size, the key count and the nesting depth', () => {
    const big = `description: "${'x'.repeat(SCENARIO_LIMITS.maxBytes)}"\n`;
    expect(errorOf(big).message).toMatch(/^hostile\.yaml: the file is 1,048,592 bytes; a scenario may be at most 1,048,576 bytes/);
    const many = `{${Array.from({ length: SCENARIO_LIMITS.maxKeys + 1 }, (_, i) => `k${i}: 0`).join(', ')}}`;
    expect(errorOf(many).message).toMatch(/^hostile\.yaml \(line 1\): more than 20,000 keys and list items/);
    const deep = `demand: ${'['.repeat(SCENARIO_LIMITS.maxDepth + 1)}${']'.repeat(SCENARIO_LIMITS.maxDepth + 1)}`;
    expect(errorOf(deep).message).toMatch(/nested more than 64 levels deep/);
    const deeper = `demand: ${'['.repeat(5000)}${']'.repeat(5000)}`;
    expect(errorOf(deeper).message).toMatch(/nested too deeply to read \(at most 64 levels\)/);
  });

  // 100,000 keys in one mapping: yaml's pairwise unique-key check took ~2.5 s at 16,000 keys here and
  // grows with the square (≈ 100 s at 100,000); a linear parse reaches the key bound in about a
  // second. The test's own 20 s timeout is the generous bound a quadratic pass would blow.
  it('reaches the key bound in linear time on 100,000 keys', { timeout: 20_000 }, () => {
    const text = `{${Array.from({ length: 100_000 }, (_, i) => `${i}: 0`).join(',')}}`;
    expect(text.length).toBeLessThan(SCENARIO_LIMITS.maxBytes);
    expect(errorOf(text).message).toMatch(/more than 20,000 keys/);
  });

  it('quotes a handful of many unknown keys, not all of them', () => {
    const text = `${minimal}${Array.from({ length: 15_000 }, (_, i) => `unknown${i}: 1`).join('\n')}\n`;
    const error = errorOf(text);
    expect(error.location).toMatchObject({ path: 'unknown0', line: 7 });
    expect(error.message).toMatch(/unknown keys "unknown0", "unknown1", "unknown2", "unknown3", "unknown4" and 14,995 more \(allowed: name, description/);
    expect(error.message.length).toBeLessThan(400);
  });

  it.each([
    ['2024-13-45', 'month 13'],
    ['2023-02-29', 'no leap day in 2023'],
    ['2024-04-31', 'April has 30 days'],
    ['2024-00', 'month 0'],
  ])('refuses the impossible date %s (%s)', (date) => {
    const error = errorOf(`${minimal}calendar: { start: 2024-01-01, periodDays: 1 }\nreferences:\n  - { provider: a, date: ${date}, price: 1, source: s }\n`);
    expect(error.message).toMatch(/references\[0\]\.date \(line 9\): not a real date/);
  });

  it('accepts a real leap day and a month', () => {
    const s = parseScenario(
      `${minimal}calendar: { start: 2024-01-01, periodDays: 1 }\nreferences:\n  - { provider: a, date: 2024-02-29, price: 1, source: s }\n  - { provider: a, date: 2024-03, price: 1, source: s }\n`,
      'ok.yaml',
    );
    // 31 days of January + 28 of February to the 29th; March 1st is day 60 of a leap year (0-based).
    expect(s.references.map((r) => r.period)).toEqual([59, 60]);
  });

  it('bounds names and prose, naming the field and the limit', () => {
    const long = errorOf(`name: ${'n'.repeat(300)}\n${minimal}`);
    expect(long.message).toMatch(/^hostile\.yaml name \(line 1\): the length must be <= 100 \(got 300\)/);
    expect(errorOf(`description: ${'d'.repeat(TEXT_LIMITS.prose + 1)}\n${minimal}`).message).toMatch(
      /description \(line 1\): the length must be <= 10000 \(got 10001\)$/,
    );
    // A long wrong value is quoted cut short, not echoed whole.
    expect(errorOf(minimal.replace('quality: 2', `quality: ${'q'.repeat(5000)}`)).message).toMatch(/\(got string "q{60}"… \(5,000 characters\)\)$/);
  });

  it('strips control characters from names and prose, and compares names as shown', () => {
    const s = parseScenario(`name: "evil\\e[31m\\x07"\nquestion: "why?\\nreally\\e]0;title\\a"\n${minimal.replace('name: a', 'name: "a\\e[2J"')}`, 'ok.yaml');
    expect(s.name).toBe('evil[31m');
    expect(s.question).toBe('why?\nreally]0;title');
    expect(s.market?.providers[0]?.name).toBe('a[2J');
    const twice = errorOf(`${minimal}  - name: "a\\e"\n    quality: 2\n    marginalCost: 1\n    strategy: { type: costPlus }\n`);
    expect(twice.message).toMatch(/providers\[1\]\.name \(line 7\): provider name "a" is used twice/);
  });

  it('stripControl keeps printable text, and tabs and line feeds only in prose', () => {
    expect(stripControl('a\u001b[1mb\u009bc\u007fd\te\nf')).toBe('a[1mbcdef');
    expect(stripControl('a\u001b[1mb\te\nf\r', true)).toBe('a[1mb\te\nf');
    expect(stripControl('日本語 – ok')).toBe('日本語 – ok');
  });

  it.each([
    ['μ below its floor', minimal.replace('mu: 0.25', 'mu: 5e-324'), /demand\.mu \(line 1\): the value must be >= 1e-9 \(got 5e-324\)/],
    [
      'a market of 1e308 units',
      minimal.replace('mu: 0.25', 'mu: 0.25, marketSize: 1e308'),
      /demand\.marketSize \(line 1\): the value must be <= 1000000000000000/,
    ],
    ['quality 1e300', minimal.replace('quality: 2', 'quality: 1e300'), /providers\[0\]\.quality \(line 4\): the value must be <= 1000000000 \(got 1e\+300\)/],
    ['a cost of 1e300', minimal.replace('marginalCost: 1', 'marginalCost: 1e300'), /providers\[0\]\.marginalCost \(line 5\): the value must be <= 1000000000/],
    ['periods 1e9', `periods: 1000000000\n${minimal}`, /periods \(line 1\): the value must be <= 100000 \(got 1000000000\)/],
    ['runs over the cap', `monteCarlo: { runs: 10000000 }\n${minimal}`, /monteCarlo\.runs \(line 1\): the value must be <= 100000/],
    [
      '201 providers',
      `demand: { type: logit, mu: 1 }\nproviders:\n${Array.from({ length: 201 }, (_, i) => `  - { name: p${i}, quality: 1, marginalCost: 1, strategy: { type: costPlus } }`).join('\n')}\n`,
      /providers \(line 3\): the list length must be <= 200 \(got 201\)/,
    ],
    [
      'runs × periods × providers over the bound',
      `monteCarlo: { runs: 100000 }\nperiods: 100\n${minimal}`,
      /monteCarlo\.runs \(line 1\): monteCarlo\.runs × periods × providers: 100,000 runs × 100 periods × 1 providers = 10,000,000 rows, more than the 2,000,000 allowed \(at ~430 bytes per row in memory and output that is ~4\.3 GB\)/,
    ],
  ])('refuses %s with the field, the limit and the value', (_what, text, message) => {
    const error = errorOf(text);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
  });

  it('refuses a device whose peak FLOP/s is 0', () => {
    const device = (peak: number) =>
      `devices:\n  - id: zero\n    name: Zero\n    kind: gpu\n    peakFlops: { fp32: { value: ${peak}, source: s, date: 2024-01 } }\n    memoryBytes: { value: 1e9, source: s, date: 2024-01 }\n    memoryBandwidthBytesPerSecond: { value: 1e9, source: s, date: 2024-01 }\n    powerWatts: { value: 1, source: s, date: 2024-01 }\n    usdPerHour: { value: 1, source: s, date: 2024-01 }\n`;
    expect(errorOf(device(0)).message).toMatch(/devices\[0\]\.peakFlops\.fp32\.value \(line 5\): the value must be > 0 \(got 0\)/);
    expect(parseScenario(device(1e12), 'ok.yaml').devices[0]?.peakFlops.fp32.value).toBe(1e12);
  });

  it('bounds distribution parameters by magnitude without requiring truncation', () => {
    const ok = parseScenario(minimal.replace('marginalCost: 1', 'marginalCost: { dist: lognormal, median: 1, sigma: 0.3 }'), 'ok.yaml');
    expect(ok.market?.providers[0]?.cost).toEqual({ kind: 'given', marginalCostUsd: { dist: 'lognormal', median: 1, sigma: 0.3 } });
    expect(errorOf(minimal.replace('marginalCost: 1', 'marginalCost: { dist: lognormal, median: 1e300, sigma: 0.3 }')).message).toMatch(
      /providers\[0\]\.marginalCost\.median \(line 5\): median must be within ±1000000000 \(got 1e\+300\)/,
    );
    expect(errorOf(minimal.replace('marginalCost: 1', 'marginalCost: { dist: lognormal, median: 1, sigma: 1000 }')).message).toMatch(
      /sigma must be <= 10 \(got 1000\)/,
    );
  });

  it('checks bench model options at parse time, against the zoo bounds', () => {
    const bench = (options: string) => `bench:\n  - { id: m, model: mlp, steps: 2, device: aws-c6a.large, modelOptions: ${options} }\n`;
    expect(errorOf(bench('{ width: 1e9 }')).message).toMatch(
      /^hostile\.yaml bench\[0\]\.modelOptions\.width \(line 2\): must be <= 4096 for mlp \(got 1000000000\)/,
    );
    expect(errorOf(bench('{ heads: 2 }')).message).toMatch(/bench\[0\]\.modelOptions\.heads \(line 2\): not an option of mlp \(allowed: width, depth\)/);
    expect(parseScenario(bench('{ width: 64, dataLimit: 100 }'), 'ok.yaml').bench[0]?.modelOptions).toEqual({ width: 64, dataLimit: 100 });
  });
});
