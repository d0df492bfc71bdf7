/**
 * The one dollars-from-seconds formula: seconds × the device's USD per hour ÷ 3600. Every
 * cost in costsim goes through it, so a bench record, a pruning record, a placement plan and a
 * market provider price the same seconds on the same device at the same dollars.
 */
import { UsageError } from '../errors.ts';
import type { CpuVendor } from './types.ts';

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

/** This machine's CPU as the instance checks read it: its model string (/proc/cpuinfo "model name", os.cpus()[0].model) and logical CPUs. */
export interface LocalCpu {
  model: string;
  cores: number;
}

/**
 * The vendor a CPU model string names ("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" → Intel,
 * "AMD EPYC 7R13 Processor" → AMD), or undefined when it names neither (an ARM core, "unknown CPU").
 */
export function cpuVendorOf(model: string): CpuVendor | undefined {
  if (/\bIntel\b|\bXeon\b/i.test(model)) return 'Intel';
  if (/\bAMD\b|\bEPYC\b|\bRyzen\b/i.test(model)) return 'AMD';
  return undefined;
}

/**
 * Why pricing this machine's seconds as `device` prices them at another machine's rate, or
 * undefined when the instance matches (same vCPU count and CPU vendor) or says nothing about
 * them. An instance's $/hour buys its vCPUs of its vendor's cores: seconds measured on
 * `local.cores` cores priced as a larger or smaller instance, or measured on an Intel core and
 * priced as an AMD one (or the reverse: the same job runs at another speed there), are dollars
 * about neither machine. A warning, not a refusal: the caller prints it and records it.
 */
export function instanceMismatch(device: { id: string; vcpus?: { value: number }; cpuVendor?: CpuVendor }, local: LocalCpu): string | undefined {
  const problems: string[] = [];
  const vcpus = device.vcpus?.value;
  const cores = local.cores;
  if (vcpus !== undefined && vcpus !== cores)
    problems.push(
      `this machine has ${cores} vCPU${cores === 1 ? '' : 's'} but ${device.id} has ${vcpus}: its $/hour buys ${vcpus} vCPUs, so these dollars price this machine's seconds at another machine's rate`,
    );
  const vendor = cpuVendorOf(local.model);
  if (vendor !== undefined && device.cpuVendor !== undefined && vendor !== device.cpuVendor)
    problems.push(
      `this machine's CPU is ${vendor} (${local.model}) but ${device.id} runs on ${device.cpuVendor}: its $/hour buys another vendor's cores, on which the same job takes other seconds`,
    );
  if (problems.length === 0) return undefined;
  return `${problems.join('; and ')} (choose a ${cores}-vCPU${vendor ? ` ${vendor}` : ''} instance with --device, or give this machine's own rate with --usd-per-hour)`;
}
