/**
 * Calibration of the serving model to measurements, per backend, fitted on every other distinct
 * batch size (smallest first); the rest are out of sample. Errors are max(ratio, 1/ratio), so
 * 1.5 means "within a factor 1.5 either way".
 *
 * The decode step is the model's max(compute ÷ e_c, memory ÷ e_b) + dispatch, so its shape over
 * batch sizes bends where compute overtakes the weight stream. One factor over all of it (the
 * geometric mean of measured ÷ predicted, still reported as `decodeFactor`) can move the curve
 * but not its bend; so when the points carry the model's terms, the compute efficiency e_c and
 * the bandwidth efficiency e_b are fitted separately, by least squares on log step time over the
 * fit points (dispatch stays as measured). The fit is a grid search in log space, then a finer
 * grid around the best cell: two parameters, a kink (the max) where gradient methods stall, and
 * a flat direction when every fit point is bound by one term — a tiny pull toward e_c = e_b then
 * picks the single-factor answer. (Written here: a dozen lines, and no library fits a max of
 * two terms more robustly than a grid.)
 */
import type { MeasuredPoint } from './sweep.ts';

export interface Calibration {
  backend: string;
  /** measured ÷ predicted decode tokens/s, geometric mean over the fit points. */
  decodeFactor: number;
  /** The same for prefill. */
  prefillFactor: number;
  fitBatches: number[];
  checkBatches: number[];
  /** Worst factor error before calibration, over all points. */
  rawMaxError: number;
  /** Worst factor error after calibration on the out-of-sample points. */
  outOfSampleMaxError: number;
  /** Worst factor error after calibration on the fit points. */
  inSampleMaxError: number;
  /** Fitted decode compute efficiency (× the measured GEMM rate), when the points carry the model's terms. */
  decodeComputeEfficiency?: number;
  /** Fitted bandwidth efficiency (× the measured matrix-vector bandwidth), likewise. */
  memoryBandwidthEfficiency?: number;
}

type Terms = NonNullable<MeasuredPoint['decodeTerms']>;

/** The model's decode step (s) at efficiencies (e_c, e_b). */
const stepSeconds = (t: Terms, compute: number, bandwidth: number): number =>
  Math.max(t.computeSeconds / compute, t.memorySeconds / bandwidth) + t.overheadSeconds;

/**
 * Fit (e_c, e_b) to measured step times: minimise Σ (ln t_measured − ln t_model)² + 1e-9 (ln e_c − ln e_b)²
 * over ln e ∈ [ln 1e-4, ln 10], on a 0.02 grid and then a 0.0005 grid around the best point.
 */
export function fitDecodeEfficiencies(points: ReadonlyArray<{ terms: Terms; measuredStepSeconds: number }>): { compute: number; bandwidth: number } {
  const logMeasured = points.map((p) => Math.log(p.measuredStepSeconds));
  const loss = (a: number, b: number): number => {
    const ec = Math.exp(a);
    const eb = Math.exp(b);
    let sum = 1e-9 * (a - b) ** 2;
    for (let i = 0; i < points.length; i++) sum += (logMeasured[i]! - Math.log(stepSeconds(points[i]!.terms, ec, eb))) ** 2;
    return sum;
  };
  let best = { a: 0, b: 0, loss: Infinity };
  const search = (aLo: number, aHi: number, bLo: number, bHi: number, step: number) => {
    for (let a = aLo; a <= aHi + 1e-12; a += step)
      for (let b = bLo; b <= bHi + 1e-12; b += step) {
        const l = loss(a, b);
        if (l < best.loss) best = { a, b, loss: l };
      }
  };
  search(Math.log(1e-4), Math.log(10), Math.log(1e-4), Math.log(10), 0.02);
  const { a, b } = best;
  search(a - 0.02, a + 0.02, b - 0.02, b + 0.02, 0.0005);
  return { compute: Math.exp(best.a), bandwidth: Math.exp(best.b) };
}

const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const factorError = (ratio: number): number => Math.max(ratio, 1 / ratio);

/** Fit per backend; fills each point's calibratedDecodeTokensPerSecond and inFit (mutates the points it is given). */
export function fitCalibration(points: MeasuredPoint[]): Calibration[] {
  const out: Calibration[] = [];
  for (const backend of [...new Set(points.map((p) => p.backend))]) {
    const mine = points.filter((p) => p.backend === backend);
    const batches = [...new Set(mine.map((p) => p.batch))].sort((a, b) => a - b);
    const fitBatches = batches.filter((_, i) => i % 2 === 0);
    const checkBatches = batches.filter((_, i) => i % 2 === 1);
    const fit = mine.filter((p) => fitBatches.includes(p.batch));
    const decodeFactor = geomean(fit.map((p) => p.measuredDecodeTokensPerSecond / p.predictedDecodeTokensPerSecond));
    const prefillFactor = geomean(fit.map((p) => p.measuredPrefillTokensPerSecond / p.predictedPrefillTokensPerSecond));
    // Two efficiencies when every point says how the model splits its step; else the one factor.
    const twoTerm = mine.every((p) => p.decodeTerms)
      ? fitDecodeEfficiencies(fit.map((p) => ({ terms: p.decodeTerms!, measuredStepSeconds: p.batch / p.measuredDecodeTokensPerSecond })))
      : undefined;
    const calibrated = (p: MeasuredPoint): number =>
      twoTerm ? p.batch / stepSeconds(p.decodeTerms!, twoTerm.compute, twoTerm.bandwidth) : p.predictedDecodeTokensPerSecond * decodeFactor;
    for (const p of mine) {
      p.inFit = fitBatches.includes(p.batch);
      p.calibratedDecodeTokensPerSecond = calibrated(p);
    }
    const err = (ps: MeasuredPoint[], model: (p: MeasuredPoint) => number): number =>
      Math.max(1, ...ps.map((p) => factorError(p.measuredDecodeTokensPerSecond / model(p))));
    out.push({
      backend,
      decodeFactor,
      prefillFactor,
      fitBatches,
      checkBatches,
      rawMaxError: err(mine, (p) => p.predictedDecodeTokensPerSecond),
      outOfSampleMaxError: err(
        mine.filter((p) => !p.inFit),
        calibrated,
      ),
      inSampleMaxError: err(fit, calibrated),
      ...(twoTerm ? { decodeComputeEfficiency: twoTerm.compute, memoryBandwidthEfficiency: twoTerm.bandwidth } : {}),
    });
  }
  return out;
}

/**
 * The serving model's efficiencies for this machine after calibration. The sweep predicted at
 * efficiency 1 with the measured per-layer overhead. With fitted compute and bandwidth
 * efficiencies the model's decode step is max(compute ÷ e_c, memory ÷ e_b) + dispatch, the
 * calibrated figure; with the one factor, every decode term (compute, bandwidth and overhead
 * alike) is divided by it, so the step is predicted ÷ factor. Prefill compute is scaled by the
 * prefill factor. Valid for one device (no links). Efficiencies above 1 (the model was
 * pessimistic) are kept as they are.
 */
export function calibratedEfficiencies(
  c: Calibration,
  layerOverheadSeconds: number,
): { prefillCompute: number; decodeCompute: number; memoryBandwidth: number; layerOverheadSeconds: number } {
  if (c.decodeComputeEfficiency !== undefined && c.memoryBandwidthEfficiency !== undefined)
    return { prefillCompute: c.prefillFactor, decodeCompute: c.decodeComputeEfficiency, memoryBandwidth: c.memoryBandwidthEfficiency, layerOverheadSeconds };
  return {
    prefillCompute: c.prefillFactor,
    decodeCompute: c.decodeFactor,
    memoryBandwidth: c.decodeFactor,
    layerOverheadSeconds: layerOverheadSeconds / c.decodeFactor,
  };
}
