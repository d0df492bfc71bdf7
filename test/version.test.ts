import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { codeVersion, COSTSIM_VERSION, PROJECT_ROOT } from '../src/version.ts';
import { costsimVersion } from '../src/sweep/queue/version.ts';

describe('versions', () => {
  it('the code version hashes src/, native/ (not native/build) and the lock file beside the package version', () => {
    const root = mkdtempSync(join(tmpdir(), 'costsim-code-'));
    for (const dir of ['src', 'native/build']) mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'package.json'), '{"version":"9.8.7"}');
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;');
    const before = codeVersion(root);
    expect(before).toMatch(/^9\.8\.7\+[0-9a-f]{12}$/);
    writeFileSync(join(root, 'native', 'build', 'addon.node'), 'binary');
    expect(codeVersion(root)).toBe(before);
    writeFileSync(join(root, 'native', 'kernel.c'), 'int f(void) { return 1; }');
    const withNative = codeVersion(root);
    expect(withNative).not.toBe(before);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    const withLock = codeVersion(root);
    expect(withLock).not.toBe(withNative);
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;');
    expect(codeVersion(root)).not.toBe(withLock);
  });

  it('the bench cache and the queue stamp jobs with one code version', () => {
    expect(costsimVersion()).toBe(codeVersion(PROJECT_ROOT));
    expect(codeVersion()).toMatch(new RegExp(`^${COSTSIM_VERSION.replace(/\./g, '\\.')}\\+[0-9a-f]{12}$`));
  });
});
