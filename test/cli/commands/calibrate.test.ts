import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { nestedLogitShares } from '../../../src/market/demand.ts';
import { logitNash } from '../../../src/market/equilibrium.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';

function capture(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

// Known market: qualities 2, 2.3, 1.8, μ = 0.3, a0 = 0; costs change between the two observed periods.
const quality = [2, 2.3, 1.8];
const costs = [
  [1, 1.2, 0.7],
  [0.5, 1.2, 0.9],
];
const names = ['A', 'B', 'C'];

function scenarioText(extra = ''): string {
  const obs = costs.flatMap((c, t) =>
    logitNash({ quality, marginalCostUsd: c, mu: 0.3, outsideQuality: 0 }).map(
      (e, j) => `  - { period: ${t}, provider: ${names[j]}, priceUsd: ${e.price}, share: ${e.consumerShare}, source: "Nash prices of a known market (test)" }`,
    ),
  );
  return [
    '# a test market',
    'demand: { type: logit, mu: 1.0, outsideQuality: 0 }',
    'providers:',
    ...names.map((n) => `  - { name: ${n}, quality: 1, marginalCost: 0.1, strategy: { type: costPlus } }`),
    'observations:',
    ...obs,
    extra,
  ].join('\n');
}

function write(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'costsim-cal-'));
  const file = join(dir, 's.yaml');
  writeFileSync(file, text);
  return file;
}

describe('costsim calibrate', () => {
  it('--json prints { mu, outsideQuality, providers: [{ name, quality, impliedMarginalCostUsd }] } recovering the known market', async () => {
    const ctx = capture();
    expect(await main(['calibrate', write(scenarioText()), '--json'], ctx)).toBe(0);
    const r = JSON.parse(ctx.stdout[0] as string);
    expect(r.muSource).toBe('fitted');
    expect(Math.abs(r.mu - 0.3)).toBeLessThan(1e-6);
    expect(r.outsideQuality).toBe(0);
    r.providers.forEach((p: { name: string; quality: number; impliedMarginalCostUsd: number }, j: number) => {
      expect(p.name).toBe(names[j]);
      expect(Math.abs(p.quality - quality[j]!)).toBeLessThan(1e-6);
      expect(p.impliedMarginalCostUsd).toBeCloseTo(costs[1]![j]!, 6);
    });
  });

  it('--write writes a scenario that parses, with the fitted values marked calibrated and the comments kept', async () => {
    const file = write(scenarioText());
    const out = join(file, '..', 'calibrated.yaml');
    const ctx = capture();
    expect(await main(['calibrate', file, '--write', out], ctx)).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/# a test market/);
    expect(text).toMatch(/# calibrated/);
    const s = parseScenario(text, 'calibrated.yaml');
    expect(s.calibrated?.provenance).toBe('calibrated');
    expect(s.calibrated?.values.map((v) => v.path)).toEqual([
      'demand.mu',
      'providers[0].quality',
      'providers[0].marginalCost',
      'providers[1].quality',
      'providers[1].marginalCost',
      'providers[2].quality',
      'providers[2].marginalCost',
    ]);
    const d = s.market!.demand;
    expect(d.type === 'logit' && Math.abs((d.mu as number) - 0.3)).toBeLessThan(1e-9);
    expect(s.market!.providers[1]!.quality as number).toBeCloseTo(2.3, 9);
  });

  it('--set overrides a field before calibrating, and --write keeps the override', async () => {
    // Logit shares depend only on quality − outside quality: raising the outside quality by 0.5
    // (the normalisation) shifts every recovered quality by +0.5 and leaves μ and costs alone.
    const file = write(scenarioText());
    const out = join(file, '..', 'calibrated.yaml');
    const ctx = capture();
    expect(await main(['calibrate', file, '--set', 'demand.outsideQuality=0.5', '--json', '--write', out], ctx)).toBe(0);
    const r = JSON.parse(ctx.stdout[0] as string);
    expect(r.outsideQuality).toBe(0.5);
    expect(Math.abs(r.mu - 0.3)).toBeLessThan(1e-6);
    r.providers.forEach((p: { quality: number; impliedMarginalCostUsd: number }, j: number) => {
      expect(Math.abs(p.quality - (quality[j]! + 0.5))).toBeLessThan(1e-6);
      expect(p.impliedMarginalCostUsd).toBeCloseTo(costs[1]![j]!, 6);
    });
    const s = parseScenario(readFileSync(out, 'utf8'), 'calibrated.yaml');
    const d = s.market!.demand;
    expect(d.type === 'logit' && d.outsideQuality).toBe(0.5);
    expect(s.market!.providers[1]!.quality as number).toBeCloseTo(2.8, 9);
    const bad = capture();
    expect(await main(['calibrate', file, '--set', 'demand.mu'], bad)).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/--set.*expected path=value/);
  });

  for (const [what, extra, edit, message] of [
    [
      'an unknown provider',
      '',
      (t: string) => t.replace('provider: C', 'provider: Z'),
      /observations\[2\]\.provider \(line 10\): unknown provider "Z" \(allowed: A, B, C\)/,
    ],
    [
      'shares summing to 1 or more',
      '',
      (t: string) => t.replace(/(period: 0, provider: A, priceUsd: [^,]+, share: )[^,]+/, '$10.95'),
      /observations\[0\]\.share \(line 8\): the shares observed in period 0 sum to .* must sum to less than 1/,
    ],
    [
      'a nest member missing in a period',
      '',
      (t: string) =>
        t
          .replace('outsideQuality: 0 }', 'outsideQuality: 0, nestedLogit: { sigma: 0.5, nests: { closed: [A, B] } } }')
          .replace(/ {2}- \{ period: 1, provider: B[^\n]*\n/, ''),
      /nested logit: "B" \(nest "closed"\) has no observation in period 1/,
    ],
  ] as const)
    it(`refuses ${what} with file, path and line (exit 2)`, async () => {
      const ctx = capture();
      expect(await main(['calibrate', write(edit(scenarioText(extra))), '--json'], ctx)).toBe(2);
      expect(ctx.stdout).toEqual([]);
      expect(ctx.stderr.join('\n')).toMatch(message);
    });

  // Known nested market: closed [A, B], open [C, D], σ = 0.4, μ = 0.3, a0 = 0.2, prices moving over three periods.
  const nestedQuality = [2, 1.6, 1.2, 1.4];
  function nestedScenario(sigmaTrue: number): string {
    const prices = [
      [1, 0.8, 0.5, 0.6],
      [0.9, 0.85, 0.3, 0.6],
      [0.7, 0.8, 0.45, 0.35],
    ];
    const obs = prices.flatMap((p, t) => {
      const s = new Float64Array(4);
      nestedLogitShares(Float64Array.from(nestedQuality), Float64Array.from(p), new Uint8Array(4).fill(1), 0.3, 0.2, [0, 0, 1, 1], sigmaTrue, s);
      return ['A', 'B', 'C', 'D'].map(
        (n, j) => `  - { period: ${t}, provider: ${n}, priceUsd: ${p[j]}, share: ${s[j]}, source: "nested-logit shares of a known market (test)" }`,
      );
    });
    return [
      'demand: { type: logit, mu: 1.0, outsideQuality: 0.2, nestedLogit: { sigma: 0.8, nests: { closed: [A, B], open: [C, D] } } }',
      'providers:',
      ...['A', 'B', 'C', 'D'].map((n) => `  - { name: ${n}, quality: 1, marginalCost: 0.1, strategy: { type: costPlus } }`),
      'observations:',
      ...obs,
    ].join('\n');
  }

  it('nested logit: --json fits σ beside μ and the qualities (round trip to 1e-6), and --write puts σ in', async () => {
    const file = write(nestedScenario(0.4));
    const out = join(file, '..', 'calibrated.yaml');
    const ctx = capture();
    expect(await main(['calibrate', file, '--json', '--write', out], ctx)).toBe(0);
    const r = JSON.parse(ctx.stdout[0] as string);
    expect(r.sigmaSource).toBe('fitted');
    expect(Math.abs(r.sigma - 0.4)).toBeLessThan(1e-6);
    expect(Math.abs(r.mu - 0.3)).toBeLessThan(1e-6);
    expect(r.provenance.source).toMatch(/σ fitted/);
    r.providers.forEach((p: { quality: number }, j: number) => expect(Math.abs(p.quality - nestedQuality[j]!)).toBeLessThan(1e-6));
    // These prices are not Nash prices: A's and D's implied costs are negative, so --write keeps their costs and says why.
    expect(r.warnings.filter((w: string) => /implied marginal cost is negative/.test(w)).map((w: string) => w.split("'")[0])).toEqual(['A', 'D']);
    const s = parseScenario(readFileSync(out, 'utf8'), 'calibrated.yaml');
    const d = s.market!.demand;
    expect(d.type === 'logit' && Math.abs(d.nestedLogit!.sigma - 0.4)).toBeLessThan(1e-9);
    expect(s.calibrated!.values.map((v) => v.path)).not.toContain('providers[0].marginalCost');
  });

  it('nested logit: one observed period keeps the scenario σ and says so', async () => {
    const text = nestedScenario(0.4).replace(/ {2}- \{ period: [12],[^\n]*(\n|$)/g, '');
    const ctx = capture();
    expect(await main(['calibrate', write(text)], ctx)).toBe(0);
    expect(ctx.stdout[0]).toMatch(/σ = 0\.800000 \(scenario\)/);
    expect(ctx.stdout[0]).toMatch(/σ taken from the scenario: the observations do not identify it/);
  });

  it('nested logit: shares that imply σ outside [0, 1) are refused (exit 2)', async () => {
    const ctx = capture();
    expect(await main(['calibrate', write(nestedScenario(-0.3)), '--json'], ctx)).toBe(2);
    expect(ctx.stdout).toEqual([]);
    expect(ctx.stderr.join('\n')).toMatch(/demand\.nestedLogit\.sigma.*outside \[0, 1\)/);
  });
  it("prints the mean errors in the scenario's unit: a token market's is 1M blended tokens, not 'unit'", async () => {
    // Hand-worked logit monopolist (μ = 1, a0 = 0) seen at 2 with half the consumers: a = 2, c = 2 − μ/(1 − s) = 0,
    // its Nash price 2 again at the reference date, whose real price 1.5 gives error 0.5.
    const text = `periods: 3
calendar: { start: 2024-01-01, periodDays: 1 }
tokenMix: { inputPerOutput: 1, cacheHitShare: 0 }
demand: { type: logit, mu: 1, marketSize: 100 }
providers:
  - { name: M, quality: 1, marginalCost: 0.5, strategy: { type: costPlus } }
observations:
  - { period: 0, provider: M, priceUsd: 2, share: 0.5, source: "hand-worked (test)" }
references:
  - { provider: M, date: 2024-01-02, price: 1.5, source: "hand-worked (test)" }
`;
    const ctx = capture();
    expect(await main(['calibrate', write(text)], ctx)).toBe(0);
    const lines = (ctx.stdout[0] as string).split('\n').filter((l) => /mean absolute error/.test(l));
    expect(lines.length).toBe(3);
    expect(lines[0]).toBe('  mean absolute error 0.5000 USD per 1M tokens (blended at the mix)');
    for (const l of lines) expect(l).toMatch(/USD per 1M tokens \(blended at the mix\)$/);
  });
});
