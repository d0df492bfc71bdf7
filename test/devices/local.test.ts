import { describe, expect, it } from 'vitest';
import { measureCopyBandwidth, measureTriadBandwidth } from '../../src/devices/bandwidth.ts';
import { localCpuDevice, pricingFromInstance, pricingFromRate, type LocalCpuMeasurement } from '../../src/devices/local.ts';
import { findDevice } from '../../src/devices/catalog.ts';

const measurement: LocalCpuMeasurement = {
  backend: 'wasm',
  gemm: { backend: 'wasm', n: 512, repeats: 10, seconds: 1, gflops: 2.68435456 },
  triad: { bytesPerSecond: 8e9, kernel: 'triad', arrayBytes: 1 << 20, passes: 3, seconds: 0.1, method: 'measured: triad' },
  copy: { bytesPerSecond: 5e9, kernel: 'copy', arrayBytes: 1 << 20, passes: 3, seconds: 0.1, method: 'measured: copy' },
  cpu: { model: 'AMD EPYC', cores: 2, peakDerivation: 'test' },
  totalMemoryBytes: 8e9,
  measuredAt: '2026-11-22T06:00:00.000Z',
};

describe('the local CPU as a device', () => {
  it('takes its figures from the measurements, labelled measured and dated', () => {
    const d = localCpuDevice(measurement, pricingFromInstance(findDevice('aws-c6a.large')!));
    expect(d.kind).toBe('cpu');
    expect(d.peakFlops.fp32.value).toBeCloseTo(2.68435456e9, 0); // 2·512³·10 / 1 s
    expect(d.peakFlops.fp32.source).toMatch(/^measured: tfjs wasm fp32 GEMM 512×512/);
    expect(d.memoryBandwidthBytesPerSecond.value).toBe(8e9);
    expect(d.hostLinkBytesPerSecond?.value).toBe(5e9);
    expect(d.memoryBytes.value).toBe(8e9);
    expect(d.peakFlops.fp32.date).toBe('2026-11-22');
    expect(d.usdPerHour.value).toBe(0.0765);
    expect(d.usdPerHour.source).toMatch(/^priced as aws-c6a\.large/);
  });

  it('a user-given rate is used as given and says where it came from', () => {
    const p = pricingFromRate(0.12, '--local-price', 2, '2026-11-22');
    expect(p.usdPerHour).toEqual({ value: 0.12, source: 'given by --local-price', date: '2026-11-22' });
    expect(p.powerWatts.unverified).toBe(true);
  });

  it('bandwidth measurements count their traffic: triad 12 B/element/pass, copy 4 B', () => {
    const n = 1 << 18;
    const triad = measureTriadBandwidth(n, 0.02);
    expect(triad.bytesPerSecond).toBeCloseTo((12 * n * triad.passes) / triad.seconds, 0);
    const copy = measureCopyBandwidth(n, 0.02);
    expect(copy.bytesPerSecond).toBeCloseTo((4 * n * copy.passes) / copy.seconds, 0);
    expect(triad.method).toMatch(/^measured: STREAM triad/);
  });
});
