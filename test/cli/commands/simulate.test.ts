import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function capture(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

describe('costsim simulate / equilibrium', () => {
  it('--json output is byte-identical with 1 and 2 worker processes, and with quick runs kept in this process', async () => {
    const outputs: string[] = [];
    // 1 worker; 2 worker processes even for 4 quick runs; 2 allowed but the quick runs stay in this process.
    for (const [workers, start] of [
      ['1', undefined],
      ['2', '0'],
      ['2', '1000'],
    ] as const) {
      const ctx = capture();
      if (start !== undefined) ctx.env = { ...ctx.env, COSTSIM_WORKER_START_SECONDS: start };
      expect(await main(['simulate', 'scenarios/startup-vs-incumbent.yaml', '--runs', '4', '--periods', '12', '--workers', workers, '--json'], ctx)).toBe(0);
      expect(ctx.stdout).toHaveLength(1);
      outputs.push(ctx.stdout[0] as string);
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
    const result = JSON.parse(outputs[0] as string);
    expect(result.scenario).toMatchObject({ name: 'startup-vs-incumbent', runs: 4, periods: 12 });
    expect(result.rows.length).toBeGreaterThan(0);
    expect(Object.keys(result.rows[0]).sort()).toEqual(
      [
        'alive',
        'cashUsd',
        'cachedInputPriceUsd',
        'inputPriceUsd',
        'outputPriceUsd',
        'fixedCostUsd',
        'marginalCostUsd',
        'period',
        'priceUsd',
        'profitUsd',
        'provider',
        'quantityUnits',
        'revenueUsd',
        'run',
        'unitShare',
        'variableCostUsd',
      ].sort(),
    );
  });

  it("equilibrium --json prints { nash, collusive } with Calvano's prices", async () => {
    const ctx = capture();
    expect(await main(['equilibrium', 'scenarios/calvano-baseline.yaml', '--json'], ctx)).toBe(0);
    const r = JSON.parse(ctx.stdout[0] as string);
    expect(r.nash[0]).toMatchObject({ provider: 'agent-1' });
    expect(r.nash[0].price).toBeCloseTo(1.472927, 6);
    expect(r.collusive[1].price).toBeCloseTo(1.924981, 6);
  });

  it('equilibrium prints the reason where Nash is refused, and no empty Nash table under it', async () => {
    // Capacity 30 of a 100-consumer market makes best responses cycle (Bertrand–Edgeworth): test/market/issue15-bugs.test.ts bug 4.
    const dir = mkdtempSync(join(tmpdir(), 'costsim-eq-'));
    const file = join(dir, 'edgeworth.yaml');
    writeFileSync(
      file,
      'demand: { type: logit, mu: 0.5, outsideQuality: 0, marketSize: 100, priceElasticity: 0.8, referencePrice: 1.5 }\nproviders:\n' +
        '  - { name: a, quality: 2, marginalCost: 1, capacity: 30, strategy: { type: bestResponse } }\n' +
        '  - { name: b, quality: 2.2, marginalCost: 1.1, strategy: { type: bestResponse } }\n',
    );
    const ctx = capture();
    expect(await main(['equilibrium', file], ctx)).toBe(0);
    const lines = (ctx.stdout[0] as string).split('\n');
    expect(lines[1]).toMatch(/^Bertrand–Nash refused: best responses do not settle/);
    expect(lines).not.toContain('Bertrand–Nash:');
    expect(lines[2]).toBe('joint profit (collusive):');
  });

  it('a bad scenario exits 2 with file, path and line, prints nothing on stdout and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-sim-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'demand: { type: logit, mu: 0.25 }\nproviders:\n  - name: a\n    quality: 2\n    marginalCost: -1\n    strategy: { type: costPlus }\n');
    const ctx = capture();
    expect(await main(['simulate', file, '--json'], ctx)).toBe(2);
    expect(ctx.stdout).toEqual([]);
    expect(ctx.stderr.join('\n')).toMatch(/bad\.yaml providers\[0\]\.marginalCost \(line 5\): the value must be >= 0 \(got -1\)/);
    expect(readdirSync(dir)).toEqual(['bad.yaml']);
  });

  it('a missing file and a bad flag exit 2 naming them', async () => {
    let ctx = capture();
    expect(await main(['simulate', 'scenarios/nope.yaml'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/scenarios\/nope\.yaml: cannot read the scenario \(ENOENT\)/);
    ctx = capture();
    expect(await main(['simulate', 'scenarios/calvano-baseline.yaml', '--runs', '0'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/--runs: must be an integer >= 1 \(got "0"\)/);
  });
});

describe('costs from a placement plan', () => {
  it("prices a provider at the best inference plan's USD per 1M tokens × tokensPerUnit / 1e6", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-plan-'));
    const file = join(dir, 'planned.yaml');
    const shape = 'transformer:layers=2,hidden=256,heads=4,seq=128,vocab=1000,mode=infer,dtype=fp32';
    writeFileSync(
      file,
      `placement:
  - { id: small, model: "${shape}", devices: [aws-c6a.large] }
demand: { type: logit, mu: 0.1 }
providers:
  - { name: planned, quality: 1, cost: { placement: small, tokensPerUnit: 1000 }, strategy: { type: costPlus } }
  - { name: given, quality: 1, marginalCost: 0.001, strategy: { type: costPlus } }
`,
    );
    const ctx = capture();
    expect(await main(['equilibrium', file, '--json'], ctx)).toBe(0);
    const report = JSON.parse(ctx.stdout[0] as string);
    const { planPlacements } = await import('../../../src/placement/planner.ts');
    const { transformerGraph, parseTransformerShape } = await import('../../../src/placement/transformer.ts');
    const { toPlannerDevice } = await import('../../../src/placement/roofline.ts');
    const { findDevice } = await import('../../../src/devices/catalog.ts');
    const graph = transformerGraph(parseTransformerShape(shape));
    const best = planPlacements(graph, [toPlannerDevice(findDevice('aws-c6a.large')!, graph.dtype)], 'time').plans[0]!;
    expect(report.costs[0].marginalCostUsd).toBeCloseTo((best.usdPerMTokens * 1000) / 1e6, 15);
    expect(report.costs[0].costProvenance.source).toMatch(/placement "small"/);
  });

  it('rejects a provider priced from a training plan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-plan-'));
    const file = join(dir, 'train.yaml');
    writeFileSync(
      file,
      `placement:
  - { id: t, model: "transformer:layers=2,hidden=256,heads=4,seq=128,vocab=1000", devices: [aws-c6a.large] }
demand: { type: logit, mu: 0.1 }
providers:
  - { name: planned, quality: 1, cost: { placement: t }, strategy: { type: costPlus } }
`,
    );
    const ctx = capture();
    expect(await main(['equilibrium', file], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/providers\[0\]\.cost\.placement \(line 5\): placement "t" must be an inference plan/);
  });
});
