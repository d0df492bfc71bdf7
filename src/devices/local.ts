/**
 * This machine's CPU as a catalogue device, measured at run time: fp32 GEMM rate on a tfjs
 * backend (src/runtime/gemm-bench.ts), memory bandwidth (STREAM triad in JS) and the copy
 * rate used for moving tensors between backends (./bandwidth.ts), CPU identity from
 * /proc/cpuinfo (src/runtime/cpu-info.ts). Its price is never assumed: it comes from a named
 * catalogue CPU instance or a rate the user gives.
 */
import { totalmem } from 'node:os';
import { measureGemm, type GemmMeasurement } from '../runtime/gemm-bench.ts';
import { readCpuInfo, type CpuInfo } from '../runtime/cpu-info.ts';
import { tf } from '../runtime/tf.ts';
import { measureCopyBandwidth, measureTriadBandwidth, DEFAULT_BANDWIDTH_ELEMENTS, type BandwidthMeasurement } from './bandwidth.ts';
import type { Device, Sourced } from './types.ts';

/** Everything measured about the local CPU on one tfjs backend. */
export interface LocalCpuMeasurement {
  /** tfjs backend the GEMM ran on. */
  backend: string;
  gemm: GemmMeasurement;
  triad: BandwidthMeasurement;
  copy: BandwidthMeasurement;
  cpu: CpuInfo;
  /** os.totalmem(), bytes. */
  totalMemoryBytes: number;
  /** ISO date-time of the measurement. */
  measuredAt: string;
}

/** Options of one measurement run (sizes and time budgets). */
export interface LocalMeasureOptions {
  /** GEMM matrix side (default 256 on the pure-JS cpu backend, 512 elsewhere). */
  gemmN?: number;
  gemmSeconds?: number;
  bandwidthElements?: number;
  bandwidthSeconds?: number;
}

/** Measure on the active tfjs backend (the caller chooses it). Takes about gemmSeconds + 1 s. */
export async function measureLocalCpu(options: LocalMeasureOptions = {}): Promise<LocalCpuMeasurement> {
  const backend = tf.getBackend();
  const gemm = await measureGemm(options.gemmN ?? (backend === 'cpu' ? 256 : 512), options.gemmSeconds ?? 0.5);
  const elements = options.bandwidthElements ?? DEFAULT_BANDWIDTH_ELEMENTS;
  return {
    backend,
    gemm,
    triad: measureTriadBandwidth(elements, options.bandwidthSeconds ?? 0.5),
    copy: measureCopyBandwidth(elements, options.bandwidthSeconds ?? 0.3),
    cpu: readCpuInfo(),
    totalMemoryBytes: totalmem(),
    measuredAt: new Date().toISOString(),
  };
}

/** Where the local CPU's $/hour and power come from. */
export interface LocalPricing {
  usdPerHour: Sourced;
  powerWatts: Sourced;
}

/** Price the local CPU as a catalogue CPU instance (its $/hour and power). */
export function pricingFromInstance(instance: Device): LocalPricing {
  return {
    usdPerHour: { ...instance.usdPerHour, source: `priced as ${instance.id}: ${instance.usdPerHour.source}` },
    powerWatts: { ...instance.powerWatts, source: `as ${instance.id}: ${instance.powerWatts.source}` },
  };
}

/** Price the local CPU at a rate the user gave (`origin` names the flag or scenario field). */
export function pricingFromRate(usdPerHour: number, origin: string, cores: number, date: string): LocalPricing {
  return {
    usdPerHour: { value: usdPerHour, source: `given by ${origin}`, date },
    powerWatts: { value: cores * (280 / 96), source: 'assumed: EPYC-class 280 W TDP per 96 vCPUs, pro-rated (no power reading here)', date, unverified: true },
  };
}

/** The measured local CPU as a Device; `id` distinguishes backends (e.g. local-cpu@wasm). */
export function localCpuDevice(m: LocalCpuMeasurement, pricing: LocalPricing, id = 'local-cpu'): Device {
  const date = m.measuredAt.slice(0, 10);
  return {
    id,
    name: `this machine: ${m.cpu.model}, ${m.cpu.cores} vCPUs, tfjs ${m.backend} backend`,
    kind: 'cpu',
    peakFlops: {
      fp32: {
        value: m.gemm.gflops * 1e9,
        source: `measured: tfjs ${m.backend} fp32 GEMM ${m.gemm.n}×${m.gemm.n}, ${m.gemm.repeats} repeats in ${m.gemm.seconds.toFixed(2)} s (theoretical peak ${m.cpu.peakGflops?.toFixed(1) ?? 'unknown'} GFLOP/s: ${m.cpu.peakDerivation})`,
        date,
      },
    },
    memoryBytes: { value: m.totalMemoryBytes, source: 'read: os.totalmem()', date },
    memoryBandwidthBytesPerSecond: { value: m.triad.bytesPerSecond, source: m.triad.method, date },
    hostLinkBytesPerSecond: { value: m.copy.bytesPerSecond, source: `${m.copy.method}; used for tensor moves between backends`, date },
    powerWatts: pricing.powerWatts,
    usdPerHour: pricing.usdPerHour,
  };
}
