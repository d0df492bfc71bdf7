import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/util/rng.ts';
import type { CostGraph, LayerCost } from '../../src/placement/graph.ts';
import type { PlannerDevice } from '../../src/placement/roofline.ts';
import type { LayerPlacement } from '../../src/placement/costs.ts';
import { optimalPlan, placementOptions } from '../../src/placement/dp.ts';
import { evaluatePlan } from '../../src/placement/plan.ts';
import { buildTable, lagrangianCandidates, pathTotals, repairPath } from '../../src/placement/bounds.ts';

// Second method: enumerate every assignment (options^layers) and keep the best that fits.
function bruteForce(graph: CostGraph, devices: PlannerDevice[], objective: 'time' | 'cost'): number | undefined {
  const options = placementOptions(devices);
  const host = devices.findIndex((d) => d.kind === 'cpu');
  let best: number | undefined;
  const choice: LayerPlacement[] = [];
  const visit = (i: number): void => {
    if (i === graph.layers.length) {
      const plan = evaluatePlan(graph, devices, choice, { strategy: 'optimal-dp', label: 'brute', ...(host >= 0 ? { hostIndex: host } : {}) });
      const score = objective === 'time' ? plan.stepSeconds : plan.usdPerStep;
      if (plan.fits && (best === undefined || score < best)) best = score;
      return;
    }
    for (const o of options) {
      choice[i] = o;
      visit(i + 1);
    }
  };
  visit(0);
  return best;
}

function randomCase(seed: number): { graph: CostGraph; devices: PlannerDevice[] } {
  const rng = createRng(seed);
  const layers: LayerCost[] = Array.from({ length: 5 }, (_, i) => {
    const forward = 1e9 * (1 + 20 * rng.next());
    return {
      name: `l${i}`,
      className: 'Dense',
      params: Math.round(1e6 * (1 + 9 * rng.next())),
      forwardFlops: forward,
      backwardFlops: 2 * forward,
      outputBytes: Math.round(1e6 * (1 + 50 * rng.next())),
      activationBytes: Math.round(1e7 * rng.next()),
    };
  });
  const graph: CostGraph = {
    name: `random-${seed}`,
    layers,
    dtype: 'bf16',
    optimizer: 'adam',
    tokensPerStep: 512,
    tokenUnit: 'tokens',
    inputBytes: 4096,
    derivation: 'random',
  };
  const total = layers.reduce((s, l) => s + 16 * l.params + l.activationBytes, 0);
  const base = { peakSource: 'test', computeEfficiency: 0.5, memoryEfficiency: 0.8, provenance: 'modeled' as const };
  const devices: PlannerDevice[] = [
    { ...base, id: 'cpu', kind: 'cpu', peakFlopsPerSecond: 1e11, memoryBandwidthBytesPerSecond: 2e10, capacityBytes: total, usdPerHour: 0.1 + rng.next() },
    {
      ...base,
      id: 'gpu-a',
      kind: 'gpu',
      peakFlopsPerSecond: 1e13,
      memoryBandwidthBytesPerSecond: 3e11,
      hostLinkBytesPerSecond: 1e9 * (1 + 30 * rng.next()),
      capacityBytes: total * (0.2 + 0.3 * rng.next()),
      usdPerHour: 1 + 3 * rng.next(),
    },
    {
      ...base,
      id: 'gpu-b',
      kind: 'gpu',
      peakFlopsPerSecond: 4e13,
      memoryBandwidthBytesPerSecond: 1e12,
      hostLinkBytesPerSecond: 1.5e10,
      capacityBytes: total * (0.1 + 0.3 * rng.next()),
      usdPerHour: 2 + 5 * rng.next(),
    },
  ];
  return { graph, devices };
}

describe('optimal DP equals exhaustive search (5 layers × 5 options = 3125 assignments)', () => {
  for (const seed of [1, 2, 3, 4]) {
    for (const objective of ['time', 'cost'] as const) {
      it(`seed ${seed}, objective ${objective}`, () => {
        const { graph, devices } = randomCase(seed);
        const expected = bruteForce(graph, devices, objective);
        const plan = optimalPlan(graph, devices, objective);
        expect(plan?.fits).toBe(true);
        const got = objective === 'time' ? plan?.stepSeconds : plan?.usdPerStep;
        expect(got).toBeCloseTo(expected as number, 12);
      });
    }
  }

  it('the Lagrangian dual is a lower bound and its repaired candidates are feasible upper bounds', () => {
    for (const seed of [1, 2, 3, 4, 6]) {
      const { graph, devices } = randomCase(seed);
      const optimum = bruteForce(graph, devices, 'time') as number;
      const table = buildTable(graph, devices, placementOptions(devices), 0);
      const capacities = devices.map((d) => d.capacityBytes);
      const relaxation = lagrangianCandidates(table, capacities, (_, t) => t.seconds);
      expect(relaxation.dualSeconds).toBeLessThanOrEqual(optimum * (1 + 1e-12));
      for (const path of relaxation.paths) {
        const totals = pathTotals(table, path, devices.length);
        totals.bytes.forEach((b, d) => expect(b).toBeLessThanOrEqual(capacities[d] as number));
        expect(totals.seconds).toBeGreaterThanOrEqual(optimum * (1 - 1e-12));
      }
      // repairing the everything-on-the-fastest-GPU path yields a plan that fits
      const allOnB = graph.layers.map(() => 2);
      const repaired = repairPath(table, allOnB, capacities);
      if (repaired) pathTotals(table, repaired, devices.length).bytes.forEach((b, d) => expect(b).toBeLessThanOrEqual(capacities[d] as number));
    }
  });

  it('respects a tighter --max-memory style cap exactly (nothing fits → undefined, like exhaustive search)', () => {
    const { graph, devices } = randomCase(5);
    const capped = devices.map((d) => ({ ...d, capacityBytes: d.capacityBytes * 0.05 }));
    expect(bruteForce(graph, capped, 'time')).toBeUndefined();
    expect(optimalPlan(graph, capped, 'time')).toBeUndefined();
  });
});
