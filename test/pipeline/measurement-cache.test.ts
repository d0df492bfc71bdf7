/**
 * The measurement cache (src/pipeline/measurement-cache.ts): a second lookup with the same
 * inputs and environment returns the first measurement (not a new one) with its original time;
 * a change of code version, backend, CPU or inputs measures again; `fresh` measures again; a
 * corrupt file is a miss with a notice, and is replaced by a whole file. And the real thing: the
 * placement calibration run twice through the cache is measured once and comes back equal
 * (a JSON round trip loses nothing the report reads).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedMeasurement, measurementEnvironment } from '../../src/pipeline/measurement-cache.ts';
import { runCalibration } from '../../src/pipeline/calibrate.ts';
import { loadNativeAddon } from '../../src/runtime/index.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'costsim-measure-'));
const env = { code: '0.1.0+abc', node: '20', platform: 'linux-x64', cpuModel: 'X', cpuCores: 2, backends: ['native'], threads: {} };

describe('measurement cache', () => {
  it('reuses a measurement with the same key, and measures again when any part of the key changes', async () => {
    const dir = freshDir();
    let calls = 0;
    const measure = async () => ({ seconds: 0.25, call: ++calls });
    const at = (iso: string) => () => new Date(iso);
    const first = await cachedMeasurement({ dir, kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: env, now: at('2026-12-02T10:00:00Z') }, measure);
    const again = await cachedMeasurement({ dir, kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: env, now: at('2026-12-02T11:00:00Z') }, measure);
    expect(first?.origin.reused).toBe(false);
    expect(again?.origin).toMatchObject({ reused: true, measuredAt: '2026-12-02T10:00:00.000Z' });
    expect(again?.result).toEqual({ seconds: 0.25, call: 1 });
    expect(calls).toBe(1);
    // Each of these is a different measurement: code, backend, CPU, native BLAS, inputs, kind.
    const variants = [
      { kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: { ...env, code: '0.1.0+def' } },
      { kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: { ...env, backends: ['wasm'] } },
      { kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: { ...env, cpuModel: 'Y' } },
      { kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: { ...env, nativeBlas: 'OpenBLAS 0.3.26 (core Haswell)' } },
      { kind: 'serving', inputs: { batches: [1, 2] }, environment: env },
      { kind: 'placement-calibration', inputs: { batches: [1, 2, 4] }, environment: env },
    ];
    for (const v of variants) expect((await cachedMeasurement({ dir, ...v }, measure))?.origin.reused).toBe(false);
    expect(calls).toBe(1 + variants.length);
    // fresh: measured again, and the new one replaces the cached one.
    const forced = await cachedMeasurement({ dir, kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: env, fresh: true }, measure);
    expect(forced?.result.call).toBe(calls);
    const after = await cachedMeasurement({ dir, kind: 'serving', inputs: { batches: [1, 2, 4] }, environment: env }, measure);
    expect(after?.result.call).toBe(forced?.result.call);
  });

  it('a corrupt cache file is a miss with a notice, then rewritten whole', async () => {
    const dir = freshDir();
    const options = { dir, kind: 'serving', inputs: {}, environment: env };
    await cachedMeasurement(options, async () => ({ v: 1 }));
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file!), '{"kind":"serving","key":'); // a write cut short
    const notices: string[] = [];
    const got = await cachedMeasurement({ ...options, onNotice: (n) => notices.push(n) }, async () => ({ v: 2 }));
    expect(got).toMatchObject({ result: { v: 2 }, origin: { reused: false } });
    expect(notices.join('\n')).toMatch(/unreadable.*measuring again/);
    expect(JSON.parse(readFileSync(join(dir, file!), 'utf8')).result).toEqual({ v: 2 });
    expect(readdirSync(dir)).toEqual([file]); // no temp file left behind
  });

  it("keys on this machine's code version, CPU, thread settings and native BLAS", () => {
    const a = measurementEnvironment({ OPENBLAS_NUM_THREADS: '1', HOME: '/root' }, ['native']);
    expect(a.threads).toEqual({ OPENBLAS_NUM_THREADS: '1' });
    expect(a.code).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    expect(measurementEnvironment({}, ['native']).threads).toEqual({});
    // The native addon's BLAS (built outside the hashed sources) is part of a native key, as the addon reports it.
    const addon = loadNativeAddon();
    expect(measurementEnvironment({}, ['native']).nativeBlas).toBe(addon.ok ? addon.blas : undefined);
    expect(measurementEnvironment({}, ['wasm'])).not.toHaveProperty('nativeBlas');
  });

  it('the placement calibration is measured once and reused equal', { timeout: 120_000 }, async () => {
    const dir = freshDir();
    const first = await runCalibration({ cacheDir: dir, env: {}, steps: 1 });
    if (!first) return; // no tfjs backend usable here (never the case in CI)
    const second = await runCalibration({ cacheDir: dir, env: {}, steps: 1 });
    expect(first.origin?.reused).toBe(false);
    expect(second?.origin).toEqual({ ...first.origin, reused: true });
    const { origin: _a, ...measured } = first;
    const { origin: _b, ...reused } = second!;
    expect(reused).toEqual(measured);
  });
});
