/**
 * Optimal placement by dynamic programming over the layer sequence. Each layer chooses a device
 * (and, on a GPU, whether its optimizer state goes to the host CPU); step time is additive over
 * layers plus boundary transfers that depend only on consecutive choices, and memory is
 * additive per device. The state after layer i is (device of layer i, set of devices in use,
 * bytes used per device); for each (device, set) the programme keeps the Pareto frontier of
 * (bytes per device, seconds). Partial plans that cannot beat a known feasible plan are
 * dropped (bounds.ts: suffix and Lagrangian bounds, incumbent from Lagrangian relaxation plus
 * repair), which keeps the result exact. Only if a frontier still outgrows MAX_FRONTIER is it
 * thinned; the plan then says so and how far it can be from the Lagrangian lower bound.
 *
 * Objective 'time' minimises step seconds; 'cost' minimises seconds × Σ $/hour of the devices
 * in use (the set is part of the state, so both are exact).
 */
import type { LayerPlacement } from './costs.ts';
import { buildTable, lagrangianCandidates, pathTotals, suffixBounds } from './bounds.ts';
import { isInference, type CostGraph } from './graph.ts';
import { evaluatePlan, type Plan } from './plan.ts';
import type { PlannerDevice } from './roofline.ts';
import { hostIndexOf } from './strategies.ts';

/** What the optimum minimises. */
export type Objective = 'time' | 'cost';

const MAX_FRONTIER = 600;

interface State {
  device: number;
  mask: number;
  bytes: number[];
  seconds: number;
  placement: LayerPlacement;
  parent: State | undefined;
}

function dominates(a: State, b: State): boolean {
  return a.seconds <= b.seconds && a.bytes.every((v, i) => v <= (b.bytes[i] ?? 0));
}

/** Every `step`-th element of a list sorted by time, always keeping the first and the last. */
function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const out: T[] = [];
  for (let k = 0; k < count; k++) out.push(items[Math.round((k * (items.length - 1)) / (count - 1))] as T);
  return out;
}

/**
 * Per (device, mask) group (mask only matters when minimising dollars, so 'time' groups by
 * device alone): merge states with identical bytes (keeping the faster), drop
 * dominated states, and when the frontier is still larger than MAX_FRONTIER keep an even
 * spread of it from fastest to leanest. Returns whether the frontier had to be thinned.
 */
function prune(states: State[], byMask: boolean): { kept: State[]; truncated: boolean } {
  const groups = new Map<string, Map<string, State>>();
  let truncated = false;
  for (const s of states) {
    const key = byMask ? `${s.device}|${s.mask}` : `${s.device}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = new Map()));
    const bytesKey = s.bytes.join(',');
    const same = group.get(bytesKey);
    if (!same || s.seconds < same.seconds) group.set(bytesKey, s);
  }
  const kept: State[] = [];
  for (const group of groups.values()) {
    const sorted = [...group.values()].sort((a, b) => a.seconds - b.seconds);
    const frontier: State[] = [];
    for (const s of sorted) if (!frontier.some((f) => dominates(f, s))) frontier.push(s);
    if (frontier.length > MAX_FRONTIER) truncated = true;
    kept.push(...spread(frontier, MAX_FRONTIER));
  }
  return { kept, truncated };
}

/** The placement options of the module comment, for the given devices. */
export function placementOptions(devices: readonly PlannerDevice[], inference = false): LayerPlacement[] {
  const host = inference ? undefined : hostIndexOf(devices);
  const options: LayerPlacement[] = devices.map((_, device) => ({ device, offloadOptimizer: false }));
  if (host !== undefined) devices.forEach((d, device) => d.kind === 'gpu' && options.push({ device, offloadOptimizer: true }));
  return options;
}

function usdPerHourOf(mask: number, devices: readonly PlannerDevice[]): number {
  return devices.reduce((sum, d, i) => sum + (mask & (1 << i) ? d.usdPerHour : 0), 0);
}

/** The optimal plan under the devices' capacities, or undefined when no assignment fits. */
export function optimalPlan(graph: CostGraph, devices: readonly PlannerDevice[], objective: Objective): Plan | undefined {
  if (devices.length > 30) throw new Error('optimalPlan: at most 30 devices');
  const D = devices.length;
  const host = hostIndexOf(devices);
  const options = placementOptions(devices, isInference(graph));
  const table = buildTable(graph, devices, options, isInference(graph) ? undefined : host);
  const capacities = devices.map((d) => d.capacityBytes);
  // Cheap infeasibility proof: even the leanest option per layer overflows the total capacity.
  const leanest = table.bytes.reduce((sum, perOption) => sum + Math.min(...perOption.map((b) => b.reduce((x, y) => x + y, 0))), 0);
  if (leanest > capacities.reduce((a, b) => a + b, 0)) return undefined;

  const maskOf = (path: readonly number[]): number =>
    path.reduce((m, k, i) => m | (table.bytes[i]?.[k] ?? []).reduce((mm, b, d) => (b > 0 ? mm | (1 << d) : mm), 1 << (options[k] as LayerPlacement).device), 0);
  const scorePath = (path: number[], totals: { seconds: number }): number =>
    objective === 'time' ? totals.seconds : totals.seconds * usdPerHourOf(maskOf(path), devices);
  const relaxation = lagrangianCandidates(table, capacities, scorePath);
  const incumbentPath = relaxation.paths[0];
  const incumbent = incumbentPath ? scorePath(incumbentPath, pathTotals(table, incumbentPath, D)) : Infinity;
  const suffix = suffixBounds(table, D);
  const lambda = relaxation.bestLambda;
  const suffixLambda = suffixBounds(table, D, lambda);

  let states: State[] = [];
  let truncated = false;
  graph.layers.forEach((_, i) => {
    const next: State[] = [];
    const parents: Array<State | undefined> = i === 0 ? [undefined] : states;
    options.forEach((option, k) => {
      const optionBytes = table.bytes[i]?.[k] ?? [];
      const layerSeconds = table.seconds[i]?.[k] ?? 0;
      for (const parent of parents) {
        const bytes = parent ? parent.bytes.map((b, d) => b + (optionBytes[d] ?? 0)) : [...optionBytes];
        if (bytes.some((b, d) => b > (capacities[d] as number))) continue;
        const mask = optionBytes.reduce((m, b, d) => (b > 0 ? m | (1 << d) : m), (parent?.mask ?? 0) | (1 << option.device));
        const seconds = (parent?.seconds ?? 0) + layerSeconds + (table.boundary[i]?.[parent ? parent.device : D]?.[option.device] ?? 0);
        // Branch and bound: even the fastest completion cannot beat a plan already known to fit.
        // Completion bounds: fastest ignoring memory, and the Lagrangian one (a feasible completion
        // uses at most the room left on each device, so Σ λ·(bytes − room) ≤ 0).
        const penalisedRoom = bytes.reduce((sum, b, d) => sum + (lambda[d] ?? 0) * ((capacities[d] as number) - b), 0);
        const completion = Math.max(suffix[i + 1]?.[option.device] ?? 0, (suffixLambda[i + 1]?.[option.device] ?? 0) - penalisedRoom);
        const bound = (seconds + completion) * (objective === 'time' ? 1 : usdPerHourOf(mask, devices));
        if (bound > incumbent * (1 + 1e-9)) continue;
        next.push({ device: option.device, mask, bytes, seconds, placement: option, parent });
      }
    });
    const pruned = prune(next, objective === 'cost');
    truncated ||= pruned.truncated;
    states = pruned.kept;
  });
  const score = (s: State): number => (objective === 'time' ? s.seconds : s.seconds * usdPerHourOf(s.mask, devices));
  const best = states.reduce<State | undefined>((b, s) => (b === undefined || score(s) < score(b) ? s : b), undefined);
  let placements: LayerPlacement[] = [];
  if (best && score(best) <= incumbent) for (let s: State | undefined = best; s; s = s.parent) placements.unshift(s.placement);
  else if (incumbentPath) placements = incumbentPath.map((k) => options[k] as LayerPlacement);
  else return undefined;
  const notes = [`dynamic programme over ${graph.layers.length} layers × ${options.length} options, objective ${objective}, pruned by bounds`];
  const plan = evaluatePlan(graph, devices, placements, { strategy: 'optimal-dp', label: `optimal (${objective})`, hostIndex: host, notes });
  if (truncated) {
    const gap =
      objective === 'time' && relaxation.dualSeconds > 0
        ? `; at most ${((plan.stepSeconds / relaxation.dualSeconds - 1) * 100).toFixed(1)}% above the Lagrangian lower bound of ${relaxation.dualSeconds.toPrecision(4)} s`
        : '';
    plan.notes.splice(1, 0, `a Pareto frontier was thinned to ${MAX_FRONTIER} states: near-optimal, not proven optimal${gap}`);
  }
  return plan;
}
