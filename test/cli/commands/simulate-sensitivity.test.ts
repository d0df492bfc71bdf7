/**
 * `costsim simulate --sensitivity` on the command line: a tiny market whose one uncertain input
 * (A's fixed cost, uniform on [0, 1000]: p10 100, p90 900) puts A's profit on both sides of zero
 * (variable profit ≈ 0.2 × 1000 × its logit share ≈ 114 USD/period), so the warning is printed on
 * stderr and in the report summary; the report has the tornado chart and its CSV of tidy rows.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

const yaml = `name: tiny-sensitivity
question: Does A make money?
seed: 3
periods: 3
unit: 1M tokens
monteCarlo: { runs: 2 }
demand: { type: logit, mu: 1, outsideQuality: 0, marketSize: 1000, priceElasticity: 0, referencePrice: 1 }
providers:
  - { name: A, quality: 10, marginalCost: 1, cash: 1000000000, fixedCostPerPeriod: { dist: uniform, min: 0, max: 1000 }, initialPrice: 1.2, strategy: { type: costPlus, markup: 0.2 } }
  - { name: B, quality: 10, marginalCost: 1, cash: 1000000000, initialPrice: 1.5, strategy: { type: costPlus, markup: 0.5 } }
`;

function context(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env: {},
    isTTY: false,
    cwd: mkdtempSync(join(tmpdir(), 'sensitivity-cli-')),
  };
}

describe('costsim simulate --sensitivity', () => {
  it('prints the rows as JSON, warns on stderr and writes the tornado chart, its CSV and the warning in the summary', async () => {
    const ctx = context();
    writeFileSync(join(ctx.cwd, 'tiny.yaml'), yaml);
    expect(await main(['simulate', 'tiny.yaml', '--sensitivity', '--workers', '1', '--json', '--quiet'], ctx)).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string) as {
      inputs: Array<{ name: string; low: number; high: number }>;
      rows: Array<Record<string, unknown>>;
      warnings: Array<{ kind: string }>;
      dir: string;
    };
    expect(out.inputs.map((i) => [i.name, i.low, i.high])).toEqual([['providers[0].fixedCostPerPeriod', 100, 900]]);
    expect(out.rows).toHaveLength(3 * 2);
    expect(out.warnings.map((w) => w.kind)).toEqual(['profit sign']);
    expect(ctx.stderr.join('\n')).toMatch(
      /costsim: warning: A's mean profit per period changes sign as providers\[0\]\.fixedCostPerPeriod from 100 \(p10\) to 900 \(p90\)/,
    );
    const csv = readFileSync(join(out.dir, 'market-input-sensitivity.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 6);
    expect(csv[0]).toBe('input,level,value,provider,runs,survivalProbability,meanFinalPriceUsd,meanProfitUsdPerPeriod');
    expect(existsSync(join(out.dir, 'market-input-sensitivity.svg'))).toBe(true);
    expect(readFileSync(join(out.dir, 'index.html'), 'utf8')).toContain('Warning: A&#39;s mean profit per period changes sign');
  });

  it('costsim run --sensitivity adds the tornado chart and the warning to the main report', async () => {
    const ctx = context();
    writeFileSync(join(ctx.cwd, 'tiny.yaml'), yaml);
    expect(await main(['run', 'tiny.yaml', '--sensitivity', '--workers', '1', '--json', '--quiet'], ctx)).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string) as { dir: string; charts: Array<{ id: string }> };
    expect(out.charts.map((c) => c.id)).toContain('market-input-sensitivity');
    expect(ctx.stderr.join('\n')).toContain("costsim: warning: A's mean profit per period changes sign");
    expect(readFileSync(join(out.dir, 'market-input-sensitivity.csv'), 'utf8').trim().split('\n')).toHaveLength(1 + 6);
    expect(readFileSync(join(out.dir, 'index.html'), 'utf8')).toContain('Warning: A&#39;s mean profit per period changes sign');
  });

  it('refuses --sensitivity with --sweep (exit 2)', async () => {
    const ctx = context();
    writeFileSync(join(ctx.cwd, 'tiny.yaml'), yaml);
    expect(await main(['simulate', 'tiny.yaml', '--sensitivity', '--sweep', 'demand.mu=1,2', '--quiet'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toContain('--sensitivity');
  });
});
