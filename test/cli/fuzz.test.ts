/**
 * Fuzz: several hundred seeded, generated malformed scenarios through `simulate`, `equilibrium`
 * and (a subset) `run`, in-process via the CLI's `main`. Every one must be handled: exit 2, the
 * file named on stderr, no stack trace, no raw control character echoed, nothing on stdout and
 * nothing written to the working directory. The counts (tried / handled) are printed.
 *
 * Each generated file is malformed by construction (a mutation the schema must reject), and the
 * unmutated base scenario is checked to parse, so a failure means the mutation was not handled.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { createRng, type Rng } from '../../src/util/rng.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A valid scenario touching every section the mutations reach (market, calendar, references, bench). */
function base(): { [key: string]: Json } {
  return {
    name: 'fuzz-base',
    description: 'a market of three',
    seed: 7,
    periods: 6,
    unit: '1M tokens',
    calendar: { start: '2024-01-01', periodDays: 30 },
    demand: { type: 'logit', mu: 0.25, outsideQuality: 0, marketSize: 1000 },
    monteCarlo: { runs: 2, percentiles: [10, 50, 90] },
    providers: [
      { name: 'incumbent', quality: 2, marginalCost: 1, cash: 50, strategy: { type: 'costPlus', markup: 0.3 } },
      { name: 'startup', quality: 1.8, marginalCost: { dist: 'lognormal', median: 0.8, sigma: 0.2 }, strategy: { type: 'undercutLeader', step: 0.1 } },
      { name: 'lab', quality: 2.1, marginalCost: 1.2, strategy: { type: 'bestResponse' } },
    ],
    references: [{ provider: 'startup', date: '2024-03-01', price: 1.1, source: 'price page' }],
  };
}

const pick = <T>(rng: Rng, list: readonly T[]): T => list[rng.int(list.length)] as T;
const clone = <T>(x: T): T => structuredClone(x);

/** Mutable mappings of the base where an unknown key or a deleted required key is an error. */
const mappings = ['', 'demand', 'calendar', 'monteCarlo', 'providers.0', 'providers.1', 'providers.1.strategy', 'providers.2.strategy', 'references.0'];
/** Required keys per mapping (deleting one must be refused). */
const required: Array<[string, string]> = [
  ['demand', 'type'],
  ['demand', 'mu'],
  ['providers.0', 'name'],
  ['providers.0', 'quality'],
  ['providers.1', 'strategy'],
  ['providers.2.strategy', 'type'],
  ['calendar', 'start'],
  ['calendar', 'periodDays'],
  ['references.0', 'source'],
  ['references.0', 'price'],
  ['references.0', 'date'],
];
/** Number fields and values outside their allowed range. */
const outOfRange: Array<[string, Json[]]> = [
  ['demand.mu', [0, -1, 5e-324, 1e300]],
  ['demand.marketSize', [0, -5, 1e308]],
  ['demand.outsideQuality', [1e300, -1e300]],
  ['providers.0.quality', [1e300, -1e12]],
  ['providers.0.marginalCost', [-1, 1e300]],
  ['providers.0.cash', [-3, 1e300]],
  ['providers.0.strategy.markup', [-0.5, 1e9]],
  ['providers.1.strategy.step', [2, -0.1]],
  ['periods', [0, -1, 1.5, 1e9]],
  ['monteCarlo.runs', [0, 1e7, 2.5]],
  ['monteCarlo.percentiles', [[], [101], [-1]]],
  ['calendar.periodDays', [0, -1, 1e9]],
  ['references.0.price', [-1, 1e300]],
  ['seed', [1.5]],
  [
    'providers.1.marginalCost',
    [
      { dist: 'lognormal', median: 1e300, sigma: 1 },
      { dist: 'lognormal', median: 1, sigma: 1e3 },
      { dist: 'normal', mean: 1, sd: 1 },
    ],
  ],
];
const badDates = ['2024-13-45', '2023-02-29', '2024-04-31', '2024-00-10', '24-01-01', '2024/01/01', 'yesterday', '2024-1-1'];
const hostileNames = ['\u001b]0;pwned\u0007\u001b[2J', '\u0000\u0001\u0002', 'x'.repeat(300), '\u009b31m', ''];

function getIn(doc: Json, path: string): Json {
  return path === '' ? doc : path.split('.').reduce<Json>((node, key) => (node as { [k: string]: Json })[key] as Json, doc);
}
function setIn(doc: Json, path: string, value: Json | undefined): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = getIn(doc, keys.join('.')) as { [k: string]: Json };
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

/** A wrong-type value for `value`. */
function wrongType(rng: Rng, value: Json): Json {
  if (typeof value === 'number') return pick(rng, ['cheap', true, [1, 2], { n: 1 }, null] as Json[]);
  if (typeof value === 'string') return pick(rng, [42, [value], { s: value }, false] as Json[]);
  if (Array.isArray(value)) return pick(rng, ['a list?', 3, { 0: 'x' }] as Json[]);
  return pick(rng, ['mapping?', 9, ['x']] as Json[]);
}

interface Case {
  kind: string;
  text: string;
  /** Accepted: a hostile name that is valid once its control characters are stripped (then nothing raw may be echoed). */
  accepted?: boolean;
}

/** One malformed scenario of a kind chosen by `rng`. */
function generate(rng: Rng): Case {
  const doc = base();
  const kind = pick(rng, [
    'wrong type',
    'missing field',
    'unknown key',
    'out of range',
    'bad date',
    'alias',
    'huge value',
    'hostile name',
    'syntax',
    'duplicate key',
    'not a mapping',
    'bad bench',
  ]);
  const text = (d: Json) => stringify(d);
  switch (kind) {
    case 'wrong type': {
      const path = pick(rng, [
        'name',
        'periods',
        'seed',
        'demand.mu',
        'demand.type',
        'providers',
        'providers.0.name',
        'providers.0.quality',
        'providers.1.strategy',
        'providers.2.strategy.type',
        'monteCarlo.runs',
        'references.0.date',
        'calendar',
        'unit',
      ]);
      setIn(doc, path, wrongType(rng, getIn(doc, path)));
      return { kind, text: text(doc) };
    }
    case 'missing field': {
      const [at, key] = pick(rng, required);
      setIn(doc, `${at}.${key}`, undefined);
      return { kind, text: text(doc) };
    }
    case 'unknown key': {
      const at = pick(rng, mappings);
      const key = pick(rng, ['colour', 'Mu', 'providers ', 'price', '__proto__', 'constructor', `k${rng.int(1000)}`]);
      if (getIn(doc, at) && typeof getIn(doc, at) === 'object' && key in (getIn(doc, at) as object) && !['__proto__', 'constructor'].includes(key))
        return { kind, text: `${text(doc)}zzUnknown: 1\n` };
      const target = getIn(doc, at) as { [k: string]: Json };
      Object.defineProperty(target, key, { value: rng.int(10), enumerable: true, writable: true, configurable: true });
      return { kind, text: text(doc) };
    }
    case 'out of range': {
      const [path, values] = pick(rng, outOfRange);
      setIn(doc, path, clone(pick(rng, values)));
      return { kind, text: text(doc) };
    }
    case 'bad date': {
      setIn(doc, pick(rng, ['calendar.start', 'references.0.date']), pick(rng, badDates));
      return { kind, text: text(doc) };
    }
    case 'alias': {
      const bomb = [
        'a: &a [x, x, x, x, x, x, x, x, x]',
        'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
        'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
        'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
        'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
      ].join('\n');
      return {
        kind,
        text: pick(rng, [
          `${text(doc)}seed: *nowhere\n`,
          `${bomb}\n`,
          `${text(doc)}periods: *p\n`,
          text(doc).replace('periods: 6', 'periods: &p 6').concat('extra: *p\n'),
        ]),
      };
    }
    case 'huge value': {
      const choice = rng.int(5);
      if (choice === 0) setIn(doc, 'description', 'd'.repeat(20_000 + rng.int(10_000)));
      else if (choice === 1) setIn(doc, 'providers.0.name', 'n'.repeat(5_000));
      else if (choice === 2) return { kind, text: `${text(doc)}notes: "${'x'.repeat(1_100_000)}"\n` };
      else if (choice === 3) return { kind, text: `${text(doc)}many: {${Array.from({ length: 20_001 }, (_, i) => `${i}: 0`).join(',')}}\n` };
      else setIn(doc, pick(rng, ['demand.mu', 'providers.2.quality', 'periods']), pick(rng, [1e309, -1e309, Number.MAX_VALUE]) as Json);
      return { kind, text: text(doc).replace(/\bInfinity\b/, '.inf') };
    }
    case 'hostile name': {
      const name = pick(rng, hostileNames);
      const where = rng.int(4);
      // Refused: longer than 100 characters, or nothing printable left.
      if (where === 0) setIn(doc, 'providers.0.name', name.length > 100 ? name : '\u001b\u0007\u0000');
      // Refused: the same name as another provider once control characters are stripped.
      else if (where === 1) setIn(doc, 'providers.1.name', `incumbent\u001b${name.length > 100 ? '' : name.replace(/[^\u0000-\u001f\u007f-\u009f]/g, '')}`);
      // Refused: a reference to a provider that does not exist, with escape sequences in it.
      else if (where === 2) setIn(doc, 'references.0.provider', `${name.slice(0, 50)}\u001b[31mghost`);
      else {
        // Accepted once stripped: the output must not carry the raw sequence.
        setIn(doc, 'providers.0.name', `${name.slice(0, 50)}incumbent`);
        setIn(doc, 'references.0.provider', 'startup');
        setIn(doc, 'name', `${name.slice(0, 40)}fuzz`);
        setIn(doc, 'providers.0.name', `inc\u001b[2Jumbent${name.slice(0, 20)}`);
        return { kind: 'hostile name (stripped)', text: text(doc), accepted: true };
      }
      return { kind, text: text(doc) };
    }
    case 'syntax': {
      const t = text(doc);
      return {
        kind,
        text: pick(rng, [
          t.slice(0, Math.floor(t.length / 2)) + '\n  - [unclosed',
          `${t}demand: { type: logit\n`,
          t.replace('providers:', 'providers:\n\t- bad tab'),
          `${t}: no key\n`,
          '{'.repeat(2000),
        ]),
      };
    }
    case 'duplicate key':
      return { kind, text: `${text(doc)}${pick(rng, ['periods: 8', 'name: twice', 'seed: 3'])}\n` };
    case 'not a mapping':
      return { kind, text: pick(rng, ['- a\n- b\n', '42\n', '"just text"\n', 'null\n', '', '# only a comment\n']) };
    default: {
      // bench section errors only `run` would have reached before: all refused at parse time.
      setIn(doc, 'bench', [
        pick(rng, [
          { id: 'b', model: 'rnn', steps: 2, device: 'aws-c6a.large' },
          { id: 'b', model: 'mlp', steps: 0, device: 'aws-c6a.large' },
          { id: 'b', model: 'mlp', steps: 2, device: 'tpu-v9' },
          { id: 'b b', model: 'mlp', steps: 2, device: 'aws-c6a.large' },
          { id: 'b', model: 'mlp', device: 'aws-c6a.large' },
          { id: 'b', model: 'mlp', steps: 2, batch: 1e9, device: 'aws-c6a.large' },
          { id: 'b', model: 'mlp', steps: 2, device: 'aws-c6a.large', modelOptions: { width: 1e9 } },
          { id: 'b', model: 'transformer', steps: 2, device: 'aws-c6a.large', modelOptions: { layers: 100000, colour: 1 } },
        ] as Json[]),
      ]);
      return { kind, text: text(doc) };
    }
  }
}

const CASES = 320;
/** Every RUN_EVERY-th case also goes through `costsim run`. */
const RUN_EVERY = 6;

describe('fuzz: malformed scenarios through simulate, equilibrium and run', () => {
  it("the unmutated base scenario is valid (so every refusal below is the mutation's)", () => {
    expect(parseScenario(stringify(base()), 'base.yaml').market?.providers).toHaveLength(3);
  });

  it(`handles ${CASES} generated malformed scenarios: exit 2, file named, no stack trace, nothing written`, { timeout: 60_000 }, async () => {
    const rng = createRng(20261201).fork('fuzz');
    const dir = mkdtempSync(join(tmpdir(), 'costsim-fuzz-'));
    const tried: Record<string, number> = {};
    const handled: Record<string, number> = {};
    const failures: string[] = [];
    let invocations = 0;
    try {
      for (let i = 0; i < CASES; i++) {
        const c = generate(rng.fork(i));
        const file = `case-${String(i).padStart(3, '0')}.yaml`;
        const caseDir = mkdtempSync(join(dir, `case-${i}-`));
        writeFileSync(join(caseDir, file), c.text);
        const commands = [['simulate', file, '--workers', '1'], ['equilibrium', file], ...(i % RUN_EVERY === 0 && !c.accepted ? [['run', file]] : [])];
        for (const args of commands) {
          const key = `${args[0]} / ${c.kind}`;
          tried[key] = (tried[key] ?? 0) + 1;
          invocations += 1;
          const stdout: string[] = [];
          const stderr: string[] = [];
          const ctx: CliContext = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: caseDir };
          const code = await main(args, ctx);
          const err = stderr.join('\n');
          const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
          const problems = c.accepted
            ? [code !== 0 ? `exit ${code}: ${err.slice(0, 200)}` : '', raw.test(err) || raw.test(stdout.join('\n')) ? 'control character echoed' : '']
            : [
                code !== 2 ? `exit ${code}` : '',
                !err.includes(file) ? 'file not named' : '',
                /\n\s+at |unexpected/i.test(err) ? 'stack trace' : '',
                raw.test(err) ? 'control character echoed' : '',
                stdout.length > 0 ? 'stdout not empty' : '',
              ];
          if (readdirSync(caseDir).join(',') !== file) problems.push(`wrote ${readdirSync(caseDir).join(',')}`);
          problems.splice(0, problems.length, ...problems.filter(Boolean));
          if (problems.length === 0) handled[key] = (handled[key] ?? 0) + 1;
          else failures.push(`${file} (${key}): ${problems.join(', ')}: ${err.slice(0, 200)}`);
        }
        rmSync(caseDir, { recursive: true, force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const total = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);
    // The counts for the issue's closing note.
    console.log(
      `fuzz: ${CASES} scenarios, ${invocations} invocations: tried ${total(tried)}, handled ${total(handled)}\n${Object.keys(tried)
        .sort()
        .map((k) => `  ${k}: ${handled[k] ?? 0}/${tried[k]}`)
        .join('\n')}`,
    );
    expect(failures).toEqual([]);
    expect(total(handled)).toBe(total(tried));
    expect(Object.keys(tried).length).toBeGreaterThanOrEqual(30); // every kind reached through at least simulate and equilibrium
  });
});
