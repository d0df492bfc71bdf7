import { describe, expect, it } from 'vitest';
import { chooseBackend, parseBackendName, type BackendLoader } from '../../src/runtime/backends.ts';
import { initRuntime } from '../../src/runtime/index.ts';
import { BackendUnavailableError } from '../../src/errors.ts';

const failing = (name: 'tensorflow' | 'native', why: string): BackendLoader => ({
  name,
  tfjsName: name,
  howToEnable: 'install it',
  load: () => Promise.reject(new Error(why)),
});
const cpu: BackendLoader = { name: 'cpu', tfjsName: 'cpu', howToEnable: '', load: () => Promise.resolve() };

describe('backend selection', () => {
  it('takes the best available and says what it skipped and why', async () => {
    const choice = await chooseBackend([failing('tensorflow', 'no libtensorflow'), cpu]);
    expect(choice.name).toBe('cpu');
    expect(choice.reason).toContain('tensorflow: no libtensorflow');
    expect(choice.probes.map((p) => [p.name, p.available])).toEqual([
      ['tensorflow', false],
      ['cpu', true],
    ]);
  });

  it('refuses a forced backend that is unavailable, listing the available ones', async () => {
    const attempt = chooseBackend([failing('native', 'addon not built'), cpu], { name: 'native', source: '--backend' });
    await expect(attempt).rejects.toThrow(BackendUnavailableError);
    await expect(attempt).rejects.toThrow(/--backend: backend "native" is not available here \(addon not built\)\. Available: cpu/);
  });

  it('rejects unknown names with the allowed list', () => {
    expect(() => parseBackendName('gpu', '--backend')).toThrow(/unknown backend "gpu" \(allowed: tensorflow, native, wasm, cpu\)/);
    expect(parseBackendName(' WASM ', 'COSTSIM_BACKEND')).toBe('wasm');
  });

  it('honours COSTSIM_BACKEND, and --backend over it', async () => {
    expect((await initRuntime({ env: { COSTSIM_BACKEND: 'cpu' } })).reason).toBe('forced by COSTSIM_BACKEND');
    const choice = await initRuntime({ flag: 'wasm', env: { COSTSIM_BACKEND: 'cpu' } });
    expect([choice.name, choice.reason]).toEqual(['wasm', 'forced by --backend']);
    await expect(initRuntime({ env: { COSTSIM_BACKEND: 'tpu' } })).rejects.toThrow(/COSTSIM_BACKEND: unknown backend "tpu"/);
  });
});
