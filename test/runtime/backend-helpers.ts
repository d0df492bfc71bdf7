/**
 * Test helpers: run the same computation on two backends and compare. Backends are loaded
 * through the real loaders, so the wasm kernels costsim registers are the ones under test.
 */
import { tf } from '../../src/runtime/tf.ts';
import { cpuLoader, wasmLoader } from '../../src/runtime/loaders.ts';

/** Load wasm (with costsim's training kernels) and cpu once per test file. */
export async function loadWasmAndCpu(): Promise<void> {
  tf.enableProdMode();
  await wasmLoader.load();
  await cpuLoader.load();
}

/** Run `compute` on `backend` from plain arrays; returns plain arrays so nothing crosses backends. */
export async function onBackend<T>(backend: string, compute: () => T): Promise<T> {
  await tf.setBackend(backend);
  return compute();
}

/** Largest |a−b| / max(|b|, floor) over two arrays of equal length. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const err = Math.abs((a[i] as number) - (b[i] as number)) / Math.max(Math.abs(b[i] as number), floor);
    if (err > worst) worst = err;
  }
  return worst;
}

/** Deterministic pseudo-random values in [-1, 1) (an LCG: independent of costsim's RNG). */
export function seededValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
