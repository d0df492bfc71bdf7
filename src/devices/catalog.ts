/**
 * Device catalogue: every figure carries its source and the date it was taken. Pure data,
 * no I/O: bench/ prices runs with it, placement/ models step times with it, market/ turns
 * FLOPs into dollars with it. A scenario may add devices of its own (same shape).
 * Types live in ./types.ts, CPU instances in ./cpus.ts, GPUs in ./gpus.ts; this machine's
 * CPU is measured at run time (./local.ts).
 */
import { CPU_CATALOG } from './cpus.ts';
import { GPU_CATALOG } from './gpus.ts';
import { cpuVendorOf, type LocalCpu } from './pricing.ts';
import type { Device } from './types.ts';

export type { CpuVendor, Device, Dtype, Sourced } from './types.ts';

/** The built-in devices: CPU instances first, then GPUs. */
export const DEVICE_CATALOG: readonly Device[] = [...CPU_CATALOG, ...GPU_CATALOG];

/**
 * The catalogue instance that prices seconds measured here when nothing else is said and no
 * instance matches this machine better (defaultLocalInstance), and where costsim does not look
 * at this machine (`--local-price`, a scenario's local-cpu serving): AWS c6a.large, 2 vCPUs of an
 * AMD EPYC. One constant, so every command agrees.
 */
export const DEFAULT_LOCAL_INSTANCE = 'aws-c6a.large';

/**
 * The CPU instance that prices this machine when the user names none (`bench`/`prune` without
 * `--device`): the first catalogue instance with this machine's vCPU count and CPU vendor (read
 * from its model string: a 2-vCPU Intel Xeon → aws-c6i.large, a 2-vCPU AMD EPYC → aws-c6a.large),
 * else DEFAULT_LOCAL_INSTANCE, whose mismatch instanceMismatch then states.
 */
export function defaultLocalInstance(cpu: LocalCpu, catalog: readonly Device[] = DEVICE_CATALOG): Device {
  const vendor = cpuVendorOf(cpu.model);
  const twin = catalog.find((d) => d.kind === 'cpu' && d.vcpus?.value === cpu.cores && vendor !== undefined && d.cpuVendor === vendor);
  return twin ?? (findDevice(DEFAULT_LOCAL_INSTANCE, catalog) as Device);
}

/** Look a device up by id in the built-in catalogue plus `extra` (scenario devices win). */
export function findDevice(id: string, extra: readonly Device[] = []): Device | undefined {
  return extra.find((d) => d.id === id) ?? DEVICE_CATALOG.find((d) => d.id === id);
}

/** All ids, for error messages that list what is allowed. */
export function deviceIds(extra: readonly Device[] = []): string[] {
  return [...new Set([...extra.map((d) => d.id), ...DEVICE_CATALOG.map((d) => d.id)])];
}
