/**
 * The simple placement strategies: everything on one CPU, everything on one GPU, greedy fill in
 * layer order (Hugging Face Accelerate's `device_map="auto"` with `max_memory`: GPUs first in
 * the order given, then the CPU, moving on when the next layer does not fit), and ZeRO-Offload
 * (all layers on one GPU, optimizer state and step on the host CPU). Pure.
 */
import { layerOptionCost, type LayerPlacement } from './costs.ts';
import { isInference, type CostGraph } from './graph.ts';
import { evaluatePlan, type Plan } from './plan.ts';
import type { PlannerDevice } from './roofline.ts';

/** Index of the first CPU device: the host for offloaded optimizer state. */
export function hostIndexOf(devices: readonly PlannerDevice[]): number | undefined {
  const index = devices.findIndex((d) => d.kind === 'cpu');
  return index < 0 ? undefined : index;
}

function onOne(graph: CostGraph, index: number, offloadOptimizer: boolean): LayerPlacement[] {
  return graph.layers.map(() => ({ device: index, offloadOptimizer }));
}

/** Every layer and its optimizer on the first CPU; undefined when no CPU is listed. */
export function allCpuPlan(graph: CostGraph, devices: readonly PlannerDevice[]): Plan | undefined {
  const host = hostIndexOf(devices);
  if (host === undefined) return undefined;
  return evaluatePlan(graph, devices, onOne(graph, host, false), { strategy: 'all-cpu', label: `all on ${devices[host]?.id}` });
}

/** One plan per GPU: every layer and its optimizer on that GPU (fits or not). */
export function allGpuPlans(graph: CostGraph, devices: readonly PlannerDevice[]): Plan[] {
  const plans: Plan[] = [];
  devices.forEach((d, i) => {
    if (d.kind === 'gpu') plans.push(evaluatePlan(graph, devices, onOne(graph, i, false), { strategy: 'all-gpu', label: `all on ${d.id}` }));
  });
  return plans;
}

/** ZeRO-Offload on each GPU with the first CPU as host; empty without a CPU or for inference. */
export function offloadPlans(graph: CostGraph, devices: readonly PlannerDevice[]): Plan[] {
  const host = hostIndexOf(devices);
  if (host === undefined || isInference(graph)) return [];
  const plans: Plan[] = [];
  devices.forEach((d, i) => {
    if (d.kind !== 'gpu') return;
    plans.push(
      evaluatePlan(graph, devices, onOne(graph, i, true), {
        strategy: 'optimizer-offload',
        label: `layers on ${d.id}, optimizer state and step on ${devices[host]?.id}`,
        hostIndex: host,
        notes: ['ZeRO-Offload: fp32 master weights, grads and optimizer moments on the host; the host runs the optimizer step'],
      }),
    );
  });
  return plans;
}

/**
 * Greedy fill in layer order: GPUs in the order given, then CPUs; a layer goes to the current
 * device if its whole training footprint fits the remaining capacity, else the next device
 * takes it. The last device takes whatever is left, fitting or not.
 */
export function greedyPlan(graph: CostGraph, devices: readonly PlannerDevice[]): Plan | undefined {
  const order = [...devices.keys()].sort((a, b) => Number(devices[a]?.kind === 'cpu') - Number(devices[b]?.kind === 'cpu'));
  if (order.length === 0) return undefined;
  const remaining = devices.map((d) => d.capacityBytes);
  let cursor = 0;
  const placements: LayerPlacement[] = graph.layers.map((layer) => {
    for (;;) {
      const index = order[cursor] as number;
      const device = devices[index] as PlannerDevice;
      const bytes = layerOptionCost(graph, layer, device, false).deviceBytes;
      const last = cursor === order.length - 1;
      if (bytes <= (remaining[index] ?? 0) || last) {
        remaining[index] = (remaining[index] ?? 0) - bytes;
        return { device: index, offloadOptimizer: false };
      }
      cursor++;
    }
  });
  return evaluatePlan(graph, devices, placements, {
    strategy: 'greedy',
    label: `fill in layer order: ${order.map((i) => devices[i]?.id).join(' → ')}`,
    notes: ['like Accelerate device_map="auto" with max_memory (no buffer reserved for the largest layer)'],
  });
}
