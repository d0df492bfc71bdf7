/**
 * Pipeline phases "plan once" and "price" for a scenario's `serving:` entries:
 *
 *   measure here  when an entry runs on local-cpu: the KV-cached tfjs decoder is timed on this
 *                 machine's backend at a few batch sizes (small on purpose), beside the serving
 *                 model's prediction, and one calibration factor is fitted (src/serve/measure/)
 *   plan once     every entry → one ServingPlan (best batch under its target) and its frontier
 *                 (batches 1, 2, 4, ...), through the serve layer's planServing; local-cpu
 *                 entries use the measured device and the calibrated efficiencies
 *   price         the plans providers price from → USD per 1M input, cached input and output
 *                 tokens (modeled, with the formula, catalogue figures and efficiencies); a plan
 *                 that does not fit or meets no batch fails the run with the serve layer's reason
 *
 * Errors name the scenario file and the entry.
 */
import { InputError } from '../errors.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { ServingEntry } from '../scenario/serving.ts';
import { findDevice } from '../devices/catalog.ts';
import type { Device } from '../devices/types.ts';
import { planServing, servingFrontier, type FrontierPoint, type ServingPlan, type ServingRequest } from '../serve/index.ts';
import { LOCAL_DEVICE_ID } from '../serve/defaults.ts';
import { GPT2_DECODER, resolveShape } from '../serve/resolve.ts';
import type { ModelShape } from '../serve/shapes.ts';
import type { DecoderShape } from '../serve/measure/decoder.ts';
import type { MeasurementOrigin } from './measurement-cache.ts';
import { calibratedEfficiencies, type Calibration } from '../serve/measure/calibrate.ts';
import type { MeasuredPoint } from '../serve/measure/sweep.ts';
import type { PlanCost } from '../market/costs.ts';

/** One planned serving entry. */
export interface PlannedServing {
  index: number;
  entry: ServingEntry;
  plan: ServingPlan;
  /** USD per 1M output tokens against tokens/s per user, batches 1, 2, 4, ... that fit. */
  frontier: FrontierPoint[];
}

/** This machine measured for its serving entries: the device, the measured points and the fitted calibration. */
export interface LocalServingCalibration {
  backend: string;
  device: Device;
  layerOverheadSeconds: number;
  calibration: Calibration;
  points: MeasuredPoint[];
  /** When the measurement was taken, and whether this run reused it from the measurement cache. */
  origin?: MeasurementOrigin;
}

/**
 * Sizes of the measurement `costsim run` makes for local-cpu entries: three batch sizes (fit on 1
 * and 4, checked on 2), one short context, a few decode steps. Seconds on 2 cores, not minutes;
 * `costsim serve --measure` and `npm run bench:serve` run the full sweep.
 */
export const RUN_MEASURE_SIZES = { batches: [1, 2, 4], contexts: [16], steps: 4, cpuMaxBatch: 4 } as const;

/** The decoder the measurement times for a shape: GPT-2 small for gpt2, else a dense plain-MLP shape as it is. */
export function decoderFor(shape: ModelShape, file: string, path: string): DecoderShape {
  if (shape.id === 'gpt2') return GPT2_DECODER;
  if (shape.moe || shape.mla || shape.kvHeads !== shape.heads || shape.mlp !== 'plain')
    throw new InputError(
      { file, path },
      `${LOCAL_DEVICE_ID} is measured with a dense GPT-style decoder; "${shape.id}" (MoE, MLA, grouped KV heads or a gated MLP) cannot be measured here. Serve gpt2 or a plain shape on ${LOCAL_DEVICE_ID}, or this model on a catalogue device`,
    );
  return { layers: shape.layers, hidden: shape.hiddenSize, heads: shape.heads, ffn: shape.intermediateSize, vocab: shape.vocabSize };
}

function shapeOf(scenario: Scenario, entry: ServingEntry, index: number, file: string): ModelShape {
  return resolveShape(entry.model, `${file}: serving[${index}].model`, scenario.models);
}

/** The first local-cpu entry's decoder (what the measurement times), or undefined when no entry runs here. */
export function localMeasurementShape(scenario: Scenario, file: string): DecoderShape | undefined {
  const index = scenario.serving.findIndex((e) => e.device === LOCAL_DEVICE_ID);
  const entry = scenario.serving[index];
  return entry ? decoderFor(shapeOf(scenario, entry, index, file), file, `serving[${index}].model`) : undefined;
}

/** The serving request of one entry (local-cpu: the measured device with the calibrated efficiencies; the entry's own override them). */
export function servingRequest(scenario: Scenario, entry: ServingEntry, index: number, file: string, local?: LocalServingCalibration): ServingRequest {
  const shape = shapeOf(scenario, entry, index, file);
  let device: Device | undefined;
  let efficiencies = entry.efficiencies;
  if (entry.device === LOCAL_DEVICE_ID) {
    if (!local) throw new InputError({ file, path: `serving[${index}].device` }, `${LOCAL_DEVICE_ID} needs a measurement of this machine, and none was made`);
    device = { ...local.device, id: LOCAL_DEVICE_ID };
    efficiencies = { ...calibratedEfficiencies(local.calibration, local.layerOverheadSeconds), ...entry.efficiencies };
  } else device = findDevice(entry.device, scenario.devices);
  if (!device) throw new InputError({ file, path: `serving[${index}].device` }, `unknown device "${entry.device}"`);
  return {
    shape,
    device,
    count: entry.count,
    dtype: entry.dtype,
    kvDtype: entry.kvDtype,
    workload: entry.workload,
    target: entry.target,
    ...(entry.batch !== undefined ? { batch: entry.batch } : {}),
    offload: entry.offload,
    efficiencies,
  };
}

/** Plan every serving entry once (pure given the measurement). */
export function planScenarioServing(scenario: Scenario, file: string, local?: LocalServingCalibration): PlannedServing[] {
  return scenario.serving.map((entry, index) => {
    const req = servingRequest(scenario, entry, index, file, local);
    const plan = planServing(req);
    const provenance = local && entry.device === LOCAL_DEVICE_ID ? [...plan.provenance, calibrationNote(local)] : plan.provenance;
    return { index, entry, plan: { ...plan, provenance }, frontier: servingFrontier(req, 1024) };
  });
}

/** How the local-cpu figures were calibrated, for provenance. */
export function calibrationNote(local: LocalServingCalibration): string {
  const c = local.calibration;
  const when = local.origin
    ? `, measured ${local.origin.measuredAt}${local.origin.reused ? ' (reused from the measurement cache: same code, machine and backend)' : ''}`
    : '';
  const fitted =
    c.decodeComputeEfficiency !== undefined && c.memoryBandwidthEfficiency !== undefined && c.kvPassEfficiency !== undefined
      ? `; fitted decode efficiencies: compute ${c.decodeComputeEfficiency.toFixed(3)} of the measured GEMM rate, weights ${c.memoryBandwidthEfficiency.toFixed(3)} and KV-cache pass ${c.kvPassEfficiency.toFixed(3)} of the measured matrix-vector bandwidth, dispatch × ${(c.layerOverheadScale ?? 1).toFixed(3)}`
      : '';
  return `calibrated on this machine (tfjs ${local.backend}${when}): measured ÷ predicted decode tokens/s ${c.decodeFactor.toFixed(3)} (geometric mean over batches ${c.fitBatches.join(', ')}), prefill ${c.prefillFactor.toFixed(3)}${fitted}; raw error ×${c.rawMaxError.toFixed(2)}, out-of-sample after calibration ×${c.outOfSampleMaxError.toFixed(2)} (batches ${c.checkBatches.join(', ') || 'none'})`;
}

/** Serving ids some provider's cost is priced from. */
export function referencedServing(scenario: Scenario): Set<string> {
  const ids = new Set<string>();
  for (const p of scenario.market?.providers ?? []) if (p.cost.kind === 'serving') ids.add(p.cost.serving);
  return ids;
}

const fmt = (x: number): string => Number(x.toPrecision(4)).toString();

/**
 * Per-class token costs by serving id, for the entries providers price from. A plan that does
 * not fit, or meets its target at no batch, is an InputError carrying the serve layer's reason
 * (what is missing and what would fit; which target is out of reach), never a number.
 */
export function servingCosts(scenario: Scenario, planned: readonly PlannedServing[], file: string): Map<string, PlanCost> {
  const costs = new Map<string, PlanCost>();
  const wanted = referencedServing(scenario);
  for (const { index, entry, plan } of planned) {
    if (!wanted.has(entry.id)) continue;
    const what = `${plan.model} on ${plan.count} × ${plan.device} (${plan.dtype} weights, ${plan.kvDtype} KV)`;
    if (!plan.fits)
      throw new InputError({ file, path: `serving[${index}]` }, `${what} ${plan.unmet ?? 'does not fit'}. Would fit with: ${plan.fitOptions.join('; ')}`);
    if (!plan.meetsTarget || plan.usdPerMInputTokens === null || plan.usdPerMCachedInputTokens === null || plan.usdPerMOutputTokens === null)
      throw new InputError(
        { file, path: `serving[${index}]` },
        `${what}: ${plan.unmet ?? 'no batch meets the target'}; relax minTokensPerSecond / maxTtftSeconds, or serve on a faster device`,
      );
    costs.set(entry.id, {
      kind: 'serving',
      tokenCostsUsdPerM: { input: plan.usdPerMInputTokens, cachedInput: plan.usdPerMCachedInputTokens, output: plan.usdPerMOutputTokens },
      source:
        `serving "${entry.id}": ${what}, batch ${plan.batch} (bound by ${plan.bottlenecks.batch}), TPOT ${fmt(plan.tpotSeconds as number)} s; ` +
        `USD per 1M tokens input ${fmt(plan.usdPerMInputTokens)}, cached input ${fmt(plan.usdPerMCachedInputTokens)}, output ${fmt(plan.usdPerMOutputTokens)} (serving model: ${plan.provenance.join('; ')})`,
    });
  }
  return costs;
}
