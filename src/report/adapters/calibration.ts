/**
 * placement/'s calibration (plans run for real across this machine's tfjs backends, beside the
 * roofline prediction) → the calibration chart's rows. Pure.
 */
import type { CalibrationResult } from '../../placement/calibrate.ts';
import type { CalibrationRow, KeyNumber } from '../rows.ts';
import { sig6 } from './market.ts';

/** One point per plan × mode (raw roofline prediction), plus one per mixed plan re-predicted with fitted factors. */
export function calibrationRows(result: CalibrationResult): CalibrationRow[] {
  return result.rows.flatMap((r) => {
    const label = `${r.plan} (${r.mode})`;
    const raw: CalibrationRow = { label, predictedSeconds: sig6(r.predictedSeconds), measuredSeconds: sig6(r.measuredSeconds), prediction: 'roofline' };
    return r.calibratedSeconds === undefined
      ? [raw]
      : [raw, { label, predictedSeconds: sig6(r.calibratedSeconds), measuredSeconds: sig6(r.measuredSeconds), prediction: 'calibrated' as const }];
  });
}

/** Geometric-mean error factor of the raw and the calibrated predictions. */
export function calibrationKeyNumbers(result: CalibrationResult): KeyNumber[] {
  const factor = (ratios: number[]) => Math.exp(ratios.reduce((s, r) => s + Math.abs(Math.log(r)), 0) / ratios.length);
  const raw = result.rows.map((r) => r.ratio).filter((r) => r > 0);
  const checked = result.rows.flatMap((r) => (r.calibratedRatio !== undefined && r.calibratedRatio > 0 ? [r.calibratedRatio] : []));
  if (raw.length === 0) return [];
  const out: KeyNumber[] = [
    {
      label: 'placement model error, raw roofline (typical measured ÷ predicted factor)',
      value: `×${factor(raw).toFixed(2)}`,
      provenance: 'measured',
      source: `${raw.length} plan runs on this machine's tfjs backends`,
    },
  ];
  if (checked.length > 0)
    out.push({
      label: 'placement model error on mixed-backend plans after per-backend calibration',
      value: `×${factor(checked).toFixed(2)}`,
      provenance: 'measured',
      source: `${checked.length} out-of-sample plan runs`,
    });
  return out;
}
