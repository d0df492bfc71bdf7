/**
 * A placement plan and how it explains itself: evaluate a layer → device assignment into
 * memory per device, step time split into compute-bound, memory-bound and transfer seconds,
 * and dollars per step and per million tokens. Pure.
 */
import { boundarySeconds, layerOptionCost, type LayerPlacement } from './costs.ts';
import type { CostGraph } from './graph.ts';
import type { PlannerDevice } from './roofline.ts';
import { usdForSeconds } from '../devices/pricing.ts';

/** Strategies the planner tries, plus 'fixed' for an assignment given from outside (calibration). */
export type StrategyName = 'all-cpu' | 'all-gpu' | 'greedy' | 'optimal-dp' | 'optimizer-offload' | 'fixed';

/** One layer's row in a plan's layer → device table. Seconds are per training step. */
export interface PlanLayerRow {
  layer: string;
  className: string;
  deviceId: string;
  /** Device holding the optimizer state and running its step. */
  optimizerDeviceId: string;
  params: number;
  /** Forward + backward FLOPs. */
  flops: number;
  /** Bytes resident on `deviceId` for this layer. */
  deviceBytes: number;
  /** Forward + backward roofline seconds, and which bound it hit. */
  passSeconds: number;
  bound: 'compute' | 'memory';
  optimizerSeconds: number;
  /** Boundary (activation) and offload (grad/weight) transfer seconds attributed to this layer. */
  transferSeconds: number;
}

/** Memory and use of one device in a plan. */
export interface PlanDeviceRow {
  id: string;
  kind: 'cpu' | 'gpu';
  /** Bytes the plan keeps resident on the device. */
  bytesUsed: number;
  /** Usable bytes (device memory or --max-memory cap). */
  capacityBytes: number;
  /** Layers whose forward/backward run here. */
  layers: number;
  usdPerHour: number;
  provenance: 'measured' | 'modeled';
}

/** One evaluated plan. Seconds per optimizer step; dollars at the devices' $/hour. */
export interface Plan {
  strategy: StrategyName;
  /** Short description (e.g. which GPU, which host). */
  label: string;
  fits: boolean;
  /** Σ over devices of max(0, bytesUsed − capacityBytes); 0 when it fits. */
  missingBytes: number;
  /** Devices holding anything, in the order given. */
  devices: PlanDeviceRow[];
  layers: PlanLayerRow[];
  stepSeconds: number;
  /** Seconds of compute-bound roofline terms (forward, backward, optimizer). */
  computeSeconds: number;
  /** Seconds of memory-bound roofline terms. */
  memorySeconds: number;
  /** Seconds on links: device boundaries, input batch, offloaded grads and weights. */
  transferSeconds: number;
  usdPerStep: number;
  /** Dollars per million training tokens (samples for non-token models). */
  usdPerMTokens: number;
  tokensPerStep: number;
  tokenUnit: 'tokens' | 'samples';
  notes: string[];
}

/** Evaluate a full assignment (one placement per layer); `hostIndex` is the offload target. */
export function evaluatePlan(
  graph: CostGraph,
  devices: readonly PlannerDevice[],
  placements: readonly LayerPlacement[],
  meta: { strategy: StrategyName; label: string; hostIndex?: number; notes?: string[] },
): Plan {
  if (placements.length !== graph.layers.length) throw new Error(`evaluatePlan: ${placements.length} placements for ${graph.layers.length} layers`);
  const used = devices.map(() => 0);
  const layerCounts = devices.map(() => 0);
  const host = meta.hostIndex === undefined ? undefined : devices[meta.hostIndex];
  const rows: PlanLayerRow[] = [];
  let computeSeconds = 0;
  let memorySeconds = 0;
  let transfer = 0;
  graph.layers.forEach((layer, i) => {
    const placement = placements[i] as LayerPlacement;
    const device = devices[placement.device];
    if (!device) throw new Error(`evaluatePlan: layer ${layer.name} on unknown device index ${placement.device}`);
    const previous = i > 0 ? devices[(placements[i - 1] as LayerPlacement).device] : undefined;
    const cost = layerOptionCost(graph, layer, device, placement.offloadOptimizer, host);
    const boundary = boundarySeconds(graph, i, previous, device);
    used[placement.device] = (used[placement.device] ?? 0) + cost.deviceBytes;
    layerCounts[placement.device] = (layerCounts[placement.device] ?? 0) + 1;
    if (placement.offloadOptimizer && meta.hostIndex !== undefined) used[meta.hostIndex] = (used[meta.hostIndex] ?? 0) + cost.hostBytes;
    for (const term of [cost.pass, cost.optimizer]) {
      if (term.bound === 'compute') computeSeconds += term.seconds;
      else memorySeconds += term.seconds;
    }
    transfer += boundary + cost.offloadTransferSeconds;
    rows.push({
      layer: layer.name,
      className: layer.className,
      deviceId: device.id,
      optimizerDeviceId: placement.offloadOptimizer && host ? host.id : device.id,
      params: layer.params,
      flops: layer.forwardFlops + layer.backwardFlops,
      deviceBytes: cost.deviceBytes,
      passSeconds: cost.pass.seconds,
      bound: cost.pass.bound,
      optimizerSeconds: cost.optimizer.seconds,
      transferSeconds: boundary + cost.offloadTransferSeconds,
    });
  });
  const deviceRows: PlanDeviceRow[] = [];
  devices.forEach((d, i) => {
    const bytesUsed = used[i] ?? 0;
    if (bytesUsed > 0 || (layerCounts[i] ?? 0) > 0) {
      deviceRows.push({
        id: d.id,
        kind: d.kind,
        bytesUsed,
        capacityBytes: d.capacityBytes,
        layers: layerCounts[i] ?? 0,
        usdPerHour: d.usdPerHour,
        provenance: d.provenance,
      });
    }
  });
  const missingBytes = deviceRows.reduce((sum, d) => sum + Math.max(0, d.bytesUsed - d.capacityBytes), 0);
  const stepSeconds = computeSeconds + memorySeconds + transfer;
  const usdPerHour = deviceRows.reduce((sum, d) => sum + d.usdPerHour, 0);
  const usdPerStep = usdForSeconds(stepSeconds, usdPerHour);
  const notes = [...(meta.notes ?? [])];
  if (deviceRows.some((d) => d.provenance === 'modeled')) notes.push('modeled: catalogue peak × efficiency, roofline per layer, serial (no overlap)');
  if (deviceRows.some((d) => d.provenance === 'measured')) notes.push('measured device figures (GEMM rate, bandwidth) from this machine');
  return {
    strategy: meta.strategy,
    label: meta.label,
    fits: missingBytes === 0,
    missingBytes,
    devices: deviceRows,
    layers: rows,
    stepSeconds,
    computeSeconds,
    memorySeconds,
    transferSeconds: transfer,
    usdPerStep,
    usdPerMTokens: (usdPerStep / graph.tokensPerStep) * 1e6,
    tokensPerStep: graph.tokensPerStep,
    tokenUnit: graph.tokenUnit,
    notes,
  };
}
