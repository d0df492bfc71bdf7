// `costsim init`: each template is written, refuses to overwrite, points at the schema, and the
// default one runs as written in a fresh directory.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { parseScenario } from '../../../src/scenario/parse.ts';
import { TEMPLATE_NAMES } from '../../../src/scenario/templates.ts';

const ROOT = join(import.meta.dirname, '../../..');

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

describe('costsim init', () => {
  it.each(TEMPLATE_NAMES)('writes the %s template under the given name, with a schema reference that resolves', async (template) => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-init-'));
    const ctx = capture(dir);
    expect(await main(['init', 'my-study', '--template', template], ctx), ctx.stderr.join('\n')).toBe(0);
    const file = join(dir, 'my-study.yaml');
    const text = readFileSync(file, 'utf8');
    const scenario = parseScenario(text, 'my-study.yaml');
    expect(scenario.name).toBe('my-study');
    const ref = /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)?.[1] ?? '';
    expect(resolve(dirname(file), ref)).toBe(join(ROOT, 'scenario.schema.json'));
    expect(ctx.stdout.join('\n')).toContain(`costsim run my-study.yaml`);
  });

  it('the calibration template also calibrates as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-init-'));
    expect(await main(['init', 'cal', '--template', 'calibration'], capture(dir))).toBe(0);
    const ctx = capture(dir);
    expect(await main(['calibrate', 'cal.yaml', '--json'], ctx), ctx.stderr.join('\n')).toBe(0);
    const fit = JSON.parse(ctx.stdout[0] as string) as { providers: Array<{ name: string }> };
    expect(fit.providers.map((p) => p.name)).toEqual(['DeepSeek', 'Zhipu']);
  });

  it('refuses to overwrite an existing file (exit 2), leaving it as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-init-'));
    writeFileSync(join(dir, 'demo.yaml'), 'mine\n');
    const ctx = capture(dir);
    expect(await main(['init', 'demo'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/demo\.yaml already exists/);
    expect(readFileSync(join(dir, 'demo.yaml'), 'utf8')).toBe('mine\n');
  });

  it('refuses an unknown template, naming the ones there are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-init-'));
    const ctx = capture(dir);
    expect(await main(['init', 'x', '--template', 'nope'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/--template: unknown template "nope" \(allowed: llm-price-war, pruning, placement, calibration\)/);
    expect(existsSync(join(dir, 'x.yaml'))).toBe(false);
  });

  it('`costsim init demo && costsim run demo.yaml` works in a fresh directory (a --set keeps it short)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-init-run-'));
    const ctx = capture(dir);
    expect(await main(['init', 'demo'], ctx)).toBe(0);
    const run = capture(dir);
    expect(await main(['run', 'demo.yaml', '--workers', '1', '--set', 'monteCarlo.runs=2', '--set', 'periods=8', '--json'], run), run.stderr.join('\n')).toBe(
      0,
    );
    // stdout holds the one JSON object; progress went to stderr, a line per phase (no terminal here).
    expect(run.stdout).toHaveLength(1);
    const out = JSON.parse(run.stdout[0] as string) as { dir: string; charts: Array<{ id: string }> };
    expect(run.stderr.filter((l) => /^costsim: \[\d\/2\] /.test(l)).map((l) => l.split(':')[1])).toEqual([' [1/2] market', ' [2/2] report']);
    expect(run.stderr.at(-1)).toMatch(/^costsim: done in \d+ (s|min)$/);
    expect(out.dir).toBe(join(dir, 'reports', 'demo'));
    expect(existsSync(join(dir, 'reports', 'demo', 'index.html'))).toBe(true);
    const results = JSON.parse(readFileSync(join(dir, 'reports', 'demo', 'results.json'), 'utf8')) as { scenario?: { name?: string } };
    expect(JSON.stringify(results)).toContain('"Startup"');
  }, 120_000);
});
