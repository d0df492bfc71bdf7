import { describe, expect, it } from 'vitest';
import { accumulationRows, benchKeyNumbers } from '../../../src/report/adapters/bench.ts';
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

describe('bench key numbers', () => {
  it('show the energy and carbon of the most accurate configuration, with the grid it was computed for', () => {
    const record = mlpRecord('best', 64, 0.95, 0.2);
    // 36 kJ = 0.01 kWh; on the French grid (56 g/kWh, Ember 2023) at PUE 1.5: 0.01 × 1.5 × 56 = 0.84 g, by hand.
    record.metrics.energyJoules = 36_000;
    record.metrics.carbonGrams = 0.84;
    record.environment.grid = { region: 'france', pue: 1.5 };
    record.provenance['metrics.carbonGrams'] = { kind: 'modeled', source: 'energy ÷ 3.6e6 J/kWh × PUE 1.5 × 56 gCO2e/kWh (france)' };
    const carbon = benchKeyNumbers([{ id: 'best', record }]).find((k) => /carbon/.test(k.label));
    expect(carbon).toEqual({
      label: 'energy and carbon to train it (france grid, PUE 1.5)',
      value: '36000 J, 0.84 g CO2e',
      provenance: 'modeled',
      source: 'energy ÷ 3.6e6 J/kWh × PUE 1.5 × 56 gCO2e/kWh (france)',
    });
    const plain = mlpRecord('plain', 64, 0.9, 0.2);
    expect(benchKeyNumbers([{ id: 'plain', record: plain }]).some((k) => /carbon/.test(k.label))).toBe(false); // a record made before carbon: nothing invented
  });
});
