import { describe, expect, it } from 'vitest';
import { accumulationRows } from '../../../src/report/adapters/bench.ts';
import { mlpRecord } from '../../market/fixtures.ts';

const MIB = 2 ** 20;

describe('accumulation rows', () => {
  it('carry the physical peak beside the logical bytes: the wasm heap high-water mark when every record has one, else peak RSS', () => {
    const at = (k: number, physical: { peakRssBytes: number; wasmHeapBytes?: number }) => {
      const record = mlpRecord(`k${k}`, 64, 0.9, 0.2);
      record.config.accumulationSteps = k;
      record.metrics.physicalMemory = physical;
      return { id: `k${k}`, record };
    };
    const heap = accumulationRows([at(1, { peakRssBytes: 300 * MIB, wasmHeapBytes: 48 * MIB }), at(2, { peakRssBytes: 310 * MIB, wasmHeapBytes: 32 * MIB })]);
    expect(heap.map((r) => [r.accumulationSteps, r.physicalPeakMiB, r.physicalMemory])).toEqual([
      [1, 48, 'wasm heap high-water mark'],
      [2, 32, 'wasm heap high-water mark'],
    ]);
    const rss = accumulationRows([at(1, { peakRssBytes: 300 * MIB }), at(2, { peakRssBytes: 310 * MIB, wasmHeapBytes: 32 * MIB })]);
    expect(rss.map((r) => [r.physicalPeakMiB, r.physicalMemory])).toEqual([
      [300, 'process peak RSS'],
      [310, 'process peak RSS'],
    ]); // one kind of figure per line;
  });
});
