import { describe, expect, it } from 'vitest';
import { measuredPricingProblem, usdForSeconds } from '../../src/devices/pricing.ts';
import { DEVICE_CATALOG } from '../../src/devices/catalog.ts';

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
});
