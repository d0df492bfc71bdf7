/**
 * Optimal placement by dynamic programming over the layer sequence. Each layer chooses a device
 * (and, on a GPU, whether its optimizer state goes to the host CPU); step time is additive over
 * layers plus boundary transfers that depend only on consecutive choices, and memory is
 * additive per device. The state after layer i is (device of layer i, set of devices in use,
 * bytes used per device); for each (device, set) the programme keeps the Pareto frontier of
 * (bytes per device, seconds). The result is exact unless a frontier had to be thinned to
 * stay tractable (then the plan says so).
 *
 * Objective 'time' minimises step seconds; 'cost' minimises seconds × Σ $/hour of the devices
 * in use (the set is part of the state, so both are exact).
 */
import { boundarySeconds, layerOptionCost, type LayerPlacement } from './costs.ts';
import { isInference, type CostGraph } from './graph.ts';
import { evaluatePlan, type Plan } from './plan.ts';
import type { PlannerDevice } from './roofline.ts';
import { hostIndexOf } from './strategies.ts';

/** What the optimum minimises. */
export type Objective = 'time' | 'cost';

const MAX_FRONTIER = 1500;

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
 * Per (device, mask) group: merge states with identical bytes (keeping the faster), drop
 * dominated states, and when the frontier is still larger than MAX_FRONTIER keep an even
 * spread of it from fastest to leanest. Returns whether the frontier had to be thinned.
 */
function prune(states: State[]): { kept: State[]; truncated: boolean } {
  const groups = new Map<string, Map<string, State>>();
  let truncated = false;
  for (const s of states) {
    const key = `${s.device}|${s.mask}`;
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
  const host = hostIndexOf(devices);
  const options = placementOptions(devices, isInference(graph));
  // Cheap infeasibility proof: even the leanest option per layer overflows the total capacity.
  const hostDevice = host === undefined ? undefined : devices[host];
  const leanest = graph.layers.reduce((sum, layer) => {
    const totals = options.map((o) => {
      const c = layerOptionCost(graph, layer, devices[o.device] as PlannerDevice, o.offloadOptimizer, hostDevice);
      return c.deviceBytes + c.hostBytes;
    });
    return sum + Math.min(...totals);
  }, 0);
  if (leanest > devices.reduce((sum, d) => sum + d.capacityBytes, 0)) return undefined;
  let states: State[] = [];
  let truncated = false;
  graph.layers.forEach((layer, i) => {
    const next: State[] = [];
    const parents: Array<State | undefined> = i === 0 ? [undefined] : states;
    for (const option of options) {
      const device = devices[option.device] as PlannerDevice;
      const cost = layerOptionCost(graph, layer, device, option.offloadOptimizer, hostDevice);
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
  if (truncated) notes.push(`a Pareto frontier was thinned to ${MAX_FRONTIER} states: near-optimal, not proven optimal`);
  const plan = evaluatePlan(graph, devices, placements, { strategy: 'optimal-dp', label: `optimal (${objective})`, hostIndex: host, notes });
  return plan;
}
