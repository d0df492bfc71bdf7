// `costsim run` plans each placement entry once: the market's plan costs are read off the same
// planning results as the report's placement charts (they were planned a second time before).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CliContext } from '../../src/cli/context.ts';

const calls = vi.hoisted(() => ({ graphs: [] as string[] }));
vi.mock('../../src/placement/planner.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/placement/planner.ts')>();
  return {
    ...original,
    planPlacements: (...args: Parameters<typeof original.planPlacements>) => {
      calls.graphs.push(args[0].name);
      return original.planPlacements(...args);
    },
  };
});
const { main } = await import('../../src/cli/main.ts');

const SCENARIO = `name: plan-once
seed: 3
periods: 3
unit: 1M tokens
monteCarlo: { runs: 2 }
placement:
  - { id: served, model: "transformer:layers=2,hidden=256,heads=4,seq=128,vocab=1000,batch=2,mode=infer", devices: [l4, a100-40gb], objective: cost }
  - { id: unused, model: "transformer:layers=4,hidden=512,heads=8,seq=256,vocab=1000,batch=2", devices: [gcp-n2d-standard-2, l4], objective: time }
demand: { type: logit, mu: 0.3, outsideQuality: 0, marketSize: 1000, priceElasticity: 0.3, referencePrice: 1.0 }
providers:
  - { name: Planned, quality: 2.0, cost: { placement: served, tokensPerUnit: 1000000 }, strategy: { type: costPlus, markup: 0.2 } }
  - { name: Fixed, quality: 1.8, marginalCost: 0.5, strategy: { type: costPlus, markup: 0.2 } }
`;

describe('costsim run plans once', () => {
  it('calls the planner once per placement entry, and the market prices from those plans', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-plan-once-'));
    writeFileSync(join(dir, 'plan-once.yaml'), SCENARIO);
    const stderr: string[] = [];
    const ctx: CliContext = { out: () => {}, err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: dir };
    calls.graphs.length = 0;
    expect(await main(['run', 'plan-once.yaml', '--out', 'report', '--workers', '1'], ctx), stderr.join('\n')).toBe(0);
    // Two entries, two planner calls (three before: the referenced entry was planned again for the market).
    expect(calls.graphs).toHaveLength(2);
    expect(new Set(calls.graphs).size).toBe(2);
    // Both entries are in the placement chart data, from those two calls.
    const time = readFileSync(join(dir, 'report', 'placement-time.csv'), 'utf8');
    expect(time).toContain('transformer(layers=2, hidden=256)');
    expect(time).toContain('transformer(layers=4, hidden=512)');
    // The planned provider was priced (its equilibrium row exists) without a third planner call.
    expect(readFileSync(join(dir, 'report', 'market-equilibrium.csv'), 'utf8')).toMatch(/^equilibrium,Planned,\d/m);
  }, 120_000);

  it('costsim simulate plans only the entries providers price from, once each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-plan-once-'));
    writeFileSync(join(dir, 'plan-once.yaml'), SCENARIO);
    const ctx: CliContext = { out: () => {}, err: () => {}, env: {}, isTTY: false, cwd: dir };
    calls.graphs.length = 0;
    const errs: string[] = [];
    ctx.err = (t) => errs.push(t);
    expect(await main(['simulate', 'plan-once.yaml', '--workers', '1', '--json'], ctx), errs.join('\n')).toBe(0);
    expect(calls.graphs).toHaveLength(1);
  });
});
