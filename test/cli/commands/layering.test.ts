// Commands only parse flags, call the pipeline or a layer, and print: no command imports another.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../../src/cli/commands');

describe('src/cli/commands', () => {
  it('no command module imports another command module (index.ts only registers them)', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts')) {
      const text = readFileSync(join(DIR, file), 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*'(\.\/[^']+)'/g)) offenders.push(`${file} → ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });
});
