/**
 * Roofline timing (Williams, Waterman & Patterson 2009): a piece of work takes the longer of
 * its compute time (FLOPs ÷ achievable FLOP/s) and its memory time (bytes ÷ achievable
 * bandwidth); tensors crossing devices take bytes ÷ link bandwidth. Pure functions.
 */
import type { Device, Dtype } from '../devices/catalog.ts';
import type { WeightDtype } from './graph.ts';

/** A device reduced to the figures the planner uses, with the efficiencies applied stated. */
export interface PlannerDevice {
  id: string;
  kind: 'cpu' | 'gpu';
  /** Peak FLOP/s for the graph's dtype, before efficiency. */
  peakFlopsPerSecond: number;
  /** Which catalogue figure the peak came from (dtype and source). */
  peakSource: string;
  memoryBandwidthBytesPerSecond: number;
  /** Per direction; absent for CPUs (their boundary copies run at memory bandwidth). */
  hostLinkBytesPerSecond?: number;
  /** Usable bytes: the device memory or a smaller --max-memory cap. */
  capacityBytes: number;
  usdPerHour: number;
  /** Fraction of peak FLOP/s reached on dense layers (0–1]. */
  computeEfficiency: number;
  /** Fraction of peak bandwidth reached (0–1]. */
  memoryEfficiency: number;
  /** 'measured' when the figures were measured on this machine, 'modeled' for catalogue figures. */
  provenance: 'measured' | 'modeled';
}

/** Efficiencies applied to catalogue (modeled) devices. */
export interface Efficiencies {
  compute: number;
  memory: number;
}

/**
 * Default efficiencies for modeled devices: 0.5 of peak FLOP/s (large-model training reaches
 * 40–55% MFU; PaLM 540B 46.2%, Chowdhery et al. 2022) and 0.8 of peak bandwidth (an assumption:
 * STREAM-like kernels reach 80–90% of HBM/DDR peak).
 */
export const DEFAULT_EFFICIENCIES: Efficiencies = { compute: 0.5, memory: 0.8 };

/**
 * The peak FLOP/s a device offers for a training dtype. bf16 falls back to fp32 (not fp16:
 * a GPU without bf16 units, like the T4, emulates it); CPUs use their fp32 peak for every
 * dtype (an assumption: no AMX/AVX512-BF16 kernels in the frameworks modeled).
 */
export function peakFor(device: Device, dtype: WeightDtype): { flopsPerSecond: number; source: string } {
  const order: Dtype[] = device.kind === 'cpu' ? ['fp32'] : dtype === 'fp32' ? ['fp32'] : [dtype, 'fp32'];
  for (const key of order) {
    const figure = device.peakFlops[key];
    if (figure) return { flopsPerSecond: figure.value, source: `${key}: ${figure.source} (${figure.date})` };
  }
  return { flopsPerSecond: device.peakFlops.fp32.value, source: `fp32: ${device.peakFlops.fp32.source}` };
}

/** Reduce a catalogue device for a graph's dtype, under an optional memory cap (bytes). */
export function toPlannerDevice(
  device: Device,
  dtype: WeightDtype,
  options: { capBytes?: number; efficiencies?: Efficiencies; provenance?: 'measured' | 'modeled' } = {},
): PlannerDevice {
  const peak = peakFor(device, dtype);
  const provenance = options.provenance ?? 'modeled';
  // Measured figures are already achieved rates: no further derating.
  const eff = provenance === 'measured' ? { compute: 1, memory: 1 } : (options.efficiencies ?? DEFAULT_EFFICIENCIES);
  const planner: PlannerDevice = {
    id: device.id,
    kind: device.kind,
    peakFlopsPerSecond: peak.flopsPerSecond,
    peakSource: peak.source,
    memoryBandwidthBytesPerSecond: device.memoryBandwidthBytesPerSecond.value,
    capacityBytes: Math.min(device.memoryBytes.value, options.capBytes ?? Infinity),
    usdPerHour: device.usdPerHour.value,
    computeEfficiency: eff.compute,
    memoryEfficiency: eff.memory,
    provenance,
  };
  if (device.hostLinkBytesPerSecond) planner.hostLinkBytesPerSecond = device.hostLinkBytesPerSecond.value;
  return planner;
}

/** Roofline time of one piece of work, with which bound it hit. */
export interface RooflineTime {
  seconds: number;
  computeSeconds: number;
  memorySeconds: number;
  bound: 'compute' | 'memory';
}

/** max(flops ÷ (peak × eff), bytes ÷ (bandwidth × eff)). */
export function rooflineSeconds(flops: number, bytes: number, device: PlannerDevice): RooflineTime {
  const computeSeconds = flops / (device.peakFlopsPerSecond * device.computeEfficiency);
  const memorySeconds = bytes / (device.memoryBandwidthBytesPerSecond * device.memoryEfficiency);
  const bound = computeSeconds >= memorySeconds ? 'compute' : 'memory';
  return { seconds: Math.max(computeSeconds, memorySeconds), computeSeconds, memorySeconds, bound };
}

/**
 * Bandwidth (bytes/s) of the path between two devices: a GPU's host link (the slower one when
 * both are GPUs, through host memory: no NVLink modeled; DMA from host memory is bound by the
 * link, not by a CPU instance's pro-rated share of DRAM bandwidth); between two CPU-side
 * devices (e.g. two tfjs backends in one process) their copy rate if measured, else memory
 * bandwidth.
 */
export function linkBytesPerSecond(from: PlannerDevice, to: PlannerDevice): number {
  const side = (d: PlannerDevice): number => d.hostLinkBytesPerSecond ?? d.memoryBandwidthBytesPerSecond;
  const gpus = [from, to].filter((d) => d.kind === 'gpu');
  return gpus.length > 0 ? Math.min(...gpus.map(side)) : Math.min(side(from), side(to));
}

/** Seconds to move `bytes` from one device to another (0 on the same device). */
export function transferSeconds(bytes: number, from: PlannerDevice, to: PlannerDevice): number {
  if (from.id === to.id) return 0;
  return bytes / linkBytesPerSecond(from, to);
}
