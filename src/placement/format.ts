/**
 * Text explanation of a planning result: devices and where their figures come from, every plan
 * (fits, memory per device, time split, dollars), then the best plan's layer → device table
 * with consecutive layers on the same devices folded into one row. Pure.
 */
import { DTYPE_BYTES, isInference, stateBytesPerParam, totalParams } from './graph.ts';
import type { Plan, PlanLayerRow } from './plan.ts';
import type { PlanningResult } from './planner.ts';
import type { PlannerDevice } from './roofline.ts';

const gb = (bytes: number): string => `${(bytes / 1e9).toFixed(bytes < 1e9 ? 3 : 1)} GB`;
const secs = (s: number): string => (s >= 100 ? s.toFixed(0) : s >= 1 ? s.toFixed(2) : s.toPrecision(3));
const usd = (v: number): string => (v >= 1 ? `$${v.toFixed(2)}` : `$${v.toPrecision(3)}`);

/** Fold consecutive layers with the same device and optimizer device into `first–last` rows. */
export function foldLayerRows(
  rows: readonly PlanLayerRow[],
): Array<{ layers: string; count: number; deviceId: string; optimizerDeviceId: string; deviceBytes: number; seconds: number }> {
  const folded: Array<{ first: string; last: string; count: number; deviceId: string; optimizerDeviceId: string; deviceBytes: number; seconds: number }> = [];
  for (const r of rows) {
    const seconds = r.passSeconds + r.optimizerSeconds + r.transferSeconds;
    const tail = folded[folded.length - 1];
    if (tail && tail.deviceId === r.deviceId && tail.optimizerDeviceId === r.optimizerDeviceId) {
      tail.last = r.layer;
      tail.count++;
      tail.deviceBytes += r.deviceBytes;
      tail.seconds += seconds;
    } else {
      folded.push({
        first: r.layer,
        last: r.layer,
        count: 1,
        deviceId: r.deviceId,
        optimizerDeviceId: r.optimizerDeviceId,
        deviceBytes: r.deviceBytes,
        seconds,
      });
    }
  }
  return folded.map((f) => ({ ...f, layers: f.count === 1 ? f.first : `${f.first} … ${f.last}` }));
}

function planLine(p: Plan, rank: number): string {
  const memory = p.devices.map((d) => `${d.id} ${gb(d.bytesUsed)}/${gb(d.capacityBytes)}`).join(', ');
  return [
    `${String(rank).padStart(2)}. ${p.strategy.padEnd(17)} ${p.fits ? 'fits   ' : 'NO FIT '}`,
    `step ${secs(p.stepSeconds).padStart(7)} s (compute ${secs(p.computeSeconds)}, memory ${secs(p.memorySeconds)}, transfer ${secs(p.transferSeconds)})`,
    `${usd(p.usdPerStep)}/step, ${usd(p.usdPerMTokens)}/1M ${p.tokenUnit}`,
    `| ${memory}${p.fits ? '' : ` | missing ${gb(p.missingBytes)}`} | ${p.label}`,
  ].join('  ');
}

/** The whole explanation. */
export function formatPlanning(result: PlanningResult, devices: readonly PlannerDevice[]): string {
  const g = result.graph;
  const lines = [
    `model: ${g.name}`,
    `  ${(totalParams(g) / 1e9).toFixed(3)} B parameters, ${g.layers.length} layers, ${g.tokensPerStep} ${g.tokenUnit}/step (${g.derivation})`,
    isInference(g)
      ? `  forward only: ${DTYPE_BYTES[g.dtype]} B/param of ${g.dtype} weights resident`
      : `  training state per parameter: ${DTYPE_BYTES[g.dtype]} B ${g.dtype} weights + ${DTYPE_BYTES[g.dtype]} B grads + ` +
        `${stateBytesPerParam(g).resident - 2 * DTYPE_BYTES[g.dtype]} B ${g.optimizer} state = ${stateBytesPerParam(g).resident} B; ` +
        `offloaded: ${stateBytesPerParam(g).offloadDevice} B on the GPU, ${stateBytesPerParam(g).offloadHost} B on the host`,
    'devices:',
  ];
  for (const d of devices) {
    const eff = d.provenance === 'measured' ? 'measured rates, no derating' : `× ${d.computeEfficiency} compute, × ${d.memoryEfficiency} memory efficiency`;
    lines.push(
      `  ${d.id.padEnd(18)} ${d.provenance}: ${(d.peakFlopsPerSecond / 1e12).toPrecision(4)} TFLOP/s [${d.peakSource}], ` +
        `${(d.memoryBandwidthBytesPerSecond / 1e9).toPrecision(4)} GB/s, ${gb(d.capacityBytes)} usable, $${d.usdPerHour}/h (${eff})`,
    );
  }
  lines.push(`plans (best first by ${result.objective === 'time' ? 'step time' : 'dollars per step'}):`);
  result.plans.forEach((p, i) => lines.push(planLine(p, i + 1)));
  if (result.fitsNowhere) {
    lines.push(`FITS NOWHERE: at least ${gb(result.fitsNowhere.missingBytes)} of memory missing (closest: ${result.fitsNowhere.closestStrategy}).`);
  }
  const best = result.plans[0];
  if (best) {
    lines.push(`best plan: ${best.strategy} (${best.label})`, '  layers → device:');
    for (const row of foldLayerRows(best.layers)) {
      const opt = row.optimizerDeviceId === row.deviceId ? '' : `, optimizer on ${row.optimizerDeviceId}`;
      lines.push(
        `    ${row.layers.padEnd(28)} → ${row.deviceId}${opt}  (${row.count} layer${row.count > 1 ? 's' : ''}, ${gb(row.deviceBytes)}, ${secs(row.seconds)} s)`,
      );
    }
    for (const note of best.notes) lines.push(`  note: ${note}`);
  }
  return lines.join('\n');
}

/** The `plan --json` object: exactly these fields, one entry per strategy tried, best first. */
export interface PlanningJson {
  plans: Array<{
    strategy: string;
    fits: boolean;
    devices: Array<{ id: string; bytesUsed: number; capacityBytes: number }>;
    stepSeconds: number;
    usdPerMTokens: number;
  }>;
}

/** Reduce a planning result to the `--json` contract. */
export function planningJson(result: PlanningResult): PlanningJson {
  return {
    plans: result.plans.map((p) => ({
      strategy: p.strategy,
      fits: p.fits,
      devices: p.devices.map((d) => ({ id: d.id, bytesUsed: d.bytesUsed, capacityBytes: d.capacityBytes })),
      stepSeconds: p.stepSeconds,
      usdPerMTokens: p.usdPerMTokens,
    })),
  };
}
