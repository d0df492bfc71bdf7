/** `costsim simulate --sweep` on the command line: bad axes exit 2 naming --sweep, before any work; a tiny grid writes its report. */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

const scenario = fileURLToPath(new URL('../../../scenarios/startup-vs-incumbent.yaml', import.meta.url));

function context(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: mkdtempSync(join(tmpdir(), 'sweep-cli-')) };
}

describe('costsim simulate --sweep', () => {
  it.each([['demand.mu=0.1,abc'], ['demand.mu'], ['providers[9].cash=1'], ['name=1'], ['demand.mu=-2']])('%s exits 2 naming --sweep', async (spec) => {
    const ctx = context();
    expect(await main(['simulate', scenario, '--sweep', spec, '--runs', '1', '--quiet'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toContain('--sweep');
    expect(ctx.stdout).toEqual([]);
    expect(existsSync(join(ctx.cwd, 'reports'))).toBe(false);
  });

  it('prints tidy rows as JSON and writes the tornado chart and its CSV', async () => {
    const ctx = context();
    expect(
      await main(['simulate', scenario, '--sweep', 'demand.mu=0.2,0.4', '--runs', '2', '--periods', '6', '--workers', '1', '--json', '--quiet'], ctx),
    ).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string) as { axes: unknown; rows: Array<Record<string, unknown>>; dir: string };
    expect(out.axes).toEqual([{ name: 'demand.mu', values: [0.2, 0.4] }]);
    expect(out.rows).toHaveLength(2 * 3);
    expect(Object.keys(out.rows[0] ?? {})).toEqual([
      'point',
      'demand.mu',
      'provider',
      'runs',
      'survivalProbability',
      'meanFinalPriceUsd',
      'meanProfitUsdPerPeriod',
    ]);
    const csv = readFileSync(join(out.dir, 'market-sensitivity.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(1 + 6);
    expect(existsSync(join(out.dir, 'market-sensitivity.svg'))).toBe(true);
  });
});
