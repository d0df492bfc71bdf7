/**
 * Physical memory of this process, beside tfjs's logical tensor bytes (which count a reshape
 * view twice and leave out the wasm heap's slack, native scratch buffers and the JS heap).
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from './tf.ts';

/** Physical memory figures, in bytes. */
export interface PhysicalMemory {
  /** Peak resident set size of the process since it started (getrusage ru_maxrss, Linux: KiB × 1024). */
  peakRssBytes: number;
  /** Size of the wasm backend's linear memory; it only grows, so it is the heap's high-water mark since start. Absent without a wasm-based backend. */
  wasmHeapBytes?: number;
}

/** Read the process's peak RSS and, when the active backend is wasm or native (same heap), the wasm heap size. */
export function readPhysicalMemory(): PhysicalMemory {
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'native') return { peakRssBytes };
  const wasm = tf.engine().registry.wasm as BackendWasm | undefined;
  // HEAPU8 is on the emscripten module (tfjs reads it the same way) but not in its typings.
  const heap = (wasm?.wasm as unknown as { HEAPU8?: Uint8Array } | undefined)?.HEAPU8?.buffer.byteLength;
  return heap !== undefined ? { peakRssBytes, wasmHeapBytes: heap } : { peakRssBytes };
}
