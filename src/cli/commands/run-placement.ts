/**
 * The placement part of `costsim run`: one planning result per scenario `placement` entry
 * (transformer shapes are pure arithmetic; zoo models are built with tfjs to count FLOPs).
 * Errors name the scenario file and the entry.
 */
import type { Scenario } from '../../scenario/normalize.ts';
import type { PlanningResult } from '../../placement/planner.ts';
import type { CostGraph } from '../../placement/graph.ts';
import { DEFAULT_EFFICIENCIES } from '../../placement/roofline.ts';
import { isTransformerShape, parseTransformerShape, transformerGraph } from '../../placement/transformer.ts';
import { resolveDevices } from '../../placement/resolve.ts';
import { planPlacements } from '../../placement/planner.ts';

/** Plan every placement entry of `scenario`, in order. */
export async function runScenarioPlacement(scenario: Scenario, file: string, options: { backend?: string; env: Record<string, string | undefined> }): Promise<PlanningResult[]> {
  const results: PlanningResult[] = [];
  for (const [i, entry] of scenario.placement.entries()) {
    const where = `${file}: placement[${i}]`;
    let graph: CostGraph;
    if (isTransformerShape(entry.model)) graph = transformerGraph(parseTransformerShape(entry.model, `${where}.model`));
    else {
      const { initRuntime } = await import('../../runtime/index.ts');
      await initRuntime({ flag: options.backend, env: options.env });
      const { zooGraph } = await import('../../placement/zoo.ts');
      graph = zooGraph(entry.model, `${where}.model`);
    }
    const devices = await resolveDevices(entry.devices, {
      dtype: graph.dtype,
      caps: new Map(Object.entries(entry.maxMemory ?? {})),
      efficiencies: DEFAULT_EFFICIENCIES,
      extra: scenario.devices,
      flag: `${where}.devices`,
    });
    results.push(planPlacements(graph, devices, entry.objective));
  }
  return results;
}
