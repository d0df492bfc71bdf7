/**
 * Placement plans → the step-time split and memory-vs-capacity rows, plus headline numbers.
 * Pure. Plan figures come from the roofline model over catalogue figures (modeled) unless the
 * device was measured on this machine (its `provenance` says so).
 */
import type { Plan } from '../../placement/plan.ts';
import type { PlanningResult } from '../../placement/planner.ts';
import type { KeyNumber, PlacementMemoryRow, PlacementTimeRow, ProvenanceKind } from '../rows.ts';
import { sig6 } from './market.ts';

const GIB = 1024 ** 3;

/** The plans worth drawing: at most `max` per model, best first (the planner's order). */
function shown(result: PlanningResult, max: number): Plan[] {
  return result.plans.slice(0, max);
}

/** A short model name: a transformer shape's first fields, or the zoo spec as given. */
function modelName(result: PlanningResult): string {
  return result.graph.name.replace(/^transformer\((layers=\d+), (hidden=\d+).*$/, 'transformer($1, $2)');
}

/** A plan's name on the chart: strategy and the devices it uses, prefixed by the model when several models were planned. */
function planName(result: PlanningResult, plan: Plan, several: boolean): string {
  const devices = plan.devices
    .filter((d) => d.bytesUsed > 0)
    .map((d) => d.id)
    .join(' + ');
  const label = `${plan.strategy}${devices ? ` · ${devices}` : ''}`;
  return several ? `${modelName(result)}: ${label}` : label;
}

function planProvenance(plan: Plan): ProvenanceKind {
  return plan.devices.length > 0 && plan.devices.every((d) => d.provenance === 'measured') ? 'measured' : 'modeled';
}

/** Compute, memory and transfer seconds per training step of each plan shown. */
export function placementTimeRows(results: readonly PlanningResult[], maxPlans = 6): PlacementTimeRow[] {
  const several = results.length > 1;
  return results.flatMap((result) =>
    shown(result, maxPlans).flatMap((plan) => {
      const plan_ = planName(result, plan, several) + (plan.fits ? '' : ' (does not fit)');
      const provenance = planProvenance(plan);
      return [
        { plan: plan_, component: 'compute' as const, seconds: sig6(plan.computeSeconds), provenance },
        { plan: plan_, component: 'memory' as const, seconds: sig6(plan.memorySeconds), provenance },
        { plan: plan_, component: 'transfer' as const, seconds: sig6(plan.transferSeconds), provenance },
      ];
    }),
  );
}

/** Bytes each plan keeps on each device it uses, against the device's usable capacity. */
export function placementMemoryRows(results: readonly PlanningResult[], maxPlans = 6): PlacementMemoryRow[] {
  const several = results.length > 1;
  return results.flatMap((result) =>
    shown(result, maxPlans).flatMap((plan) =>
      plan.devices
        .filter((d) => d.bytesUsed > 0)
        .map((d) => ({
          plan: planName(result, plan, several),
          device: d.id,
          usedGiB: sig6(d.bytesUsed / GIB),
          capacityGiB: sig6(d.capacityBytes / GIB),
          overCapacity: d.bytesUsed > d.capacityBytes,
          provenance: d.provenance,
        })),
    ),
  );
}

/** The best plan per model: where it runs, step time and dollars per million tokens. */
export function placementKeyNumbers(results: readonly PlanningResult[]): KeyNumber[] {
  return results.flatMap((result) => {
    const best = result.plans[0];
    if (!best) return [];
    const fits = best.fits ? '' : ` — nothing fits; closest misses ${(best.missingBytes / GIB).toFixed(1)} GiB`;
    return [
      {
        label: `best placement for ${modelName(result)} (${result.objective === 'time' ? 'fastest' : 'cheapest'})${fits}`,
        value: `${planName(result, best, false)}: ${best.stepSeconds.toPrecision(3)} s/step, $${best.usdPerMTokens.toPrecision(3)} per M ${best.tokenUnit}`,
        provenance: planProvenance(best),
        source: 'roofline model over catalogue peak FLOP/s, memory bandwidth and host-link figures',
      },
    ];
  });
}
