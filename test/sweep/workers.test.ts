import { describe, expect, it } from 'vitest';
import { resolveWorkerCount } from '../../src/sweep/workers.ts';
import { UsageError } from '../../src/errors.ts';

describe('resolveWorkerCount', () => {
  it('defaults to one per core and accepts up to the core count', () => {
    expect(resolveWorkerCount(undefined, {}, 8)).toBe(8);
    expect(resolveWorkerCount(3, {}, 8)).toBe(3);
    expect(resolveWorkerCount(8, {}, 8)).toBe(8);
  });

  it('refuses more workers than cores, naming the flag, the cap and the override', () => {
    expect(() => resolveWorkerCount(1000, {}, 2)).toThrow(UsageError);
    expect(() => resolveWorkerCount(1000, {}, 2)).toThrow(
      /^--workers: 1000 worker processes is more than this machine's 2 cores; .* \(allowed: 1–2; set COSTSIM_MAX_WORKERS \(up to 256\) to allow more\)$/,
    );
    expect(() => resolveWorkerCount(0, {}, 2)).toThrow(/--workers: must be an integer >= 1/);
  });

  it('allows more only with an explicit COSTSIM_MAX_WORKERS, itself bounded', () => {
    expect(resolveWorkerCount(6, { COSTSIM_MAX_WORKERS: '6' }, 2)).toBe(6);
    expect(() => resolveWorkerCount(7, { COSTSIM_MAX_WORKERS: '6' }, 2)).toThrow(/more than COSTSIM_MAX_WORKERS=6/);
    expect(() => resolveWorkerCount(2, { COSTSIM_MAX_WORKERS: '1000' }, 2)).toThrow(/^COSTSIM_MAX_WORKERS: must be an integer from 1 to 256/);
    // The default stays one per core even when the cap is raised.
    expect(resolveWorkerCount(undefined, { COSTSIM_MAX_WORKERS: '6' }, 2)).toBe(2);
  });
});
