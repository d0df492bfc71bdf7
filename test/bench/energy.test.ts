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

  it('measured when RAPL snapshots exist, else power × time × load with the catalogue source named', () => {
    const device = findDevice('aws-c6a.large')!;
    const rapl = estimateEnergy({ device, wallSeconds: 10, cpuSeconds: 5, cpus: 2, raplBefore: readRapl(fakePowercap(0))!, raplAfter: readRapl(fakePowercap(7_000_000))! });
    expect(rapl.energyJoules).toBeCloseTo(7, 12);
    expect(rapl.provenance.kind).toBe('measured');
    const modeled = estimateEnergy({ device, wallSeconds: 10, cpuSeconds: 5, cpus: 2 });
    // 10 s at 5 CPU-seconds on 2 vCPUs = 25% load of the instance's power share
    expect(modeled.energyJoules).toBeCloseTo(device.powerWatts.value * 10 * 0.25, 12);
    expect(modeled.provenance.kind).toBe('modeled');
    expect(modeled.provenance.source).toContain(device.powerWatts.source);
    expect(estimateEnergy({ device, wallSeconds: 1, cpuSeconds: 9, cpus: 2 }).energyJoules).toBeCloseTo(device.powerWatts.value, 12); // load clipped at 1
  });
});
