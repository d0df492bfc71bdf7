// Code and data cite primary sources (paper, datasheet, config.json, price page, with a date),
// never a notes file users do not have: no file under src/, scenarios/ or perf/ names one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe('citations', () => {
  it('no source, scenario or perf script cites the team notes file instead of a primary source', () => {
    const notes = new RegExp(['REFERENCE', '(\\.md|\\s*"|:)'].join(''));
    const offenders = ['src', 'scenarios', 'perf']
      .flatMap((d) => files(join(ROOT, d)))
      .filter((f) => /\.(ts|js|mjs|yaml|yml|json|py)$/.test(f))
      .filter((f) => notes.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});
