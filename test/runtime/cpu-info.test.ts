import { describe, expect, it } from 'vitest';
import { parseCpuInfo } from '../../src/runtime/cpu-info.ts';

const zen3 = `vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel name\t: AMD EPYC 7B13\ncpu MHz\t\t: 2450.000\nflags\t\t: fpu sse2 avx fma avx2\n`;
const skx = `vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel name\t: Intel Xeon Platinum 8175M\ncpu MHz\t\t: 2500.000\nflags\t\t: sse2 avx fma avx2 avx512f\n`;

describe('parseCpuInfo', () => {
  it('derives the Zen 3 peak as cores × 8 lanes × 2 FMA × 2 × clock', () => {
    const info = parseCpuInfo(zen3, 2);
    // 2 × 8 × 2 × 2 × 2.45 GHz = 156.8 GFLOP/s, by hand.
    expect(info.peakGflops).toBeCloseTo(156.8, 6);
    expect(info.simd).toBe('avx2');
  });
  it('uses 16 lanes for Intel AVX-512', () => {
    // 4 × 16 × 2 × 2 × 2.5 GHz = 640 GFLOP/s.
    expect(parseCpuInfo(skx, 4).peakGflops).toBeCloseTo(640, 6);
  });
  it('says why when the clock is missing', () => {
    const info = parseCpuInfo('model name : X\nflags : avx2 fma\n', 1);
    expect(info.peakGflops).toBeUndefined();
    expect(info.peakDerivation).toMatch(/no clock/);
  });
});
