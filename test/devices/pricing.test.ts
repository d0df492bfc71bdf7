import { describe, expect, it } from 'vitest';
import { instanceMismatch, measuredPricingProblem, usdForSeconds } from '../../src/devices/pricing.ts';
import { DEVICE_CATALOG, findDevice } from '../../src/devices/catalog.ts';

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
    expect(instanceMismatch(c6a, 2)).toBeUndefined();
    expect(instanceMismatch(r6a, 2)).toMatch(/^this machine has 2 vCPUs but aws-r6a\.4xlarge has 16: .*--usd-per-hour/);
    expect(instanceMismatch(c6a, 1)).toMatch(/^this machine has 1 vCPU but aws-c6a\.large has 2/);
    expect(instanceMismatch({ id: 'no-count' }, 7)).toBeUndefined(); // an instance that states no vCPUs cannot be checked
  });
});
