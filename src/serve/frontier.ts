/**
 * The throughput-latency frontier of one request: for each batch that fits, output tokens/s
 * per user against USD per 1M output tokens (modeled). Pure.
 */
import { planServing, type ServingRequest } from './model.ts';

export interface FrontierPoint {
  batch: number;
  tokensPerSecondPerUser: number;
  usdPerMOutputTokens: number;
}

/** Batches 1, 2, 4, ... up to the largest that fits (or `maxBatch`); nothing when it does not fit. */
export function servingFrontier(req: ServingRequest, maxBatch = 4096): FrontierPoint[] {
  const points: FrontierPoint[] = [];
  for (let batch = 1; batch <= maxBatch; batch *= 2) {
    const p = planServing({ ...req, batch, target: {} });
    if (!p.fits || p.usdPerMOutputTokens === null || p.outputTokensPerSecondPerUser === null) break;
    points.push({ batch, tokensPerSecondPerUser: p.outputTokensPerSecondPerUser, usdPerMOutputTokens: p.usdPerMOutputTokens });
  }
  return points;
}
