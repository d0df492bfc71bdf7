/**
 * What this machine's CPU is and its theoretical fp32 peak, derived as
 * vCPUs × SIMD lanes × FMA units × 2 FLOPs × clock, each factor with where it came from.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** CPU identity and derived peak. `peakGflops` is absent where a factor cannot be derived. */
export interface CpuInfo {
  model: string;
  cores: number;
  clockMhz?: number;
  simd?: 'avx512' | 'avx2' | 'avx' | 'sse';
  fmaUnits?: number;
  peakGflops?: number;
  /** How the peak was derived, or why it could not be. */
  peakDerivation: string;
}

/** fp32 lanes per vector register for each SIMD level. */
const LANES = { avx512: 16, avx2: 8, avx: 8, sse: 4 } as const;

/**
 * FMA pipes per core. AMD Zen 2–4 and Intel server cores since Skylake-SP (Gold/Platinum)
 * issue two vector FMAs per cycle; Zen 4 runs AVX-512 as two 256-bit halves, so its 512-bit
 * rate equals its 256-bit rate (counted as avx2 lanes here). An assumption, stated as such.
 */
function fmaUnitsFor(vendor: string, family: number | undefined, simd: CpuInfo['simd']): { units: number; lanesOverride?: number; note: string } {
  if (vendor === 'AuthenticAMD' && family !== undefined && family >= 0x17) {
    return { units: 2, lanesOverride: 8, note: 'AMD Zen: 2 × 256-bit FMA pipes per core (AMD Software Optimization Guide for Zen 3/4)' };
  }
  if (simd === 'avx512') return { units: 2, note: 'Intel AVX-512: 2 FMA units assumed (Xeon Gold/Platinum; some Silver parts have 1)' };
  return { units: 2, note: 'two FMA units per core assumed (Intel Haswell and later)' };
}

/** Parse /proc/cpuinfo text (Linux). Exposed for tests. */
export function parseCpuInfo(text: string, logicalCpus: number): CpuInfo {
  const field = (name: string): string | undefined => {
    const match = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text);
    return match?.[1]?.trim();
  };
  const model = field('model name') ?? 'unknown CPU';
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const mhz = Number(field('cpu MHz'));
  const vendor = field('vendor_id') ?? '';
  const familyText = field('cpu family');
  const family = familyText === undefined ? undefined : Number(familyText);
  const simd: CpuInfo['simd'] = flags.has('avx512f') ? 'avx512' : flags.has('avx2') ? 'avx2' : flags.has('avx') ? 'avx' : flags.has('sse2') ? 'sse' : undefined;
  const info: CpuInfo = { model, cores: logicalCpus, peakDerivation: '' };
  if (Number.isFinite(mhz) && mhz > 0) info.clockMhz = mhz;
  if (simd) info.simd = simd;
  if (!simd || !info.clockMhz) {
    info.peakDerivation = `cannot derive: ${!simd ? 'no SIMD flags in /proc/cpuinfo' : 'no clock ("cpu MHz") in /proc/cpuinfo'}`;
    return info;
  }
  const fma = flags.has('fma') ? fmaUnitsFor(vendor, family, simd) : { units: 1, note: 'no FMA: one multiply and one add pipe assumed' };
  const lanes = fma.lanesOverride ?? LANES[simd];
  info.fmaUnits = fma.units;
  const flopsPerCycle = lanes * fma.units * 2;
  info.peakGflops = (logicalCpus * flopsPerCycle * info.clockMhz) / 1000;
  info.peakDerivation =
    `${logicalCpus} vCPUs × ${lanes} fp32 lanes (${simd}) × ${fma.units} FMA units × 2 FLOPs × ${info.clockMhz.toFixed(0)} MHz ` +
    `("cpu MHz" in /proc/cpuinfo; boost clocks can exceed it) = ${info.peakGflops.toFixed(1)} GFLOP/s. ${fma.note}.`;
  return info;
}

/** Read this machine's CPU info (Linux /proc/cpuinfo; elsewhere only model and core count). */
export function readCpuInfo(): CpuInfo {
  const logical = cpus();
  try {
    return parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8'), logical.length);
  } catch {
    return { model: logical[0]?.model ?? 'unknown CPU', cores: logical.length, peakDerivation: 'cannot derive: /proc/cpuinfo not readable' };
  }
}
