/**
 * Energy of a run in joules: measured from Linux RAPL counters
 * (/sys/class/powercap/intel-rapl:*, also used for AMD) where they are readable, else modeled
 * as device power × wall time × CPU load, the fallback CodeCarbon uses when RAPL is missing
 * (CodeCarbon methodology: TDP × load), plus RAM power; carbon from a grid table
 * (src/devices/carbon.ts). The result says which, and from what.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Device } from '../devices/catalog.ts';
import type { Provenance } from './record.ts';
import { carbonGrams, DEFAULT_GRID_REGION, GRID_INTENSITY, gridRegions, RAM_POWER_SOURCE, RAM_WATTS_PER_BYTE } from '../devices/carbon.ts';

const POWERCAP = '/sys/class/powercap';

/** A snapshot of the package energy counters, µJ, with their wrap-around ranges. */
export interface RaplSnapshot {
  zones: Array<{ path: string; energyMicrojoules: number; maxMicrojoules: number }>;
}

/** Read package-level RAPL zones (intel-rapl:N, no sub-zones); undefined when none is readable. */
export function readRapl(root = POWERCAP): RaplSnapshot | undefined {
  try {
    if (!existsSync(root)) return undefined;
    const zones = readdirSync(root)
      .filter((name) => /^intel-rapl:\d+$/.test(name))
      .map((name) => {
        const dir = join(root, name);
        return {
          path: dir,
          energyMicrojoules: Number(readFileSync(join(dir, 'energy_uj'), 'utf8')),
          maxMicrojoules: Number(readFileSync(join(dir, 'max_energy_range_uj'), 'utf8')),
        };
      });
    return zones.length > 0 && zones.every((z) => Number.isFinite(z.energyMicrojoules)) ? { zones } : undefined;
  } catch {
    return undefined; // present but unreadable (non-root since Linux 5.10): fall back to the model
  }
}

/** Joules between two snapshots, allowing each counter to wrap once. */
export function raplJoules(before: RaplSnapshot, after: RaplSnapshot): number {
  let microjoules = 0;
  before.zones.forEach((zone, i) => {
    const end = after.zones[i]?.energyMicrojoules ?? zone.energyMicrojoules;
    microjoules += end >= zone.energyMicrojoules ? end - zone.energyMicrojoules : end + zone.maxMicrojoules - zone.energyMicrojoules;
  });
  return microjoules / 1e6;
}

/** Measured-or-modeled energy of one run, and its carbon. */
export interface EnergyEstimate {
  energyJoules: number;
  provenance: Provenance;
  carbonGrams: number;
  carbonProvenance: Provenance;
}

/** Where the electricity came from: a region of the grid table (default world) and a PUE ≥ 1. */
export interface GridOptions {
  region?: string;
  pue?: number;
}

/**
 * One energy model for every record, CodeCarbon's: CPU energy from RAPL when both snapshots
 * exist, else `device.powerWatts` × `wallSeconds` × `cpuLoad` (process CPU seconds ÷ (wall
 * seconds × vCPUs), clipped to [0, 1]); plus RAM power (3 W per 8 GB of the device's memory)
 * × wall seconds, which RAPL's package counters do not include. Carbon = energy × PUE × grid
 * intensity of the region.
 */
export function estimateEnergy(input: {
  device: Device;
  wallSeconds: number;
  cpuSeconds: number;
  cpus: number;
  raplBefore?: RaplSnapshot;
  raplAfter?: RaplSnapshot;
  grid?: GridOptions;
  loadNote?: string;
}): EnergyEstimate {
  const { device, wallSeconds } = input;
  const ramWatts = device.memoryBytes.value * RAM_WATTS_PER_BYTE;
  const ramJoules = ramWatts * wallSeconds;
  const ramWhy = `+ RAM ${ramWatts.toFixed(2)} W × ${wallSeconds.toFixed(2)} s (${RAM_POWER_SOURCE}; ${device.id} memory ${(device.memoryBytes.value / 1e9).toFixed(1)} GB)`;
  let cpuJoules: number;
  let provenance: Provenance;
  if (input.raplBefore && input.raplAfter) {
    cpuJoules = raplJoules(input.raplBefore, input.raplAfter);
    provenance = {
      kind: 'measured',
      source: `RAPL package energy counters (${input.raplBefore.zones.map((z) => z.path).join(', ')}): whole package, all processes, over the run ${ramWhy}`,
    };
  } else {
    const load = Math.min(1, Math.max(0, input.cpuSeconds / (wallSeconds * input.cpus)));
    const power = device.powerWatts;
    cpuJoules = power.value * wallSeconds * load;
    provenance = {
      kind: 'modeled',
      source:
        `${power.value.toFixed(2)} W (${device.id} powerWatts: ${power.source}, ${power.date}${power.unverified ? ', unverified' : ''}) × ` +
        `${wallSeconds.toFixed(2)} s × CPU load ${load.toFixed(3)} (${input.loadNote ?? `process CPU time ÷ (wall × ${input.cpus} vCPUs)`}) ${ramWhy}; ` +
        'RAPL counters not readable here, so power × load as CodeCarbon falls back',
    };
  }
  const energyJoules = cpuJoules + ramJoules;
  const region = input.grid?.region ?? DEFAULT_GRID_REGION;
  const intensity = GRID_INTENSITY[region];
  if (!intensity) throw new RangeError(`unknown grid region "${region}" (known: ${gridRegions().join(', ')})`);
  const pue = input.grid?.pue ?? 1;
  return {
    energyJoules,
    provenance,
    carbonGrams: carbonGrams(energyJoules, intensity.value, pue),
    carbonProvenance: {
      kind: 'modeled',
      source: `energy ÷ 3.6e6 J/kWh × PUE ${pue}${input.grid?.pue === undefined ? " (default, CodeCarbon's)" : ''} × ${intensity.value} gCO2e/kWh (${region}${input.grid?.region === undefined ? ', default region' : ''}: ${intensity.source}, ${intensity.date}${intensity.unverified ? ', unverified' : ''})`,
    },
  };
}
