// The package others install: `npm pack` ships no tests or benchmark scripts, the README's
// library example runs with plain node against dist/, and the bin runs the built code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function newestMs(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestMs(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)),
  );
}

/** Build dist/ unless it is there and newer than every source (the bin's own rule). */
function ensureBuilt(): void {
  const main = join(ROOT, 'dist/cli/main.js');
  if (existsSync(main) && newestMs(join(ROOT, 'src')) <= statSync(main).mtimeMs) return;
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'pipe' });
}

describe('npm pack', () => {
  it('lists the built code, bin, templates, schema and scenarios, and no test, benchmark or source files', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'silent' },
    });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]?.files.map((f) => f.path) ?? [];
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/costsim.js',
        'scenario.schema.json',
        'templates/llm-price-war.yaml',
        'scenarios/default.yaml',
        'native/build.mjs',
      ]),
    );
    const unwanted = files.filter((f) => /^(test|perf|scripts|src|reports|docs|\.costsim)\//.test(f) || /\.test\.[jt]s$|vitest|eslint|tsconfig/.test(f));
    expect(unwanted).toEqual([]);
  });
});

describe('the built package', () => {
  beforeAll(ensureBuilt, 300_000);

  it('runs the README library example with plain node, and its Nash prices are the logit fixed point', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## Using costsim as a library\s*$/m)[1] ?? '';
    const example = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'costsim-lib-'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'costsim'), 'dir');
    writeFileSync(join(dir, 'example.mjs'), example as string);
    const out = execFileSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' });
    // Symmetric logit Bertrand–Nash with an outside option (quality 0): p = c + mu / (1 − s),
    // s = e^((q−p)/mu) / (1 + 2 e^((q−p)/mu)); solved here by plain fixed-point iteration.
    const q = 2,
      c = 1,
      mu = 0.25;
    let p = c + mu;
    for (let i = 0; i < 500; i++) {
      const e = Math.exp((q - p) / mu);
      p = c + mu / (1 - e / (1 + 2 * e));
    }
    const e = Math.exp((q - p) / mu);
    for (const name of ['A', 'B']) {
      const m = new RegExp(`^${name} Nash price ([\\d.]+) USD per unit, share ([\\d.]+)$`, 'm').exec(out);
      expect(m, out).not.toBeNull();
      expect(Number(m?.[1])).toBeCloseTo(p, 3);
      expect(Number(m?.[2])).toBeCloseTo(e / (1 + 2 * e), 3);
      expect(out).toMatch(new RegExp(`^${name} survival (0|1|0\\.\\d+), mean profit -?[\\d.]+ USD per period$`, 'm'));
    }
  }, 60_000);

  it('has declarations beside the JavaScript, and the bin prints the version from the built code', () => {
    expect(existsSync(join(ROOT, 'dist/index.d.ts'))).toBe(true);
    expect(readFileSync(join(ROOT, 'dist/index.js'), 'utf8')).not.toMatch(/from '\.[^']*\.ts'/);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    // dist/ is current (beforeAll), so bin/costsim.js loads dist/cli/main.js.
    const out = execFileSync(process.execPath, [join(ROOT, 'bin/costsim.js'), '--version'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(out.trim()).toBe(version);
  }, 60_000);
});
