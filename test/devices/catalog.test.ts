import { describe, expect, it } from 'vitest';
import { DEVICE_CATALOG, deviceIds, findDevice, type Device, type Sourced } from '../../src/devices/catalog.ts';
import { CPU_CATALOG } from '../../src/devices/cpus.ts';
import { GPU_CATALOG } from '../../src/devices/gpus.ts';

const figures = (d: Device): Array<[string, Sourced]> => [
  ...Object.entries(d.peakFlops).map(([k, v]) => [`peakFlops.${k}`, v] as [string, Sourced]),
  ['memoryBytes', d.memoryBytes],
  ['memoryBandwidthBytesPerSecond', d.memoryBandwidthBytesPerSecond],
  ['powerWatts', d.powerWatts],
  ['usdPerHour', d.usdPerHour],
  ...(d.hostLinkBytesPerSecond ? [['hostLinkBytesPerSecond', d.hostLinkBytesPerSecond] as [string, Sourced]] : []),
];

describe('device catalogue', () => {
  it('has the devices the issue asks for, ids unique', () => {
    const ids = deviceIds();
    for (const id of ['t4', 'l4', 'a10g', 'a100-40gb', 'a100-80gb', 'h100-sxm', 'h100-pcie', 'h200', 'mi300x', 'aws-c6a.large', 'gcp-n2d-standard-2'])
      expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(DEVICE_CATALOG.length);
  });

  it('every figure is positive and carries a source and an ISO date', () => {
    for (const d of DEVICE_CATALOG) {
      for (const [name, f] of figures(d)) {
        expect(f.value, `${d.id}.${name}`).toBeGreaterThan(0);
        expect(f.source.length, `${d.id}.${name}`).toBeGreaterThan(10);
        expect(f.date, `${d.id}.${name}`).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      }
      if (d.kind === 'gpu') expect(d.hostLinkBytesPerSecond, d.id).toBeDefined();
    }
  });

  it('sources name a publication, never a file on the machine that built costsim', () => {
    for (const d of DEVICE_CATALOG) {
      for (const [name, f] of figures(d)) {
        expect(f.source, `${d.id}.${name}`).not.toMatch(/(^|[\s(])\/[a-z]|[A-Za-z]:\\|REFERENCE\.md|\.md\b/);
      }
    }
  });

  it('is the CPU part followed by the GPU part, each with the kind it claims', () => {
    expect(DEVICE_CATALOG).toEqual([...CPU_CATALOG, ...GPU_CATALOG]);
    for (const d of CPU_CATALOG) expect(d.kind, d.id).toBe('cpu');
    for (const d of GPU_CATALOG) expect(d.kind, d.id).toBe('gpu');
  });

  it('matches the vendor datasheets (NVIDIA H100 2022-09, A100 80GB 2021-06, L4 2023-03, T4 2019-03: dense peaks, memory, bandwidth, power)', () => {
    const ref: Array<[string, 'bf16' | 'fp16', number, number, number, number]> = [
      ['h100-sxm', 'bf16', 989e12, 80e9, 3.35e12, 700],
      ['h100-pcie', 'bf16', 756e12, 80e9, 2.0e12, 350],
      ['a100-80gb', 'bf16', 312e12, 80e9, 2.0e12, 400],
      ['l4', 'bf16', 121e12, 24e9, 300e9, 72],
      ['t4', 'fp16', 65e12, 16e9, 320e9, 70],
    ];
    for (const [id, dtype, peak, memory, bandwidth, power] of ref) {
      const d = findDevice(id)!;
      expect(d.peakFlops[dtype]?.value).toBeCloseTo(peak, -6);
      expect(d.memoryBytes.value).toBe(memory);
      expect(d.memoryBandwidthBytesPerSecond.value).toBeCloseTo(bandwidth, -3);
      expect(d.powerWatts.value).toBe(power);
    }
    expect(findDevice('h100-sxm')?.peakFlops.fp8?.value).toBeCloseTo(1979e12, -6);
  });

  it('GPU rental prices are marked unverified (one price page each; triangulation pending)', () => {
    for (const d of DEVICE_CATALOG.filter((x) => x.kind === 'gpu')) expect(d.usdPerHour.unverified, d.id).toBe(true);
  });

  it('a scenario device wins over a catalogue one with the same id', () => {
    const mine: Device = { ...findDevice('l4')!, usdPerHour: { value: 0.5, source: 'my contract', date: '2026-01' } };
    expect(findDevice('l4', [mine])?.usdPerHour.value).toBe(0.5);
  });
});
