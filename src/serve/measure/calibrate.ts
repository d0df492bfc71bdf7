/**
 * Calibration of the serving model to measurements, per backend, fitted on every other distinct
 * batch size (smallest first); the rest are out of sample. Errors are max(ratio, 1/ratio), so
 * 1.5 means "within a factor 1.5 either way".
 *
 * The decode step is the model's max(compute ÷ e_c, weights ÷ e_b) + dispatch, so its shape over
 * batch sizes bends where compute overtakes the weight stream, and on this machine the tfjs
 * decoder also reads (and, concatenating, copies) its KV cache in ops of their own after the
 * weight stream. One factor over all of it (the geometric mean of measured ÷ predicted, still
 * reported as `decodeFactor`) can move the curve but not its bend nor its growth with context;
 * so when the points carry the model's terms, four figures are fitted by least squares on log
 * step time over the fit points: the compute efficiency e_c, the bandwidth efficiency e_b, the
 * cache pass's efficiency e_kv (added to the step, efficiency `kvPass`) and a scale on the
 * measured dispatch time. The fit is a pattern search in log space (each coordinate up and down
 * by a step, halved when nothing improves) from the one-factor answer, with a tiny pull back to
 * that start so that directions the points do not determine (e.g. e_c when no fit point is
 * compute-bound) keep the one-factor value. (Written here: twenty lines, and the objective is
 * a sum of maxima, whose kinks derivative-based fitters handle worse than a direct search.)
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
  /** Fitted bandwidth efficiency of the weight stream (× the measured matrix-vector bandwidth), likewise. */
  memoryBandwidthEfficiency?: number;
  /** Fitted efficiency of the KV-cache pass (× the same bandwidth), likewise. */
  kvPassEfficiency?: number;
  /** Fitted scale on the measured per-layer dispatch time, likewise. */
  layerOverheadScale?: number;
}

const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
const factorError = (ratio: number): number => Math.max(ratio, 1 / ratio);

type Terms = NonNullable<MeasuredPoint['decodeTerms']>;

/** How many figures the decode fit determines. */
const FITTED_FIGURES = 4;

/** Fitted decode efficiencies: compute, weight stream, cache pass, and the scale on the measured dispatch time. */
export interface DecodeFit {
  compute: number;
  bandwidth: number;
  kvPass: number;
  overheadScale: number;
}

/** The model's decode step (s) at fitted figures f. */
const stepSeconds = (t: Terms, f: DecodeFit): number =>
  Math.max(t.computeSeconds / f.compute, t.weightsSeconds / f.bandwidth) + t.kvSeconds / f.kvPass + t.overheadSeconds * f.overheadScale;

/**
 * Fit the decode figures to measured step times: minimise Σ (ln t_measured − ln t_model)² +
 * 1e-9 |θ − θ₀|² over θ = ln(e_c, e_b, e_kv, dispatch scale), θ₀ = (ln start, ln start, ln start, 0),
 * by pattern search (steps 1, ½, … down to 1e-5), each efficiency kept in [1e-4, 100].
 */
export function fitDecodeEfficiencies(points: ReadonlyArray<{ terms: Terms; measuredStepSeconds: number }>, start = 1): DecodeFit {
  const logMeasured = points.map((p) => Math.log(p.measuredStepSeconds));
  const origin = [Math.log(start), Math.log(start), Math.log(start), 0];
  const figures = (th: number[]): DecodeFit => ({
    compute: Math.exp(th[0]!),
    bandwidth: Math.exp(th[1]!),
    kvPass: Math.exp(th[2]!),
    overheadScale: Math.exp(th[3]!),
  });
  const loss = (th: number[]): number => {
    const f = figures(th);
    let sum = 0;
    for (let d = 0; d < 4; d++) sum += 1e-9 * (th[d]! - origin[d]!) ** 2;
    for (let i = 0; i < points.length; i++) sum += (logMeasured[i]! - Math.log(stepSeconds(points[i]!.terms, f))) ** 2;
    return sum;
  };
  const lo = Math.log(1e-4);
  const hi = Math.log(100);
  let best = [...origin];
  let bestLoss = loss(best);
  for (let step = 1; step >= 1e-5; step /= 2) {
    for (let improved = true; improved;) {
      improved = false;
      for (let d = 0; d < 4; d++)
        for (const move of [step, -step]) {
          const th = [...best];
          th[d] = Math.min(hi, Math.max(lo, th[d]! + move));
          const l = loss(th);
          if (l < bestLoss) [best, bestLoss, improved] = [th, l, true];
        }
    }
  }
  return figures(best);
}

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
    // The four figures when every point says how the model splits its step and the fit points can
    // determine them (more fit points than figures, over at least two contexts); else the one factor. With fewer
    // (`costsim run`'s quick measurement: two fit points at one context) four figures would fit
    // the noise exactly and then be extrapolated to the scenario's prompt lengths.
    const determined = fit.length > FITTED_FIGURES && new Set(fit.map((p) => p.contextTokens)).size >= 2;
    const twoTerm =
      determined && mine.every((p) => p.decodeTerms)
        ? fitDecodeEfficiencies(
            fit.map((p) => ({ terms: p.decodeTerms!, measuredStepSeconds: p.batch / p.measuredDecodeTokensPerSecond })),
            decodeFactor,
          )
        : undefined;
    const calibrated = (p: MeasuredPoint): number =>
      twoTerm ? p.batch / stepSeconds(p.decodeTerms!, twoTerm) : p.predictedDecodeTokensPerSecond * decodeFactor;
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
      ...(twoTerm
        ? {
            decodeComputeEfficiency: twoTerm.compute,
            memoryBandwidthEfficiency: twoTerm.bandwidth,
            kvPassEfficiency: twoTerm.kvPass,
            layerOverheadScale: twoTerm.overheadScale,
          }
        : {}),
    });
  }
  return out;
}

/**
 * The serving model's efficiencies for this machine after calibration. The sweep predicted at
 * efficiency 1 with the measured per-layer overhead. With the four fitted figures the model's
 * decode step is max(compute ÷ e_c, weights ÷ e_b) + cache ÷ e_kv + dispatch × scale, the
 * calibrated figure; with the one factor, every decode term (compute, bandwidth and overhead
 * alike) is divided by it, so the step is predicted ÷ factor. Prefill compute is scaled by the
 * prefill factor. Valid for one device (no links). Efficiencies above 1 (the model was
 * pessimistic, e.g. a cache that fits in the CPU's caches) are kept as they are.
 */
export function calibratedEfficiencies(
  c: Calibration,
  layerOverheadSeconds: number,
): { prefillCompute: number; decodeCompute: number; memoryBandwidth: number; layerOverheadSeconds: number; kvPass?: number } {
  if (c.decodeComputeEfficiency !== undefined && c.memoryBandwidthEfficiency !== undefined && c.kvPassEfficiency !== undefined)
    return {
      prefillCompute: c.prefillFactor,
      decodeCompute: c.decodeComputeEfficiency,
      memoryBandwidth: c.memoryBandwidthEfficiency,
      kvPass: c.kvPassEfficiency,
      layerOverheadSeconds: layerOverheadSeconds * (c.layerOverheadScale ?? 1),
    };
  return {
    prefillCompute: c.prefillFactor,
    decodeCompute: c.decodeFactor,
    memoryBandwidth: c.decodeFactor,
    layerOverheadSeconds: layerOverheadSeconds / c.decodeFactor,
  };
}
