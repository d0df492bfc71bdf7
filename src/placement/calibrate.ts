/**
 * Calibration: run plans for real across this machine's tfjs backends (./mixed-exec.ts) and
 * set each measurement beside the planner's prediction for the same plan, where every backend
 * is a device whose figures were measured here (GEMM rate on that backend, STREAM triad
 * bandwidth, copy rate for boundary moves). The ratio measured ÷ predicted is the model's error.
 */
import { tf, type LayersModel } from '../runtime/tf.ts';
import { measureGemm } from '../runtime/gemm-bench.ts';
import { localCpuDevice, type LocalCpuMeasurement, type LocalPricing } from '../devices/local.ts';
import { DEFAULT_BANDWIDTH_ELEMENTS, measureCopyBandwidth, measureTriadBandwidth } from '../devices/bandwidth.ts';
import { UnsupportedError } from '../errors.ts';
import { inferenceGraph, type CostGraph } from './graph.ts';
import { evaluatePlan } from './plan.ts';
import { toPlannerDevice, type PlannerDevice } from './roofline.ts';
import { denseChainOf, runMixed } from './mixed-exec.ts';
import { graphFromLayersModel } from './zoo.ts';

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
  steps: number;
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
async function backendDevices(options: CalibrationOptions, backends: readonly string[]): Promise<{ devices: PlannerDevice[]; figures: BackendFigures[]; base: LocalCpuMeasurement }> {
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
  if (graph.layers.length !== chain.length) throw new UnsupportedError(`calibration needs a model of Dense layers only (${graph.layers.length} layers, ${chain.length} Dense)`);
  const rows: CalibrationRow[] = [];
  let last: Awaited<ReturnType<typeof backendDevices>> | undefined;
  for (const plan of options.plans) {
    last = await backendDevices(options, backends);
    const devices = last.devices;
    const placements = plan.map((b) => ({ device: backends.indexOf(b), offloadOptimizer: false }));
    for (const mode of options.modes) {
      const g = mode === 'forward' ? inferenceGraph(graph) : graph;
      const predicted = evaluatePlan(g, devices, placements, { strategy: 'fixed', label: plan.join(',') });
      const measured = await runMixed(chain, { backends: plan, input: options.input, labels: options.labels, batchSize: options.batchSize, mode, steps: options.steps, warmupSteps: 1 });
      rows.push({
        plan: plan.join(','),
        mode,
        boundaries: measured.boundaries,
        predictedSeconds: predicted.stepSeconds,
        predictedTransferSeconds: predicted.transferSeconds,
        measuredSeconds: measured.medianStepSeconds,
        ratio: measured.medianStepSeconds / predicted.stepSeconds,
      });
    }
  }
  return {
    rows,
    backends: last?.figures ?? [],
    triadBytesPerSecond: last?.base.triad.bytesPerSecond ?? 0,
    copyBytesPerSecond: last?.base.copy.bytesPerSecond ?? 0,
    batchSize: options.batchSize,
    graph,
  };
}

/** The calibration table as text. */
export function formatCalibration(result: CalibrationResult): string {
  const lines = [
    `calibration: ${result.graph.layers.filter((l) => l.params > 0).length} Dense layers, batch ${result.batchSize}; ` +
      `triad ${(result.triadBytesPerSecond / 1e9).toFixed(2)} GB/s, copy ${(result.copyBytesPerSecond / 1e9).toFixed(2)} GB/s (measured)`,
    ...result.backends.map((b) => `  ${b.backend.padEnd(8)} GEMM ${b.gemmN}² ${(b.gemmFlopsPerSecond / 1e9).toFixed(2)} GFLOP/s (measured)`),
    `  ${'plan (backend per layer)'.padEnd(26)} ${'mode'.padEnd(8)} ${'predicted s'.padStart(12)} ${'measured s'.padStart(12)} ${'meas/pred'.padStart(10)}`,
  ];
  for (const r of result.rows) {
    lines.push(`  ${r.plan.padEnd(26)} ${r.mode.padEnd(8)} ${r.predictedSeconds.toFixed(4).padStart(12)} ${r.measuredSeconds.toFixed(4).padStart(12)} ${r.ratio.toFixed(2).padStart(10)}`);
  }
  return lines.join('\n');
}
