/**
 * Pipeline phases "plan once" and "price": every placement entry of a scenario is planned
 * exactly once, through the same entry point as `costsim plan` flags (placement/spec.ts
 * planSpec); the market's plan costs are then read off those results, never planned again.
 * Transformer shapes are pure arithmetic; zoo models are built with tfjs to count FLOPs.
 * Errors name the scenario file and the entry.
 */
import { InputError } from '../errors.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { PlanCost } from '../market/costs.ts';
import { DEFAULT_EFFICIENCIES } from '../placement/roofline.ts';
import { isTransformerShape } from '../placement/transformer.ts';
import { planSpec } from '../placement/spec.ts';
import type { PlanningResult } from '../placement/planner.ts';
import { zooGraph } from '../placement/zoo/index.ts';
import { initRuntime } from '../runtime/index.ts';

/** One planned placement entry: its index and id in the scenario, and the planner's result. */
export interface PlannedEntry {
  index: number;
  id?: string;
  result: PlanningResult;
}

/** Placement ids some provider's cost is priced from. */
export function referencedPlacements(scenario: Scenario): Set<string> {
  const ids = new Set<string>();
  for (const p of scenario.market?.providers ?? []) if (p.cost.kind === 'planned') ids.add(p.cost.placement);
  return ids;
}

/**
 * Plan the scenario's placement entries, in order (each once). `only` restricts planning to the
 * entries with those ids (what `simulate` and `equilibrium` need for plan costs).
 */
export async function planScenario(
  scenario: Scenario,
  file: string,
  options: { backend?: string; env: Record<string, string | undefined>; only?: ReadonlySet<string> },
): Promise<PlannedEntry[]> {
  const planned: PlannedEntry[] = [];
  for (const [index, entry] of scenario.placement.entries()) {
    if (options.only && !(entry.id !== undefined && options.only.has(entry.id))) continue;
    const where = `${file}: placement[${index}]`;
    if (!isTransformerShape(entry.model)) await initRuntime({ flag: options.backend, env: options.env });
    const { result } = await planSpec(entry, {
      extraDevices: scenario.devices,
      efficiencies: DEFAULT_EFFICIENCIES,
      zooGraph,
      fields: { model: `${where}.model`, devices: `${where}.devices`, maxMemory: `${where}.maxMemory` },
    });
    planned.push({ index, ...(entry.id !== undefined ? { id: entry.id } : {}), result });
  }
  return planned;
}

/** Best-plan costs by placement id for the entries providers price from (read off `planned`). */
export function planCosts(scenario: Scenario, planned: readonly PlannedEntry[], file: string): Map<string, PlanCost> {
  const plans = new Map<string, PlanCost>();
  const wanted = referencedPlacements(scenario);
  for (const { index, id, result } of planned) {
    if (id === undefined || !wanted.has(id)) continue;
    const best = result.plans[0];
    if (!best || !best.fits)
      throw new InputError(
        { file, path: `placement[${index}]` },
        `the model fits on none of the devices (${result.fitsNowhere?.missingBytes ?? '?'} bytes missing); add devices or memory`,
      );
    plans.set(id, {
      usdPerMTokens: best.usdPerMTokens,
      source: `${best.strategy} plan (${best.label}) of ${result.graph.name}, ${best.stepSeconds.toPrecision(4)} s per forward step of ${best.tokensPerStep} tokens, roofline model with catalogue figures`,
    });
  }
  return plans;
}
