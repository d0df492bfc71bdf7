/**
 * Shared by the native-kernel tests: bring up cpu + native backends once, run the same function
 * on both from identical seeded inputs, and compare at a relative tolerance.
 */
import { expect } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { probeBackends } from '../../../src/runtime/backends.ts';
import { cpuLoader, nativeLoader } from '../../../src/runtime/loaders.ts';
import { loadNativeAddon } from '../../../src/runtime/native/addon.ts';
import { createRng } from '../../../src/util/rng.ts';

const state = loadNativeAddon();
/** Whether the addon loads here; tests skip with {@link skipReason} when not. */
export const nativeBuilt = state.ok;
export const skipReason = state.ok ? '' : ` (skipped: ${state.reason}; build it with \`node native/build.mjs\`)`;

/** Whether the loaded addon has every one of `functions` (an addon built before they existed has not); with the reason to skip. */
export function addonHas(...functions: string[]): { ok: boolean; reason: string } {
  if (!state.ok) return { ok: false, reason: skipReason };
  const missing = functions.filter((name) => typeof (state.addon as unknown as Record<string, unknown>)[name] !== 'function');
  return missing.length === 0
    ? { ok: true, reason: '' }
    : { ok: false, reason: ` (skipped: the addon was built before ${missing.join(', ')} existed; rebuild it with \`node native/build.mjs\`)` };
}

/** Load cpu and native; call in beforeAll. */
export async function setUpBackends(): Promise<void> {
  const probes = await probeBackends([cpuLoader, nativeLoader]);
  for (const probe of probes) if (!probe.available) throw new Error(`${probe.name} unavailable: ${probe.reason}`);
}

/** Seeded inputs: normal(0,1) values of each shape. */
export function seededInputs(seed: number, shapes: number[][]): Float32Array[] {
  const rng = createRng(seed);
  return shapes.map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()));
}

/** Run `fn` on `backend` with tensors built from `data`, returning every output's values and shape. */
export async function runOn(
  backend: string,
  shapes: number[][],
  data: Float32Array[],
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Array<{ shape: number[]; values: Float32Array }>> {
  await tf.setBackend(backend);
  const inputs = shapes.map((shape, i) => tf.tensor(data[i] as Float32Array, shape));
  const raw = fn(...inputs);
  const outputs = Array.isArray(raw) ? raw : [raw];
  const result = [];
  for (const output of outputs) result.push({ shape: output.shape, values: (await output.data()) as Float32Array });
  tf.dispose([...inputs, ...outputs]);
  return result;
}

/**
 * Assert native matches cpu: same shapes, and |native − cpu| ≤ 1e-4 · max(|cpu|∞, 1) per
 * element (relative to the output's scale: GEMM sums reorder, so elementwise-relative is too strict near 0).
 */
export async function expectNativeMatchesCpu(shapes: number[][], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], seed = 7): Promise<void> {
  const data = seededInputs(seed, shapes);
  const reference = await runOn('cpu', shapes, data, fn);
  const native = await runOn('native', shapes, data, fn);
  expect(native.length).toBe(reference.length);
  reference.forEach((ref, i) => {
    const got = native[i] as { shape: number[]; values: Float32Array };
    expect(got.shape).toEqual(ref.shape);
    let scale = 1;
    for (const v of ref.values) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    ref.values.forEach((v, j) => {
      worst = Math.max(worst, Math.abs((got.values[j] as number) - v));
    });
    expect(worst / scale, `output ${i}: max abs error ${worst} at scale ${scale}`).toBeLessThanOrEqual(1e-4);
  });
}

/** f's output and the gradients of sum(f(xs) · w) wrt every input, for a fixed weighting w (one check of forward and backward). */
export function withGrads(f: (...xs: tf.Tensor[]) => tf.Tensor): (...xs: tf.Tensor[]) => tf.Tensor[] {
  return (...xs) => {
    const y = f(...xs);
    const weights = tf.linspace(-1, 2, y.size).reshape(y.shape);
    return [
      y,
      ...tf.grads((...inner: tf.Tensor[]) =>
        f(...inner)
          .mul(weights)
          .sum(),
      )(xs),
    ];
  };
}
