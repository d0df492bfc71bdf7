/**
 * Optimal placement by dynamic programming over the layer sequence. Each layer chooses a device
 * (and, on a GPU, whether its optimizer state goes to the host CPU); step time is additive over
 * layers plus boundary transfers that depend only on consecutive choices, and memory is
 * additive per device. The state after layer i is (device of layer i, set of devices in use,
 * bytes used per device); for each (device, set) the programme keeps the Pareto frontier of
 * (bytes per device, seconds), so the result is exact unless a frontier outgrows
 * MAX_FRONTIER (then the fastest states are kept and the plan says so).
 *
 * Objective 'time' minimises step seconds; 'cost' minimises seconds × Σ $/hour of the devices
 * in use (the set is part of the state, so both are exact).
 */
import { boundarySeconds, layerOptionCost, type LayerPlacement } from './costs.ts';
import type { CostGraph } from './graph.ts';
import { evaluatePlan, type Plan } from './plan.ts';
import type { PlannerDevice } from './roofline.ts';
import { hostIndexOf } from './strategies.ts';

/** What the optimum minimises. */
export type Objective = 'time' | 'cost';

const MAX_FRONTIER = 3000;

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

/** Keep the Pareto frontier of each (device, mask) group; true when a frontier was truncated. */
function prune(states: State[]): { kept: State[]; truncated: boolean } {
  const groups = new Map<string, State[]>();
  for (const s of states) {
    const key = `${s.device}|${s.mask}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  const kept: State[] = [];
  let truncated = false;
  for (const group of groups.values()) {
    group.sort((a, b) => a.seconds - b.seconds);
    const frontier: State[] = [];
    for (const s of group) {
      if (!frontier.some((f) => dominates(f, s))) frontier.push(s);
      if (frontier.length >= MAX_FRONTIER) {
        truncated ||= frontier.length < group.length;
        break;
      }
    }
    kept.push(...frontier);
  }
  return { kept, truncated };
}

/** The placement options of the module comment, for the given devices. */
export function placementOptions(devices: readonly PlannerDevice[]): LayerPlacement[] {
  const host = hostIndexOf(devices);
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
  const host = hostIndexOf(devices);
  const options = placementOptions(devices);
  let states: State[] = [];
  let truncated = false;
  graph.layers.forEach((layer, i) => {
    const next: State[] = [];
    const parents: Array<State | undefined> = i === 0 ? [undefined] : states;
    for (const option of options) {
      const device = devices[option.device] as PlannerDevice;
      const cost = layerOptionCost(graph, layer, device, option.offloadOptimizer, host === undefined ? undefined : devices[host]);
      const layerSeconds = cost.pass.seconds + cost.optimizer.seconds + cost.offloadTransferSeconds;
      for (const parent of parents) {
        const bytes = parent ? [...parent.bytes] : devices.map(() => 0);
        bytes[option.device] = (bytes[option.device] ?? 0) + cost.deviceBytes;
        let mask = (parent?.mask ?? 0) | (1 << option.device);
        if (option.offloadOptimizer && host !== undefined) {
          bytes[host] = (bytes[host] ?? 0) + cost.hostBytes;
          mask |= 1 << host;
        }
        if (bytes.some((b, d) => b > (devices[d] as PlannerDevice).capacityBytes)) continue;
        const previous = parent ? devices[parent.device] : undefined;
        const seconds = (parent?.seconds ?? 0) + layerSeconds + boundarySeconds(graph, i, previous, device);
        next.push({ device: option.device, mask, bytes, seconds, placement: option, parent });
      }
    }
    const pruned = prune(next);
    truncated ||= pruned.truncated;
    states = pruned.kept;
  });
  const score = (s: State): number => (objective === 'time' ? s.seconds : s.seconds * usdPerHourOf(s.mask, devices));
  const best = states.reduce<State | undefined>((b, s) => (b === undefined || score(s) < score(b) ? s : b), undefined);
  if (!best) return undefined;
  const placements: LayerPlacement[] = [];
  for (let s: State | undefined = best; s; s = s.parent) placements.unshift(s.placement);
  const notes = [`dynamic programme over ${graph.layers.length} layers × ${options.length} options, objective ${objective}`];
  if (truncated) notes.push(`a Pareto frontier exceeded ${MAX_FRONTIER} states and was cut to the fastest: near-optimal, not proven optimal`);
  const plan = evaluatePlan(graph, devices, placements, { strategy: 'optimal-dp', label: `optimal (${objective})`, hostIndex: host, notes });
  return plan;
}
