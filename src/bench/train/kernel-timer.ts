/**
 * Time spent inside tfjs kernels, measured without tf.profile (whose bookkeeping would inflate
 * the very overhead being measured): every kernel of the active backend is wrapped in a
 * performance.now() pair for the duration of one call, then restored. Only the outermost
 * kernel is timed when a kernel invokes another through the registry. Valid for synchronous
 * backends (cpu, wasm, native), where a kernel's work is done when it returns.
 */
import { tf } from '../../runtime/tf.ts';

/** Kernel time measured around `fn`: total seconds and per-kernel seconds and launches. */
export interface KernelTiming {
  kernelSeconds: number;
  byKernel: Record<string, { count: number; seconds: number }>;
}

type KernelFunc = tf.KernelConfig['kernelFunc'];

/** Run `fn` with every kernel of the active backend timed; the kernels are restored afterwards, even on error. */
export async function withKernelTiming<T>(fn: () => T | Promise<T>): Promise<{ result: T; timing: KernelTiming }> {
  const configs = tf.getKernelsForBackend(tf.getBackend());
  const originals = new Map<tf.KernelConfig, KernelFunc>();
  const timing: KernelTiming = { kernelSeconds: 0, byKernel: {} };
  let depth = 0;
  for (const config of configs) {
    const original = config.kernelFunc;
    originals.set(config, original);
    const entry = { count: 0, seconds: 0 };
    timing.byKernel[config.kernelName] = entry;
    config.kernelFunc = ((args: Parameters<KernelFunc>[0]) => {
      if (depth > 0) return original(args);
      depth++;
      const start = performance.now();
      try {
        return original(args);
      } finally {
        const seconds = (performance.now() - start) / 1000;
        depth--;
        entry.count++;
        entry.seconds += seconds;
        timing.kernelSeconds += seconds;
      }
    }) as KernelFunc;
  }
  try {
    const result = await fn();
    for (const [name, entry] of Object.entries(timing.byKernel)) if (entry.count === 0) delete timing.byKernel[name];
    return { result, timing };
  } finally {
    for (const [config, original] of originals) config.kernelFunc = original;
  }
}
