/**
 * Per-backend gradient overrides. tfjs registers gradients per kernel, not per backend, so an
 * override is registered globally but takes its native path only while the `native` backend is
 * active (and only for inputs it supports); otherwise tfjs-core's own gradient runs, so the
 * plain wasm and cpu backends stay exactly as shipped.
 */
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';

/** A native gradient: the input-gradient closures, or undefined to use tfjs's own gradient. */
export type NativeGradFunc = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => Record<string, () => Tensor> | undefined;

/** tfjs-core's own gradient for `kernelName`, read from its global registry. */
function originalGradient(kernelName: string): GradConfig | undefined {
  const globals = (globalThis as { _tfGlobals?: Map<string, Map<string, GradConfig>> })._tfGlobals;
  return globals?.get('gradRegistry')?.get(kernelName);
}

const overridden = new Set<string>();

/**
 * Register `nativeGrad` for `kernelName` once per process, saving the same inputs/outputs as
 * tfjs's gradient. Does nothing when tfjs has no gradient to fall back to (internals changed).
 */
export function overrideGradient(kernelName: string, nativeBackendName: string, nativeGrad: NativeGradFunc): void {
  if (overridden.has(kernelName)) return;
  const original = originalGradient(kernelName);
  if (original?.gradFunc === undefined) return;
  overridden.add(kernelName);
  tf.registerGradient({
    kernelName,
    ...(original.inputsToSave ? { inputsToSave: original.inputsToSave } : {}),
    ...(original.outputsToSave ? { outputsToSave: original.outputsToSave } : {}),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const native = tf.getBackend() === nativeBackendName && !Array.isArray(dy) ? nativeGrad(dy, saved, attrs) : undefined;
      return native ?? original.gradFunc(dy, saved, attrs);
    },
  });
}
