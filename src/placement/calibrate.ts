/**
 * Calibration: run plans for real across this machine's tfjs backends (./mixed-exec.ts) and
 * set each measurement beside the planner's prediction for the same plan, where every backend
 * is a device whose figures were measured here (GEMM rate on that backend, STREAM triad
 * bandwidth, copy rate for boundary moves). The ratio measured ÷ predicted is the model's error.
 * Single-backend plans then fit one correction factor per backend, and mixed plans are
 * predicted again with those factors: how well the calibrated model transfers to new plans.
 */
import { tf, type LayersModel } from '../runtime/tf.ts';
import { measureGemm } from '../runtime/gemm-bench.ts';
import { localCpuDevice, type LocalCpuMeasurement, type LocalPricing } from '../devices/local.ts';
import { DEFAULT_BANDWIDTH_ELEMENTS, measureCopyBandwidth, measureTriadBandwidth } from '../devices/bandwidth.ts';
import { UnsupportedError } from '../errors.ts';
import { inferenceGraph, type CostGraph } from './graph.ts';
import type { LayerPlacement } from './costs.ts';
import { evaluatePlan } from './plan.ts';
import { toPlannerDevice, type PlannerDevice } from './roofline.ts';
import { denseChainOf, runMixed } from './mixed-exec.ts';
import { graphFromLayersModel } from './zoo/index.ts';

/** One row of the calibration table: a plan predicted and measured on this machine. */
export interface CalibrationRow {
  /** Backend per layer, e.g. "wasm,cpu,wasm". */
  plan: string;
  mode: 'forward' | 'train';
  /** Backend boundaries crossed per direction. */
  boundaries: number;
  /** Planner prediction, seconds per step (compute + memory + transfer). */
  predictedSeconds: number;
  /** Of which transfers at backend boundaries, seconds. */
  predictedTransferSeconds: number;
  /** Median measured wall time per step, seconds. */
  measuredSeconds: number;
  /** measuredSeconds ÷ predictedSeconds (1 = perfect model). */
  ratio: number;
  /**
   * 'fit': all layers on one backend; its ratio becomes that backend's correction factor.
   * 'check': a mixed plan, predicted again with the factors fitted on single-backend plans.
   */
  role: 'fit' | 'check';
  /** Check rows: the prediction with per-backend factors applied to compute/memory time, seconds. */
  calibratedSeconds?: number;
  /** Check rows: measuredSeconds ÷ calibratedSeconds. */
  calibratedRatio?: number;
}

/** Per-backend device figures used for the predictions. */
export interface BackendFigures {
  backend: string;
  /** Achieved fp32 GEMM rate on this backend, FLOP/s (measured). */
  gemmFlopsPerSecond: number;
  gemmN: number;
}

/** What a calibration run produced. */
export interface CalibrationResult {
  rows: CalibrationRow[];
  /** Figures measured before the last plan (each plan is predicted with its own fresh figures). */
  backends: BackendFigures[];
  /** STREAM triad bytes/s and copy bytes/s measured in JS (before the last plan). */
  triadBytesPerSecond: number;
  copyBytesPerSecond: number;
  batchSize: number;
  graph: CostGraph;
}

/** Inputs of a calibration run. */
export interface CalibrationOptions {
  /** A Dense-only model (e.g. the zoo's mlp). */
  model: LayersModel;
  input: Float32Array;
  labels: Int32Array;
  batchSize: number;
  /** Plans to run: one backend name per Dense layer each. */
  plans: ReadonlyArray<readonly string[]>;
  modes: ReadonlyArray<'forward' | 'train'>;
  /** Timed steps per plan and mode, at least. */
  steps: number;
  /** And at least this many seconds of timed steps (more samples for fast plans; default 0). */
  budgetSeconds?: number;
  /** CPU identity and memory size (its bandwidth figures are re-measured per plan). */
  base: LocalCpuMeasurement;
  pricing: LocalPricing;
  /** GEMM side measured per backend (default 256: the layer widths of a small MLP). */
  gemmN?: number;
  gemmSeconds?: number;
  /** Float32 elements per array in the bandwidth measurements (default 32 Mi). */
  bandwidthElements?: number;
}

/** Measure each backend's GEMM rate and the JS bandwidths now; one device per backend. */
async function backendDevices(
  options: CalibrationOptions,
  backends: readonly string[],
): Promise<{ devices: PlannerDevice[]; figures: BackendFigures[]; base: LocalCpuMeasurement }> {
  const devices: PlannerDevice[] = [];
  const figures: BackendFigures[] = [];
  const previous = tf.getBackend();
  const elements = options.bandwidthElements ?? DEFAULT_BANDWIDTH_ELEMENTS;
  const base: LocalCpuMeasurement = {
    ...options.base,
    triad: measureTriadBandwidth(elements, 0.15),
    copy: measureCopyBandwidth(elements, 0.1),
    measuredAt: new Date().toISOString(),
  };
  for (const backend of backends) {
    await tf.setBackend(backend);
    const gemm = await measureGemm(options.gemmN ?? 256, options.gemmSeconds ?? 0.2);
    figures.push({ backend, gemmFlopsPerSecond: gemm.gflops * 1e9, gemmN: gemm.n });
    const device = localCpuDevice({ ...base, backend, gemm }, options.pricing, `local-cpu@${backend}`);
    devices.push(toPlannerDevice(device, 'fp32', { provenance: 'measured' }));
  }
  if (previous) await tf.setBackend(previous);
  return { devices, figures, base };
}

/**
 * Predict and measure every plan × mode. The machine is shared, so the device figures are
 * measured again right before each plan runs: prediction and measurement see the same load.
 */
export async function calibrate(options: CalibrationOptions): Promise<CalibrationResult> {
  const backends = [...new Set(options.plans.flat())];
  const graph = graphFromLayersModel(options.model, 'calibration mlp', { batchSize: options.batchSize, dtype: 'fp32', optimizer: 'sgd' });
  const chain = denseChainOf(options.model);
  if (graph.layers.length !== chain.length)
    throw new UnsupportedError(`calibration needs a model of Dense layers only (${graph.layers.length} layers, ${chain.length} Dense)`);
  const rows: CalibrationRow[] = [];
  const checks: Check[] = [];
  const fitDevices = new Map<string, PlannerDevice>(); // `${backend}|${mode}` → device figures of its fit run
  let last: Awaited<ReturnType<typeof backendDevices>> | undefined;
  for (const plan of options.plans) {
    last = await backendDevices(options, backends);
    const devices = last.devices;
    const placements = plan.map((b) => ({ device: backends.indexOf(b), offloadOptimizer: false }));
    const single = new Set(plan).size === 1;
    for (const mode of options.modes) {
      const g = mode === 'forward' ? inferenceGraph(graph) : graph;
      const predicted = evaluatePlan(g, devices, placements, { strategy: 'fixed', label: plan.join(',') });
      const measured = await runMixed(chain, {
        backends: plan,
        input: options.input,
        labels: options.labels,
        batchSize: options.batchSize,
        mode,
        steps: options.steps,
        budgetSeconds: options.budgetSeconds ?? 0,
        warmupSteps: 1,
      });
      const row: CalibrationRow = {
        plan: plan.join(','),
        mode,
        boundaries: measured.boundaries,
        predictedSeconds: predicted.stepSeconds,
        predictedTransferSeconds: predicted.transferSeconds,
        measuredSeconds: measured.medianStepSeconds,
        ratio: measured.medianStepSeconds / predicted.stepSeconds,
        role: single ? 'fit' : 'check',
      };
      rows.push(row);
      if (single) fitDevices.set(`${plan[0]}|${mode}`, devices[backends.indexOf(plan[0] as string)] as PlannerDevice);
      else checks.push({ row, placements, g });
    }
  }
  applyFactors(rows, checks, backends, fitDevices);
  return {
    rows,
    backends: last?.figures ?? [],
    triadBytesPerSecond: last?.base.triad.bytesPerSecond ?? 0,
    copyBytesPerSecond: last?.base.copy.bytesPerSecond ?? 0,
    batchSize: options.batchSize,
    graph,
  };
}

interface Check {
  row: CalibrationRow;
  placements: LayerPlacement[];
  g: CostGraph;
}

/**
 * Per backend and mode, the single-backend plan's run fixes the backend's figures: the device
 * measured just before it, scaled by its measured ÷ predicted ratio (efficiency 1/ratio), so it
 * reproduces that run. Each mixed plan is predicted again from those fitted devices, transfers
 * modeled as before: an out-of-sample check of the model.
 */
function applyFactors(
  rows: readonly CalibrationRow[],
  checks: readonly Check[],
  backends: readonly string[],
  fitDevices: ReadonlyMap<string, PlannerDevice>,
): void {
  for (const check of checks) {
    const fitted = backends.map((b) => {
      const device = fitDevices.get(`${b}|${check.row.mode}`);
      const fit = rows.find((r) => r.role === 'fit' && r.mode === check.row.mode && r.plan.split(',').every((x) => x === b));
      return device && fit
        ? { ...device, computeEfficiency: device.computeEfficiency / fit.ratio, memoryEfficiency: device.memoryEfficiency / fit.ratio }
        : undefined;
    });
    if (check.placements.some((p) => fitted[p.device] === undefined)) continue;
    // A backend this plan does not use may lack a fit; evaluatePlan never reads it, so any device will do.
    const placeholder = fitted.find((d) => d !== undefined) as PlannerDevice;
    const devices = fitted.map((d) => d ?? placeholder);
    const calibrated = evaluatePlan(check.g, devices, check.placements, { strategy: 'fixed', label: check.row.plan }).stepSeconds;
    check.row.calibratedSeconds = calibrated;
    check.row.calibratedRatio = check.row.measuredSeconds / calibrated;
  }
}

/** The calibration table as text. */
export function formatCalibration(result: CalibrationResult): string {
  const lines = [
    `calibration: ${result.graph.layers.filter((l) => l.params > 0).length} Dense layers, batch ${result.batchSize}; ` +
      `triad ${(result.triadBytesPerSecond / 1e9).toFixed(2)} GB/s, copy ${(result.copyBytesPerSecond / 1e9).toFixed(2)} GB/s (measured)`,
    ...result.backends.map((b) => `  ${b.backend.padEnd(8)} GEMM ${b.gemmN}² ${(b.gemmFlopsPerSecond / 1e9).toFixed(2)} GFLOP/s (measured)`),
    `  ${'plan (backend per layer)'.padEnd(26)} ${'mode'.padEnd(8)} ${'role'.padEnd(6)} ${'predicted s'.padStart(12)} ${'measured s'.padStart(12)} ${'meas/pred'.padStart(10)} ${'calibrated s'.padStart(13)} ${'meas/cal'.padStart(9)}`,
  ];
  for (const r of result.rows) {
    const calibrated = r.calibratedSeconds === undefined ? ['', ''] : [r.calibratedSeconds.toFixed(4), (r.calibratedRatio ?? 0).toFixed(2)];
    lines.push(
      `  ${r.plan.padEnd(26)} ${r.mode.padEnd(8)} ${r.role.padEnd(6)} ${r.predictedSeconds.toFixed(4).padStart(12)} ${r.measuredSeconds.toFixed(4).padStart(12)} ` +
        `${r.ratio.toFixed(2).padStart(10)} ${(calibrated[0] as string).padStart(13)} ${(calibrated[1] as string).padStart(9)}`,
    );
  }
  lines.push('  fit rows give each backend a factor (measured ÷ predicted); check rows are mixed plans predicted with those factors (out of sample)');
  return lines.join('\n');
}
