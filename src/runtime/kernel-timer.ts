/**
 * Time spent inside tfjs kernels, measured without tf.profile (whose bookkeeping would inflate
 * the very overhead being measured): every kernel of the active backend is wrapped in a
 * performance.now() pair for the duration of one call, then restored. Only the outermost
 * kernel is timed when a kernel invokes another through the registry. Valid for synchronous
 * backends (cpu, wasm, native), where a kernel's work is done when it returns.
 */
import { tf } from './tf.ts';
import { NATIVE_BACKEND } from './native/backend.ts';
import { NativeAdamOptimizer } from './native/adam.ts';

/** Kernel time measured around `fn`: total seconds and per-kernel seconds and launches. */
export interface KernelTiming {
  kernelSeconds: number;
  byKernel: Record<string, { count: number; seconds: number }>;
}

/** A method that does kernel work outside the kernel registry, timed as a kernel named `label`. */
export interface TimedMethod {
  target: object;
  method: string;
  label: string;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * The methods to time as kernels for `optimizer` on the active backend: the native backend's
 * fused Adam update runs one native pass per variable without launching registered kernels.
 */
export function optimizerKernels(optimizer: tf.Optimizer): TimedMethod[] {
  return optimizer instanceof NativeAdamOptimizer && tf.getBackend() === NATIVE_BACKEND
    ? [{ target: optimizer, method: 'applyGradients', label: 'NativeAdam' }]
    : [];
}

/**
 * Run `fn` with every kernel of the active backend (and each of `alsoTime`) timed; everything
 * is restored afterwards, even on error.
 */
export async function withKernelTiming<T>(fn: () => T | Promise<T>, options: { alsoTime?: TimedMethod[] } = {}): Promise<{ result: T; timing: KernelTiming }> {
  const timing: KernelTiming = { kernelSeconds: 0, byKernel: {} };
  let depth = 0;
  const timed = (original: AnyFunction, label: string): AnyFunction => {
    const entry = (timing.byKernel[label] ??= { count: 0, seconds: 0 });
    return function (this: unknown, ...args: unknown[]): unknown {
      if (depth > 0) return original.apply(this, args);
      depth++;
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const seconds = (performance.now() - start) / 1000;
        depth--;
        entry.count++;
        entry.seconds += seconds;
        timing.kernelSeconds += seconds;
      }
    };
  };
  const restores: Array<() => void> = [];
  for (const config of tf.getKernelsForBackend(tf.getBackend())) {
    const original = config.kernelFunc;
    config.kernelFunc = timed(original as AnyFunction, config.kernelName) as tf.KernelConfig['kernelFunc'];
    restores.push(() => {
      config.kernelFunc = original;
    });
  }
  for (const { target, method, label } of options.alsoTime ?? []) {
    const holder = target as Record<string, unknown>;
    const hadOwn = Object.prototype.hasOwnProperty.call(holder, method);
    const original = holder[method] as AnyFunction;
    holder[method] = timed(original, label);
    restores.push(() => {
      if (hadOwn) holder[method] = original;
      else delete holder[method];
    });
  }
  try {
    const result = await fn();
    for (const [name, entry] of Object.entries(timing.byKernel)) if (entry.count === 0) delete timing.byKernel[name];
    return { result, timing };
  } finally {
    for (const restore of restores) restore();
  }
}
