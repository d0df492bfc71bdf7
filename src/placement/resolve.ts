/**
 * Turn device ids from the command line (or a scenario) into planner devices: catalogue
 * entries, scenario-supplied devices, or `local-cpu` (this machine, measured by a function the
 * caller passes in, so this module stays free of I/O).
 */
import { UsageError } from '../errors.ts';
import { deviceIds, findDevice, type Device } from '../devices/catalog.ts';
import type { WeightDtype } from './graph.ts';
import { toPlannerDevice, type Efficiencies, type PlannerDevice } from './roofline.ts';

/** The id that means "this machine's CPU, measured now". */
export const LOCAL_CPU_ID = 'local-cpu';

/** Inputs of device resolution. */
export interface ResolveOptions {
  dtype: WeightDtype;
  /** Memory caps by device id, bytes. */
  caps: ReadonlyMap<string, number>;
  efficiencies: Efficiencies;
  /** Devices a scenario adds (they win over the catalogue). */
  extra?: readonly Device[];
  /** Measures this machine and returns it as a Device; needed only when local-cpu is listed. */
  measureLocal?: () => Promise<Device>;
  flag?: string;
  /** Accept an empty list (when checking ids ahead of a measured device). */
  allowEmpty?: boolean;
}

/** Resolve ids in order; unknown ids and repeated ids are UsageErrors naming the flag. */
export async function resolveDevices(ids: readonly string[], options: ResolveOptions): Promise<PlannerDevice[]> {
  const flag = options.flag ?? '--device';
  const allowed = [...deviceIds(options.extra), LOCAL_CPU_ID].join(', ');
  if (ids.length === 0 && !options.allowEmpty) throw new UsageError(flag, 'at least one device is required', allowed);
  const seen = new Set<string>();
  const devices: PlannerDevice[] = [];
  for (const id of ids) {
    if (seen.has(id)) throw new UsageError(flag, `device "${id}" listed twice`);
    seen.add(id);
    const capBytes = options.caps.get(id);
    const capOption = capBytes === undefined ? {} : { capBytes };
    if (id === LOCAL_CPU_ID) {
      if (!options.measureLocal) throw new UsageError(flag, `"${LOCAL_CPU_ID}" cannot be measured here`);
      devices.push(toPlannerDevice(await options.measureLocal(), options.dtype, { ...capOption, provenance: 'measured' }));
      continue;
    }
    const device = findDevice(id, options.extra);
    if (!device) throw new UsageError(flag, `unknown device "${id}"`, allowed);
    devices.push(toPlannerDevice(device, options.dtype, { ...capOption, efficiencies: options.efficiencies }));
  }
  return devices;
}
