/**
 * Plan costs a scenario's providers need: for each placement entry a provider's `cost.placement`
 * names, plan the transformer shape on its devices (placement/, pure roofline model) and take
 * the best plan's USD per million tokens. Loaded lazily, only for scenarios that use it.
 */
import { InputError } from '../../errors.ts';
import type { Scenario } from '../../scenario/normalize.ts';
import type { PlanCost } from '../../market/costs.ts';

/** Placement ids referenced by some provider's cost. */
function referencedPlacements(scenario: Scenario): Set<string> {
  const ids = new Set<string>();
  for (const p of scenario.market?.providers ?? []) if (p.cost.kind === 'planned') ids.add(p.cost.placement);
  return ids;
}

/** Best-plan costs by placement id; empty when no provider prices from a plan. */
export async function resolvePlanCosts(scenario: Scenario, file = scenario.name): Promise<Map<string, PlanCost>> {
  const plans = new Map<string, PlanCost>();
  const wanted = referencedPlacements(scenario);
  if (wanted.size === 0) return plans;
  const { parseTransformerShape, transformerGraph } = await import('../../placement/transformer.ts');
  const { planPlacements } = await import('../../placement/planner.ts');
  const { toPlannerDevice } = await import('../../placement/roofline.ts');
  const { findDevice } = await import('../../devices/catalog.ts');
  scenario.placement.forEach((entry, i) => {
    if (!entry.id || !wanted.has(entry.id)) return;
    const graph = transformerGraph(parseTransformerShape(entry.model, `placement[${i}].model`));
    const devices = entry.devices.map((id) => {
      const device = findDevice(id, scenario.devices);
      if (!device) throw new InputError({ file, path: `placement[${i}].devices` }, `unknown device "${id}"`);
      const cap = entry.maxMemory?.[id];
      return toPlannerDevice(device, graph.dtype, cap !== undefined ? { capBytes: cap } : {});
    });
    const result = planPlacements(graph, devices, entry.objective);
    const best = result.plans[0];
    if (!best || !best.fits)
      throw new InputError({ file, path: `placement[${i}]` }, `the model fits on none of the devices (${result.fitsNowhere?.missingBytes ?? '?'} bytes missing); add devices or memory`);
    plans.set(entry.id, {
      usdPerMTokens: best.usdPerMTokens,
      source: `${best.strategy} plan (${best.label}) of ${graph.name}, ${best.stepSeconds.toPrecision(4)} s per forward step of ${best.tokensPerStep} tokens, roofline model with catalogue figures`,
    });
  });
  return plans;
}
