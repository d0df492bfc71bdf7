// `costsim compare`: two scenarios side by side. Scenario b moves every provider's cost and
// quality up by the same 0.5, which leaves logit shares unchanged, so each Bertrand–Nash price
// (p = c + mu / (1 − s)) must move by exactly 0.5 and each equilibrium share not at all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import type { Comparison } from '../../../src/report/index.ts';

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

const scenario = (name: string, shift: number) => `name: ${name}
seed: 1
periods: 4
unit: 1M tokens
monteCarlo: { runs: 2 }
demand: { type: logit, mu: 0.25, outsideQuality: 0 }
providers:
  - { name: A, quality: ${2 + shift}, marginalCost: ${1 + shift}, cash: 100, strategy: { type: bestResponse } }
  - { name: B, quality: ${1.8 + shift}, marginalCost: ${0.9 + shift}, cash: 100, strategy: { type: costPlus, markup: 0.3 } }
`;

describe('costsim compare', () => {
  it('runs two scenario files and reports b − a; a report directory is read without running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-compare-'));
    writeFileSync(join(dir, 'a.yaml'), scenario('base', 0));
    writeFileSync(join(dir, 'b.yaml'), scenario('shifted', 0.5));
    const ctx = capture(dir);
    expect(await main(['compare', 'a.yaml', 'b.yaml', '--workers', '1', '--json'], ctx), ctx.stderr.join('\n')).toBe(0);
    const c = JSON.parse(ctx.stdout[0] as string) as Comparison;
    expect([c.a.name, c.b.name]).toEqual(['base', 'shifted']);
    for (const provider of ['A', 'B']) {
      const nash = c.numbers.find((n) => n.provider === provider && n.metric === 'nashPriceUsd');
      expect(nash?.difference).toBeCloseTo(0.5, 6);
      expect(nash?.unit).toMatch(/1M tokens/);
    }
    expect(c.keyNumbers.length).toBeGreaterThan(0);

    // Report directories: read, not run (nothing on stderr), and the text table lists both sides.
    const again = capture(dir);
    expect(await main(['compare', 'reports/base', 'reports/shifted'], again)).toBe(0);
    expect(again.stderr).toEqual([]);
    const text = again.stdout.join('\n');
    expect(text).toMatch(/^a: base/m);
    expect(text).toMatch(/^A\s+nashPriceUsd\s+\S+\s+\S+\s+0\.5\s/m);
  }, 120_000);
});
