import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { initRuntime, readPhysicalMemory, tf } from '../../src/runtime/index.ts';

beforeAll(async () => {
  await initRuntime({ flag: 'wasm' });
});

describe('readPhysicalMemory', () => {
  it.runIf(existsSync('/proc/self/status'))("peak RSS agrees with the kernel's VmHWM (second source)", () => {
    const vmHwmKiB = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
    const { peakRssBytes } = readPhysicalMemory();
    // Read a moment apart, and Linux batches per-thread RSS counters (SPLIT_RSS_COUNTING), so the
    // two can differ by tens of MiB on a busy machine (26 MiB seen): agree within 10% or 64 MiB.
    expect(Math.abs(peakRssBytes / 1024 - vmHwmKiB)).toBeLessThan(Math.max(64 * 1024, 0.1 * vmHwmKiB));
  });

  it('the wasm heap holds every live tensor, and grows to hold a 64 MiB one', () => {
    const before = readPhysicalMemory().wasmHeapBytes as number;
    expect(before).toBeGreaterThanOrEqual(tf.memory().numBytes);
    const big = tf.zeros([16 * 1024 * 1024]); // 64 MiB of float32 on the wasm heap
    try {
      const after = readPhysicalMemory().wasmHeapBytes as number;
      expect(after).toBeGreaterThanOrEqual(tf.memory().numBytes);
      expect(after).toBeGreaterThanOrEqual(64 * 2 ** 20);
    } finally {
      big.dispose();
    }
    // The linear memory never shrinks: the figure is a high-water mark.
    expect(readPhysicalMemory().wasmHeapBytes as number).toBeGreaterThanOrEqual(64 * 2 ** 20);
  });
});
