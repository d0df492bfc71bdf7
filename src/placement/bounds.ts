/**
 * Bounds that keep the optimal placement programme exact and fast (branch and bound):
 *
 * - a per-layer cost table (seconds and bytes of every option, boundary seconds between
 *   consecutive devices), computed once;
 * - suffix lower bounds: the least time layers i..L−1 can take given the device of layer i−1,
 *   ignoring memory (a Viterbi pass backwards), so a partial plan whose time plus this bound
 *   exceeds a known feasible plan can be dropped without losing the optimum;
 * - a feasible incumbent from Lagrangian relaxation of the memory limits (Fisher 1981, "The
 *   Lagrangian relaxation method for solving integer programming problems"): minimise
 *   time + Σ λ_d·bytes_d with a plain Viterbi pass and move λ by subgradient steps; every
 *   assignment that fits is a candidate incumbent.
 */
import { boundarySeconds, layerOptionCost, type LayerPlacement } from './costs.ts';
import type { CostGraph } from './graph.ts';
import type { PlannerDevice } from './roofline.ts';

/** Costs of every (layer, option), and boundary seconds by (layer, previous device, device). */
export interface LayerTable {
  options: LayerPlacement[];
  /** seconds[i][o]: layer i's pass + optimizer + offload transfer under option o. */
  seconds: number[][];
  /** bytes[i][o][d]: bytes option o puts on device d for layer i. */
  bytes: number[][][];
  /** boundary[i][p][d]: seconds entering layer i on device d from device p (p = D: no previous layer). */
  boundary: number[][][];
}

/** Build the table for `options` (host = offload target index). */
export function buildTable(graph: CostGraph, devices: readonly PlannerDevice[], options: LayerPlacement[], host: number | undefined): LayerTable {
  const hostDevice = host === undefined ? undefined : devices[host];
  const D = devices.length;
  const seconds: number[][] = [];
  const bytes: number[][][] = [];
  const boundary: number[][][] = [];
  graph.layers.forEach((layer, i) => {
    seconds.push([]);
    bytes.push([]);
    for (const o of options) {
      const c = layerOptionCost(graph, layer, devices[o.device] as PlannerDevice, o.offloadOptimizer, hostDevice);
      seconds[i]?.push(c.pass.seconds + c.optimizer.seconds + c.offloadTransferSeconds);
      const perDevice = devices.map(() => 0);
      perDevice[o.device] = c.deviceBytes;
      if (o.offloadOptimizer && host !== undefined) perDevice[host] = (perDevice[host] ?? 0) + c.hostBytes;
      bytes[i]?.push(perDevice);
    }
    const rows: number[][] = [];
    for (let p = 0; p <= D; p++) rows.push(devices.map((d) => boundarySeconds(graph, i, p === D ? undefined : devices[p], d)));
    boundary.push(rows);
  });
  return { options, seconds, bytes, boundary };
}

/**
 * suffix[i][p]: least Σ (seconds + λ·bytes) for layers i.. given layer i−1 on device p
 * (p = D before layer 0); with λ = 0, the least seconds ignoring memory.
 */
export function suffixBounds(table: LayerTable, deviceCount: number, lambda: readonly number[] = []): number[][] {
  const L = table.seconds.length;
  const suffix: number[][] = Array.from({ length: L + 1 }, () => new Array<number>(deviceCount + 1).fill(0));
  for (let i = L - 1; i >= 0; i--) {
    for (let p = 0; p <= deviceCount; p++) {
      let best = Infinity;
      table.options.forEach((o, k) => {
        const penalty = (table.bytes[i]?.[k] ?? []).reduce((sum, b, d) => sum + (lambda[d] ?? 0) * b, 0);
        const t = (table.seconds[i]?.[k] ?? 0) + penalty + (table.boundary[i]?.[p]?.[o.device] ?? 0) + (suffix[i + 1]?.[o.device] ?? 0);
        if (t < best) best = t;
      });
      (suffix[i] as number[])[p] = best;
    }
  }
  return suffix;
}

/** Viterbi pass minimising Σ (seconds + λ·bytes) + boundaries; returns option indices per layer. */
function relaxedPath(table: LayerTable, lambda: readonly number[], deviceCount: number): number[] {
  const L = table.seconds.length;
  const K = table.options.length;
  const score: number[][] = [];
  const from: number[][] = [];
  for (let i = 0; i < L; i++) {
    score.push(new Array<number>(K).fill(Infinity));
    from.push(new Array<number>(K).fill(-1));
    for (let k = 0; k < K; k++) {
      const o = table.options[k] as LayerPlacement;
      const own = (table.seconds[i]?.[k] ?? 0) + (table.bytes[i]?.[k] ?? []).reduce((s, b, d) => s + (lambda[d] ?? 0) * b, 0);
      if (i === 0) {
        (score[0] as number[])[k] = own + (table.boundary[0]?.[deviceCount]?.[o.device] ?? 0);
        continue;
      }
      for (let j = 0; j < K; j++) {
        const prev = table.options[j] as LayerPlacement;
        const t = (score[i - 1]?.[j] ?? Infinity) + own + (table.boundary[i]?.[prev.device]?.[o.device] ?? 0);
        if (t < (score[i]?.[k] ?? Infinity)) {
          (score[i] as number[])[k] = t;
          (from[i] as number[])[k] = j;
        }
      }
    }
  }
  const last = score[L - 1] ?? [];
  let k = last.indexOf(Math.min(...last));
  const path = new Array<number>(L);
  for (let i = L - 1; i >= 0; i--) {
    path[i] = k;
    k = from[i]?.[k] ?? -1;
  }
  return path;
}

/** Seconds and bytes per device of a path of option indices. */
export function pathTotals(table: LayerTable, path: readonly number[], deviceCount: number): { seconds: number; bytes: number[] } {
  const bytes = new Array<number>(deviceCount).fill(0);
  let seconds = 0;
  path.forEach((k, i) => {
    const o = table.options[k] as LayerPlacement;
    const prev = i === 0 ? deviceCount : (table.options[path[i - 1] as number] as LayerPlacement).device;
    seconds += (table.seconds[i]?.[k] ?? 0) + (table.boundary[i]?.[prev]?.[o.device] ?? 0);
    table.bytes[i]?.[k]?.forEach((b, d) => (bytes[d] = (bytes[d] ?? 0) + b));
  });
  return { seconds, bytes };
}

/**
 * Feasible paths found by searching the multipliers (seconds per byte), best first by `score`,
 * with the multipliers that gave the best dual (lower) bound.
 * Multipliers of overfull devices grow ×1.5 and those with room shrink ÷1.2 (a multiplicative
 * variant of the subgradient step, robust to the huge spread of byte scales); every relaxed
 * solution that fits is kept. Empty when none fits.
 */
export function lagrangianCandidates(
  table: LayerTable,
  capacities: readonly number[],
  score: (path: number[], totals: { seconds: number; bytes: number[] }) => number,
  iterations = 200,
): { paths: number[][]; bestLambda: number[]; dualSeconds: number } {
  const D = capacities.length;
  const lambda = new Array<number>(D).fill(0);
  // The dual value min_x Σ(seconds + λ·bytes) − λ·capacity is a lower bound on the optimum for any λ ≥ 0.
  let bestLambda = [...lambda];
  let dualSeconds = -Infinity;
  const found = new Map<string, { path: number[]; value: number }>();
  const repaired = new Set<string>();
  for (let it = 0; it < iterations; it++) {
    const path = relaxedPath(table, lambda, D);
    const totals = pathTotals(table, path, D);
    const dual = totals.seconds + totals.bytes.reduce((sum, b, d) => sum + (lambda[d] ?? 0) * (b - (capacities[d] ?? 0)), 0);
    if (dual > dualSeconds) {
      dualSeconds = dual;
      bestLambda = [...lambda];
    }
    let fits = true;
    totals.bytes.forEach((b, d) => {
      const capacity = capacities[d] ?? 0;
      if (b > capacity) {
        fits = false;
        // first push: one average layer's seconds per capacity/L bytes
        lambda[d] = (lambda[d] ?? 0) > 0 ? (lambda[d] as number) * 1.5 : totals.seconds / Math.max(capacity, 1);
      } else lambda[d] = (lambda[d] ?? 0) / 1.2;
    });
    const key = path.join(',');
    if (fits) found.set(key, { path, value: score(path, totals) });
    else if (!repaired.has(key)) {
      // Identical layers make relaxed solutions all-or-nothing; repair mixes them.
      repaired.add(key);
      const fixed = repairPath(table, path, capacities);
      if (fixed) found.set(fixed.join(','), { path: fixed, value: score(fixed, pathTotals(table, fixed, D)) });
    }
  }
  return { paths: [...found.values()].sort((a, b) => a.value - b.value).map((f) => f.path), bestLambda, dualSeconds };
}

/**
 * Make an overfull path fit by single-layer moves: each time, the move that frees the most
 * overflowing bytes per second it costs (and overfills nothing new). Undefined when stuck.
 */
export function repairPath(table: LayerTable, start: readonly number[], capacities: readonly number[]): number[] | undefined {
  const D = capacities.length;
  const path = [...start];
  const { bytes } = pathTotals(table, path, D);
  const deviceOf = (k: number): number => (table.options[k] as LayerPlacement).device;
  const localSeconds = (i: number, k: number): number => {
    const prev = i === 0 ? D : deviceOf(path[i - 1] as number);
    const next = path[i + 1];
    const out = next === undefined ? 0 : (table.boundary[i + 1]?.[deviceOf(k)]?.[deviceOf(next)] ?? 0);
    return (table.seconds[i]?.[k] ?? 0) + (table.boundary[i]?.[prev]?.[deviceOf(k)] ?? 0) + out;
  };
  for (let moves = 0; moves < 4 * path.length * table.options.length; moves++) {
    const over = bytes.map((b, d) => Math.max(0, b - (capacities[d] ?? 0)));
    if (over.every((v) => v === 0)) return path;
    let best: { i: number; k: number; value: number } | undefined;
    path.forEach((current, i) => {
      const before = table.bytes[i]?.[current] ?? [];
      table.options.forEach((_, k) => {
        if (k === current) return;
        const after = table.bytes[i]?.[k] ?? [];
        let freed = 0;
        let overfills = false;
        for (let d = 0; d < D; d++) {
          const delta = (after[d] ?? 0) - (before[d] ?? 0);
          const excess = over[d] ?? 0;
          if (excess > 0) freed += delta < 0 ? Math.min(-delta, excess) : -delta;
          else if (delta > 0 && (bytes[d] ?? 0) + delta > (capacities[d] ?? 0)) overfills = true;
        }
        if (overfills || freed <= 0) return;
        const cost = Math.max(localSeconds(i, k) - localSeconds(i, current), 1e-12);
        const value = freed / cost;
        if (!best || value > best.value) best = { i, k, value };
      });
    });
    if (!best) return undefined;
    const { i, k } = best;
    (table.bytes[i]?.[path[i] as number] ?? []).forEach((b, d) => (bytes[d] = (bytes[d] ?? 0) - b));
    (table.bytes[i]?.[k] ?? []).forEach((b, d) => (bytes[d] = (bytes[d] ?? 0) + b));
    path[i] = k;
  }
  return undefined;
}
