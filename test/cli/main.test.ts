// The entry point's own behaviour: --version, bare `costsim`, and one line for a typo.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';

function capture(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

const VERSION = (JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

describe('costsim (entry point)', () => {
  it("--version prints package.json's version", async () => {
    const ctx = capture();
    expect(await main(['--version'], ctx)).toBe(0);
    expect(ctx.stdout).toEqual([VERSION]);
  });

  it('bare costsim prints a short usage, one line per command, and exits 0', async () => {
    const ctx = capture();
    expect(await main([], ctx)).toBe(0);
    const lines = ctx.stdout.join('\n').split('\n');
    expect(lines[1]).toBe('usage: costsim <command> [options]');
    for (const command of ['init', 'run', 'simulate', 'compare', 'report', 'doctor'])
      expect(
        lines.some((l) => new RegExp(`^  ${command}\\s{2,}\\S`).test(l)),
        command,
      ).toBe(true);
    expect(lines.length).toBeLessThan(25);
    expect(lines.every((l) => l.length <= 100)).toBe(true);
  });

  it('a mistyped command or flag gets one error line and a suggestion, not the help (exit 2)', async () => {
    for (const [args, suggestion] of [
      [['rnu'], '(Did you mean run?)'],
      [['simulate', 'x.yaml', '--josn'], '(Did you mean --json?)'],
    ] as const) {
      const ctx = capture();
      expect(await main([...args], ctx)).toBe(2);
      const err = ctx.stderr.join('\n').split('\n');
      expect(err.length, err.join('\n')).toBeLessThanOrEqual(2);
      expect(err.at(-1)).toBe(suggestion);
    }
  });
});
