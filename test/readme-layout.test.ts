// README's layout section matches the tree: every path it lists exists, and every top-level
// folder and every entry of src/ is listed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function layoutPaths(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Layout\s*$/m)[1] ?? '';
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const paths: string[] = [];
  for (const line of block.split('\n')) {
    // A listed line starts with its path (or a comma-separated list of paths) at column 0.
    const lead = /^((?:[A-Za-z0-9_.-]+\/?)+(?:, (?:[A-Za-z0-9_.-]+\/?)+)*)/.exec(line)?.[1];
    if (lead) paths.push(...lead.split(', ').map((p) => p.replace(/\/$/, '')));
  }
  return paths;
}

describe('README layout', () => {
  const listed = layoutPaths();

  it('lists only paths that exist', () => {
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('lists every top-level folder and every entry of src/', () => {
    const top = readdirSync(ROOT, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !['node_modules', 'scratch', 'src', 'dist'].includes(d.name)) // src/ is checked entry by entry; the others are git-ignored (dist/: npm run build)
      .map((d) => d.name);
    const src = readdirSync(join(ROOT, 'src')).map((n) => `src/${n}`);
    expect([...top, ...src].filter((p) => !listed.includes(p))).toEqual([]);
  });
});
