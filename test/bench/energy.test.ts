import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateEnergy, raplJoules, readRapl } from '../../src/bench/energy.ts';
import { findDevice } from '../../src/devices/catalog.ts';

function fakePowercap(energy: number, max = 262_143_328_850): string {
  const root = mkdtempSync(join(tmpdir(), 'costsim-rapl-'));
  const zone = join(root, 'intel-rapl:0');
  mkdirSync(zone);
  mkdirSync(join(root, 'intel-rapl:0:0')); // a sub-zone (core): not counted twice
  writeFileSync(join(zone, 'energy_uj'), `${energy}\n`);
  writeFileSync(join(zone, 'max_energy_range_uj'), `${max}\n`);
  return root;
}

describe('energy', () => {
  it('RAPL: package zones only, joules from µJ, one wrap-around allowed', () => {
    const before = readRapl(fakePowercap(1_000_000, 10_000_000));
    expect(before?.zones).toHaveLength(1);
    const after = readRapl(fakePowercap(3_500_000, 10_000_000));
    expect(raplJoules(before!, after!)).toBeCloseTo(2.5, 12);
    const wrapped = readRapl(fakePowercap(500_000, 10_000_000));
    expect(raplJoules(before!, wrapped!)).toBeCloseTo(9.5, 12); // 10 J − 1 J + 0.5 J
    expect(readRapl(join(tmpdir(), 'no-such-powercap'))).toBeUndefined();
  });

  it('measured when RAPL snapshots exist, else power × time × load with the catalogue source named; RAM power added either way', () => {
    const device = findDevice('aws-c6a.large')!;
    // c6a.large has 4 GiB = 4.295 GB: CodeCarbon's 3 W per 8 GB gives 1.6106 W of RAM power, by hand.
    const ramWatts = (4 * 1024 ** 3 * 3) / 8e9;
    expect(ramWatts).toBeCloseTo(1.61061, 4);
    const rapl = estimateEnergy({
      device,
      wallSeconds: 10,
      cpuSeconds: 5,
      cpus: 2,
      raplBefore: readRapl(fakePowercap(0))!,
      raplAfter: readRapl(fakePowercap(7_000_000))!,
    });
    expect(rapl.energyJoules).toBeCloseTo(7 + ramWatts * 10, 9);
    expect(rapl.provenance.kind).toBe('measured');
    const modeled = estimateEnergy({ device, wallSeconds: 10, cpuSeconds: 5, cpus: 2 });
    // 10 s at 5 CPU-seconds on 2 vCPUs = 25% load of the instance's power share
    expect(modeled.energyJoules).toBeCloseTo(device.powerWatts.value * 10 * 0.25 + ramWatts * 10, 9);
    expect(modeled.provenance.kind).toBe('modeled');
    expect(modeled.provenance.source).toContain(device.powerWatts.source);
    expect(estimateEnergy({ device, wallSeconds: 1, cpuSeconds: 9, cpus: 2 }).energyJoules).toBeCloseTo(device.powerWatts.value + ramWatts, 9); // load clipped at 1
  });

  it('carbon = kWh × PUE × grid intensity (by hand: 3.6 MJ = 1 kWh at 480 g/kWh world average is 480 g; PUE 1.5 → 720 g)', () => {
    const device = { ...findDevice('aws-c6a.large')!, memoryBytes: { value: 0, source: 'none', date: '2026' } };
    const oneKwh = estimateEnergy({ device, wallSeconds: 3600, cpuSeconds: 7200, cpus: 2 }); // powerWatts × 3600 s at load 1
    const kwh = oneKwh.energyJoules / 3.6e6;
    expect(oneKwh.carbonGrams).toBeCloseTo(kwh * 480, 9);
    expect(oneKwh.carbonProvenance.source).toMatch(/480 gCO2e\/kWh \(world, default region: Ember/);
    expect(estimateEnergy({ device, wallSeconds: 3600, cpuSeconds: 7200, cpus: 2, grid: { region: 'france', pue: 1.5 } }).carbonGrams).toBeCloseTo(
      kwh * 56 * 1.5,
      9,
    );
    expect(() => estimateEnergy({ device, wallSeconds: 1, cpuSeconds: 1, cpus: 1, grid: { region: 'mars' } })).toThrow(/unknown grid region "mars"/);
  });
});
