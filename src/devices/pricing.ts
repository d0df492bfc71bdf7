/**
 * The one dollars-from-seconds formula: seconds × the device's USD per hour ÷ 3600. Every
 * cost in costsim goes through it, so a bench record, a pruning record, a placement plan and a
 * market provider price the same seconds on the same device at the same dollars.
 */
import { UsageError } from '../errors.ts';

/** USD for `seconds` of a device rented at `usdPerHour` (both ≥ 0). */
export function usdForSeconds(seconds: number, usdPerHour: number): number {
  return (seconds * usdPerHour) / 3600;
}

/**
 * A rate given for this machine (`--usd-per-hour`, a scenario bench entry's `usdPerHour`),
 * checked: a positive finite number of USD per hour. The one check, for flags and scenarios.
 */
export function checkUsdPerHour(usdPerHour: number): number {
  if (!(Number.isFinite(usdPerHour) && usdPerHour > 0)) throw new UsageError('--usd-per-hour', `must be a positive number of USD per hour (got ${usdPerHour})`);
  return usdPerHour;
}

/** What pricing measured time needs of a device: its kind and id. */
export interface PricedDevice {
  id: string;
  kind: 'cpu' | 'gpu';
}

/**
 * Why `device` cannot price seconds measured on this machine, or undefined when it can.
 * Measured time is priced only as the machine that produced it: this CPU, rented as a
 * catalogue CPU instance (or at a rate the user gives). A GPU never ran a job measured here,
 * so its $/hour times this machine's seconds would be a number about no real machine; a GPU
 * figure goes through the placement or serving model and is labelled modeled.
 */
export function measuredPricingProblem(device: PricedDevice): string | undefined {
  if (device.kind === 'cpu') return undefined;
  return (
    `"${device.id}" is a GPU and never ran this job: seconds measured here are priced only as this machine (a CPU instance such as aws-c6a.large). ` +
    `For a modeled ${device.id} figure use \`costsim plan\` (training step, roofline) or \`costsim serve\` (inference), both labelled modeled`
  );
}

/**
 * Why pricing this machine's seconds as `device` prices them at another machine's rate, or
 * undefined when the instance matches (same vCPU count) or says nothing about its vCPUs. An
 * instance's $/hour buys its vCPUs: seconds measured on `localCores` cores priced as a larger
 * or smaller instance are dollars about neither machine.
 */
export function instanceMismatch(device: { id: string; vcpus?: { value: number } }, localCores: number): string | undefined {
  const vcpus = device.vcpus?.value;
  if (vcpus === undefined || vcpus === localCores) return undefined;
  return (
    `this machine has ${localCores} vCPU${localCores === 1 ? '' : 's'} but ${device.id} has ${vcpus}: its $/hour buys ${vcpus} vCPUs, so these dollars price this machine's seconds at another machine's rate ` +
    `(choose a ${localCores}-vCPU instance with --device, or give this machine's own rate with --usd-per-hour)`
  );
}
