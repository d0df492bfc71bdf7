/**
 * Calibration of the serving model to measurements, per backend: factor = geometric mean of
 * measured ÷ predicted decode tokens/s over the fit batch sizes (every other distinct batch
 * size, smallest first); the rest are out of sample. Errors are max(ratio, 1/ratio), so 1.5
 * means "within a factor 1.5 either way".
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
    for (const p of mine) {
      p.inFit = fitBatches.includes(p.batch);
      p.calibratedDecodeTokensPerSecond = p.predictedDecodeTokensPerSecond * decodeFactor;
    }
    const err = (ps: MeasuredPoint[], f: number): number =>
      Math.max(1, ...ps.map((p) => factorError(p.measuredDecodeTokensPerSecond / (p.predictedDecodeTokensPerSecond * f))));
    out.push({
      backend,
      decodeFactor,
      prefillFactor,
      fitBatches,
      checkBatches,
      rawMaxError: err(mine, 1),
      outOfSampleMaxError: err(
        mine.filter((p) => !p.inFit),
        decodeFactor,
      ),
      inSampleMaxError: err(fit, decodeFactor),
    });
  }
  return out;
}

/**
 * The serving model's efficiencies for this machine after calibration. The sweep predicted at
 * efficiency 1 with the measured per-layer overhead, so dividing every decode term by the decode
 * factor (compute, bandwidth and overhead alike) makes the model's decode step exactly
 * predicted ÷ factor, the calibrated figure; prefill compute is scaled by the prefill factor.
 * Valid for one device (no links). Factors above 1 (the model was pessimistic) are kept as they are.
 */
export function calibratedEfficiencies(
  c: Calibration,
  layerOverheadSeconds: number,
): { prefillCompute: number; decodeCompute: number; memoryBandwidth: number; layerOverheadSeconds: number } {
  return {
    prefillCompute: c.prefillFactor,
    decodeCompute: c.decodeFactor,
    memoryBandwidth: c.decodeFactor,
    layerOverheadSeconds: layerOverheadSeconds / c.decodeFactor,
  };
}
