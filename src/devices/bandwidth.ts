/**
 * Memory bandwidth of this machine as JavaScript sees it, measured STREAM-style (McCalpin's
 * STREAM benchmark kernels) on Float32Arrays far larger than the caches: the triad
 * a[i] = b[i] + q·c[i] (3 arrays of traffic per pass), and a bulk copy dst.set(src), which is
 * also what moving a tensor between two tfjs backends costs.
 */

/** One bandwidth measurement, with how it was taken. */
export interface BandwidthMeasurement {
  /** Bytes of traffic per second (triad: 12 B per element; copy: bytes copied). */
  bytesPerSecond: number;
  kernel: 'triad' | 'copy';
  /** Bytes per array. */
  arrayBytes: number;
  passes: number;
  seconds: number;
  /** How it was measured, for the device figure's source. */
  method: string;
}

/** Default array size: 16 Mi floats (64 MiB per array): beyond the L3 a 2-vCPU slice of this machine kind sees. */
export const DEFAULT_BANDWIDTH_ELEMENTS = 16 * 1024 * 1024;

function timePasses(pass: () => void, budgetSeconds: number): { passes: number; seconds: number } {
  pass(); // warm-up: page faults on first touch are not bandwidth
  let passes = 0;
  const start = performance.now();
  do {
    pass();
    passes++;
  } while ((performance.now() - start) / 1000 < budgetSeconds);
  return { passes, seconds: (performance.now() - start) / 1000 };
}

/** STREAM triad in plain JS over `elements` floats for about `budgetSeconds`. */
export function measureTriadBandwidth(elements = DEFAULT_BANDWIDTH_ELEMENTS, budgetSeconds = 0.5): BandwidthMeasurement {
  const a = new Float32Array(elements);
  const b = new Float32Array(elements).fill(1);
  const c = new Float32Array(elements).fill(2);
  const q = 3;
  const { passes, seconds } = timePasses(() => {
    for (let i = 0; i < elements; i++) a[i] = (b[i] as number) + q * (c[i] as number);
  }, budgetSeconds);
  const bytes = 3 * 4 * elements * passes;
  return {
    bytesPerSecond: bytes / seconds,
    kernel: 'triad',
    arrayBytes: 4 * elements,
    passes,
    seconds,
    method: `measured: STREAM triad a[i]=b[i]+q·c[i] in JavaScript on ${((4 * elements) / 2 ** 20).toFixed(0)} MiB Float32Arrays, ${passes} passes in ${seconds.toFixed(2)} s, 12 B/element`,
  };
}

/** Bulk copy dst.set(src) over `elements` floats for about `budgetSeconds`. */
export function measureCopyBandwidth(elements = DEFAULT_BANDWIDTH_ELEMENTS, budgetSeconds = 0.3): BandwidthMeasurement {
  const src = new Float32Array(elements).fill(1);
  const dst = new Float32Array(elements);
  const { passes, seconds } = timePasses(() => dst.set(src), budgetSeconds);
  const bytes = 4 * elements * passes;
  return {
    bytesPerSecond: bytes / seconds,
    kernel: 'copy',
    arrayBytes: 4 * elements,
    passes,
    seconds,
    method: `measured: Float32Array.set copy of ${((4 * elements) / 2 ** 20).toFixed(0)} MiB, ${passes} passes in ${seconds.toFixed(2)} s (bytes copied per second)`,
  };
}
