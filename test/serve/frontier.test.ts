import { describe, expect, it } from 'vitest';
import { findDevice } from '../../src/devices/catalog.ts';
import { findShape, planServing, servingFrontier } from '../../src/serve/index.ts';
import { servingCostRows, servingFrontierRows } from '../../src/report/adapters/serving.ts';

const req = {
  shape: findShape('llama-3.1-8b')!,
  device: findDevice('l4')!,
  count: 1,
  dtype: 'bf16' as const,
  kvDtype: 'bf16' as const,
  workload: { promptTokens: 1000, outputTokens: 300, cacheHitShare: 0 },
  target: {},
};

describe('serving frontier', () => {
  it('doubles the batch up to the KV capacity (32 sequences on an L4, see model.test.ts): cheaper tokens, slower users', () => {
    const points = servingFrontier(req);
    expect(points.map((p) => p.batch)).toEqual([1, 2, 4, 8, 16, 32]);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.usdPerMOutputTokens).toBeLessThan(points[i - 1]!.usdPerMOutputTokens);
      expect(points[i]!.tokensPerSecondPerUser).toBeLessThan(points[i - 1]!.tokensPerSecondPerUser);
    }
    // Bandwidth-bound: 32× the batch costs nearly 1/32 per token (KV reads grow with the batch, so a little more).
    const ratio = points[0]!.usdPerMOutputTokens / points[5]!.usdPerMOutputTokens;
    expect(ratio).toBeGreaterThan(20);
    expect(ratio).toBeLessThan(32);
    expect(servingFrontierRows('l4 · bf16', points)[0]).toMatchObject({ series: 'l4 · bf16', batch: 1, provenance: 'modeled' });
  });
  it('cost rows carry three token classes per plan that meets its target, none for one that does not', () => {
    const ok = planServing(req);
    const unmet = planServing({ ...req, target: { minOutputTokensPerSecondPerUser: 500 } });
    const rows = servingCostRows([ok, unmet]);
    expect(rows.map((r) => r.tokenClass)).toEqual(['input', 'cached input', 'output']);
    expect(rows[2]!.usdPerMTokens).toBe(ok.usdPerMOutputTokens);
  });
});
