// `--set` on scenario commands: the override reaches worker processes (1 and 2 workers agree),
// and it changes the result as editing the file does.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

describe('--set', () => {
  it('simulate --set equals simulating the edited file, with 1 and with 2 workers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-set-'));
    const original = readFileSync('scenarios/startup-vs-incumbent.yaml', 'utf8');
    writeFileSync(join(dir, 'base.yaml'), original);
    writeFileSync(join(dir, 'edited.yaml'), original.replace(/^seed: .*$/m, 'seed: 99'));
    const run = async (file: string, workers: string, sets: string[]) => {
      const ctx = capture(dir);
      expect(
        await main(['simulate', file, '--runs', '2', '--periods', '6', '--workers', workers, '--no-rows', '--json', ...sets.flatMap((s) => ['--set', s])], ctx),
        ctx.stderr.join('\n'),
      ).toBe(0);
      return ctx.stdout[0] as string;
    };
    const edited = await run('edited.yaml', '1', []);
    expect(await run('base.yaml', '1', ['seed=99'])).toBe(edited);
    expect(await run('base.yaml', '2', ['seed=99'])).toBe(edited);
    expect(await run('base.yaml', '1', [])).not.toBe(edited);
  }, 60_000);

  it('simulate reports its phase on stderr without a terminal, and --quiet silences it', async () => {
    const args = ['simulate', 'scenarios/startup-vs-incumbent.yaml', '--runs', '2', '--periods', '4', '--workers', '1', '--no-rows', '--json'];
    const loud = capture(process.cwd());
    expect(await main(args, loud)).toBe(0);
    expect(loud.stderr[0]).toBe('costsim: [1/1] market: 2 Monte Carlo runs × 4 periods × 3 providers');
    const quiet = capture(process.cwd());
    expect(await main([...args, '--quiet'], quiet)).toBe(0);
    expect(quiet.stderr).toEqual([]);
    expect(quiet.stdout).toEqual(loud.stdout);
  });

  it('an unknown path exits 2 naming it', async () => {
    const ctx = capture(process.cwd());
    expect(await main(['equilibrium', 'scenarios/startup-vs-incumbent.yaml', '--set', 'providers[0].cahs=1'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/--set: .*providers\[0\]\.cahs/);
  });
});
