import { describe, expect, it } from 'vitest';
import { cpuVendorOf, instanceMismatch, measuredPricingProblem, usdForSeconds } from '../../src/devices/pricing.ts';
import { DEFAULT_LOCAL_INSTANCE, DEVICE_CATALOG, defaultLocalInstance, findDevice } from '../../src/devices/catalog.ts';

// CPU model strings as /proc/cpuinfo prints them on the two AWS instances (c6i.large: Xeon Platinum 8375C; c6a.large: EPYC 7R13).
const INTEL = 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz';
const AMD = 'AMD EPYC 7R13 Processor';

describe('pricing', () => {
  it('prices seconds at $/hour ÷ 3600 (by hand: 90 s at $2.40/h = $0.06)', () => {
    expect(usdForSeconds(90, 2.4)).toBeCloseTo(0.06, 15);
    expect(usdForSeconds(3600, 0.0765)).toBeCloseTo(0.0765, 15);
  });

  it('lets only CPU instances price time measured on this CPU; every catalogue GPU is refused', () => {
    for (const device of DEVICE_CATALOG) {
      const problem = measuredPricingProblem(device);
      if (device.kind === 'gpu') expect(problem).toMatch(new RegExp(`"${device.id}" is a GPU and never ran this job`));
      else expect(problem).toBeUndefined();
    }
    expect(DEVICE_CATALOG.some((d) => d.kind === 'gpu')).toBe(true);
  });

  it("says when the instance this machine is priced as has another vCPU count (AWS's tables: c6a.large 2, r6a.4xlarge 16)", () => {
    const c6a = findDevice('aws-c6a.large')!;
    const r6a = findDevice('aws-r6a.4xlarge')!;
    expect([c6a.vcpus?.value, r6a.vcpus?.value, findDevice('gcp-n2d-standard-2')!.vcpus?.value]).toEqual([2, 16, 2]);
    expect(instanceMismatch(c6a, { cores: 2, model: AMD })).toBeUndefined();
    expect(instanceMismatch(r6a, { cores: 2, model: AMD })).toMatch(/^this machine has 2 vCPUs but aws-r6a\.4xlarge has 16: .*--usd-per-hour/);
    expect(instanceMismatch(c6a, { cores: 1, model: AMD })).toMatch(/^this machine has 1 vCPU but aws-c6a\.large has 2/);
    expect(instanceMismatch({ id: 'no-count' }, { cores: 7, model: AMD })).toBeUndefined(); // an instance that states no vCPUs cannot be checked
  });

  it('reads the CPU vendor from the model string (Intel, AMD, or neither)', () => {
    expect(cpuVendorOf(INTEL)).toBe('Intel');
    expect(cpuVendorOf('Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz')).toBe('Intel');
    expect(cpuVendorOf(AMD)).toBe('AMD');
    expect(cpuVendorOf('AMD Ryzen 9 5950X 16-Core Processor')).toBe('AMD');
    expect(cpuVendorOf('Neoverse-N1')).toBeUndefined();
    expect(cpuVendorOf('unknown CPU')).toBeUndefined();
  });

  it("warns (a message, not a refusal) when this machine's CPU vendor is not the instance's: Intel seconds priced as AMD EPYC c6a.large, and the reverse", () => {
    const c6a = findDevice('aws-c6a.large')!;
    const c6i = findDevice('aws-c6i.large')!;
    expect([c6a.cpuVendor, c6i.cpuVendor]).toEqual(['AMD', 'Intel']); // AWS: c6a on 3rd gen EPYC, c6i on 3rd gen Xeon (Ice Lake)
    expect(instanceMismatch(c6a, { cores: 2, model: INTEL })).toMatch(
      /^this machine's CPU is Intel \(Intel\(R\) Xeon\(R\) Platinum 8375C.*\) but aws-c6a\.large runs on AMD: .*\(choose a 2-vCPU Intel instance with --device, or give this machine's own rate with --usd-per-hour\)$/,
    );
    expect(instanceMismatch(c6i, { cores: 2, model: AMD })).toMatch(/^this machine's CPU is AMD .* but aws-c6i\.large runs on Intel/);
    expect(instanceMismatch(c6i, { cores: 2, model: INTEL })).toBeUndefined();
    // Both wrong: both said, once each.
    const both = instanceMismatch(findDevice('aws-r6a.4xlarge')!, { cores: 2, model: INTEL }) as string;
    expect(both).toMatch(/has 16: .*; and this machine's CPU is Intel/);
    // A vendor the string does not name is not guessed at: only the vCPU count is checked.
    expect(instanceMismatch(c6a, { cores: 2, model: 'Neoverse-N1' })).toBeUndefined();
  });

  it('picks the catalogue twin of this machine when none is named: same vCPU count and vendor, else the default instance', () => {
    expect(defaultLocalInstance({ model: INTEL, cores: 2 }).id).toBe('aws-c6i.large');
    expect(defaultLocalInstance({ model: AMD, cores: 2 }).id).toBe('aws-c6a.large');
    // No 4-vCPU instance in the catalogue, no vendor in the string: the default, whose mismatch is then warned about.
    expect(defaultLocalInstance({ model: INTEL, cores: 4 }).id).toBe(DEFAULT_LOCAL_INSTANCE);
    expect(defaultLocalInstance({ model: 'Neoverse-N1', cores: 2 }).id).toBe(DEFAULT_LOCAL_INSTANCE);
    expect(instanceMismatch(defaultLocalInstance({ model: INTEL, cores: 2 }), { model: INTEL, cores: 2 })).toBeUndefined();
  });

  it("prices c6i.large at AWS's on-demand us-east-1 Linux rate, $0.085/h (c6a.large's $0.0765 is 10% below it)", () => {
    const c6i = findDevice('aws-c6i.large')!;
    expect(c6i.usdPerHour.value).toBe(0.085);
    expect(findDevice('aws-c6a.large')!.usdPerHour.value).toBeCloseTo(0.9 * c6i.usdPerHour.value, 12);
    expect(c6i.usdPerHour.unverified).toBe(true); // not read from the AWS page itself here
    expect(c6i.vcpus?.value).toBe(2);
  });
});
