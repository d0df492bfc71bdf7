/** When the addon is missing or broken, the loader says why (the build's own record first). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAddonFrom } from '../../../src/runtime/native/addon.ts';

describe('loadAddonFrom', () => {
  const dir = mkdtempSync(join(tmpdir(), 'costsim-addon-'));

  it('reports the reason native/build.mjs recorded when the build failed', () => {
    const status = join(dir, 'status.json');
    writeFileSync(status, JSON.stringify({ ok: false, reason: 'not built: OpenBLAS headers or library not found (Debian/Ubuntu: libopenblas-dev)' }));
    const state = loadAddonFrom(join(dir, 'missing.node'), status);
    expect(state).toEqual({ ok: false, reason: 'not built: OpenBLAS headers or library not found (Debian/Ubuntu: libopenblas-dev)' });
  });

  it('says the addon was never built when there is no record', () => {
    const state = loadAddonFrom(join(dir, 'missing.node'), join(dir, 'none.json'));
    expect(state.ok).toBe(false);
    expect(!state.ok && state.reason).toMatch(/has not been built/);
  });

  it('reports a load error for a file that is not a shared library', () => {
    const bogus = join(dir, 'bogus.node');
    writeFileSync(bogus, 'not an ELF file');
    const state = loadAddonFrom(bogus, join(dir, 'none.json'));
    expect(!state.ok && state.reason).toMatch(/failed to load/);
  });
});
