import { describe, expect, it } from 'vitest';
import { initRuntime, tf } from '../../src/runtime/index.ts';
import { withKernelTiming } from '../../src/runtime/kernel-timer.ts';

describe('kernel timer', () => {
  it('counts kernel launches, times an extra method as a kernel, and restores everything', async () => {
    await initRuntime({ flag: 'wasm' });
    const matMul = tf.getKernel('BatchMatMul', 'wasm')!;
    const originalFunc = matMul.kernelFunc;
    const worker = { work: (n: number): number => n * 2 };
    const originalWork = worker.work;
    const a = tf.ones([8, 8]);
    const { result, timing } = await withKernelTiming(
      () => {
        const c = tf.matMul(tf.matMul(a, a), a);
        const sum = c.sum().dataSync()[0] as number;
        return worker.work(sum);
      },
      { alsoTime: [{ target: worker, method: 'work', label: 'work' }] },
    );
    expect(result).toBe(2 * 8 * 8 * 64); // (1·8)·8 = 64 in every entry, 64 entries, doubled
    expect(timing.byKernel.BatchMatMul?.count).toBe(2);
    expect(timing.byKernel.work?.count).toBe(1);
    expect(timing.kernelSeconds).toBeGreaterThan(0);
    expect(matMul.kernelFunc).toBe(originalFunc);
    expect(worker.work).toBe(originalWork);
    expect(Object.prototype.hasOwnProperty.call(worker, 'work')).toBe(true);
  });
});
