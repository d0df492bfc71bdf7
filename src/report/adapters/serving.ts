/** Serving plans, frontiers and measured points → report rows. Pure. */
import type { FrontierPoint, ServingPlan } from '../../serve/index.ts';
import type { MeasuredPoint } from '../../serve/measure/sweep.ts';
import type { ServingCostRow, ServingFrontierRow, ServingMeasuredRow } from '../rows.ts';

/** One frontier line per (device · dtype) series. */
export function servingFrontierRows(series: string, points: readonly FrontierPoint[]): ServingFrontierRow[] {
  return points.map((p) => ({
    series,
    batch: p.batch,
    tokensPerSecondPerUser: p.tokensPerSecondPerUser,
    usdPerMOutputTokens: p.usdPerMOutputTokens,
    provenance: 'modeled',
  }));
}

/** Three rows (input, cached input, output) per plan that fits and meets its target. */
export function servingCostRows(plans: readonly ServingPlan[]): ServingCostRow[] {
  return plans.flatMap((p) => {
    if (p.usdPerMInputTokens === null || p.usdPerMCachedInputTokens === null || p.usdPerMOutputTokens === null) return [];
    const base = { device: p.count > 1 ? `${p.count}×${p.device}` : p.device, dtype: p.dtype, provenance: 'modeled' as const };
    return [
      { ...base, tokenClass: 'input' as const, usdPerMTokens: p.usdPerMInputTokens },
      { ...base, tokenClass: 'cached input' as const, usdPerMTokens: p.usdPerMCachedInputTokens },
      { ...base, tokenClass: 'output' as const, usdPerMTokens: p.usdPerMOutputTokens },
    ];
  });
}

/** Measured, raw predicted and calibrated decode tokens/s per measured point. */
export function servingMeasuredRows(points: readonly MeasuredPoint[]): ServingMeasuredRow[] {
  return points.flatMap((p) => {
    const base = { backend: p.backend, batch: p.batch, contextTokens: p.contextTokens };
    return [
      { ...base, figure: 'measured' as const, decodeTokensPerSecond: p.measuredDecodeTokensPerSecond, provenance: 'measured' as const },
      { ...base, figure: 'predicted' as const, decodeTokensPerSecond: p.predictedDecodeTokensPerSecond, provenance: 'modeled' as const },
      ...(p.calibratedDecodeTokensPerSecond === null
        ? []
        : [{ ...base, figure: 'calibrated' as const, decodeTokensPerSecond: p.calibratedDecodeTokensPerSecond, provenance: 'modeled' as const }]),
    ];
  });
}
