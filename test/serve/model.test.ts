import { describe, expect, it } from 'vitest';
import { findDevice } from '../../src/devices/catalog.ts';
import { evaluateBatch, findShape, planServing, type ServingRequest } from '../../src/serve/index.ts';
import { resolveShape } from '../../src/serve/resolve.ts';

const exact = { prefillCompute: 1, decodeCompute: 1, memoryBandwidth: 1, link: 1, memoryUsable: 1, collectiveLatencySeconds: 0 };
const tiny = { promptTokens: 1, outputTokens: 1, cacheHitShare: 0 };

function request(model: string, device: string, over: Partial<ServingRequest> = {}): ServingRequest {
  return {
    shape: findShape(model)!,
    device: findDevice(device)!,
    count: 1,
    dtype: 'bf16',
    kvDtype: 'bf16',
    workload: tiny,
    target: {},
    efficiencies: exact,
    ...over,
  };
}

describe('decode at batch 1 (kipply 2022, "Transformer Inference Arithmetic")', () => {
  it('a 7.6B model in 16-bit on a 2 TB/s device takes weight bytes ÷ bandwidth ≈ 7.6 ms per token, bandwidth-bound', () => {
    // By hand: 7.61e9 params (Qwen2.5-7B model card) × 2 B ÷ 2.0e12 B/s (A100 80 GB) = 7.61 ms.
    const e = evaluateBatch(request('qwen2.5-7b', 'a100-80gb'), 1);
    expect(e.decodeBottleneck).toBe('bandwidth');
    expect(e.decodeStepSeconds).toBeGreaterThan(7.61e-3 * 0.99);
    expect(e.decodeStepSeconds).toBeLessThan(7.61e-3 * 1.01);
  });
  it('a MoE reads only the experts the token uses: Mixtral at batch 1 moves ≈ its 12.9B active params', () => {
    // By hand: 12.9e9 × 2 B ÷ 3.35e12 B/s (H100 SXM) = 7.70 ms, not the 46.7B × 2 / 3.35e12 = 27.9 ms of all experts.
    const e = evaluateBatch(request('mixtral-8x7b', 'h100-sxm'), 1);
    expect(e.decodeStepSeconds / 7.7e-3).toBeGreaterThan(0.99);
    expect(e.decodeStepSeconds / 7.7e-3).toBeLessThan(1.01);
  });
});

describe('throughput against batch', () => {
  it('rises until compute binds at the hand-computed batch (Llama-3.1-8B on H100 SXM: ≈ 316)', () => {
    // By hand: bytes per step 8.03e9 × 2 = 16.06e9 → 16.06e9 / 3.35e12 = 4.794 ms; FLOPs per token
    // 2 × (8.03e9 − 128256·4096 input embeddings = 7.505e9) = 15.01e9 → 15.18 µs at 989e12.
    // Compute binds at 4.794 ms / 15.18 µs ≈ 316 sequences.
    const req = request('llama-3.1-8b', 'h100-sxm', { maxBatch: 1000 });
    const rate = (b: number): number => b / evaluateBatch(req, b).decodeStepSeconds;
    expect(evaluateBatch(req, 300).decodeBottleneck).toBe('bandwidth');
    expect(evaluateBatch(req, 330).decodeBottleneck).toBe('compute');
    expect(rate(150) / rate(75)).toBeCloseTo(2, 2); // bandwidth-bound: linear in batch
    expect(rate(900) / rate(450)).toBeCloseTo(1, 2); // compute-bound: flat
    expect(rate(316) * 15.18e-6).toBeGreaterThan(0.99); // tokens/s ≈ 1 / (15.18 µs) at the turn
    const plan = planServing(req);
    expect(plan.usdPerMOutputTokens).toBeLessThan(planServing({ ...req, batch: 100 }).usdPerMOutputTokens!);
    expect(planServing({ ...req, batch: 100 }).usdPerMOutputTokens).toBeLessThan(planServing({ ...req, batch: 10 }).usdPerMOutputTokens!);
  });
  it('stops at KV capacity where the hand calculation says (Llama-3.1-8B on one L4, 1000 + 300 tokens: 32 sequences)', () => {
    // By hand: free = 24e9 × 0.9 − 16.06e9 = 5.539e9 B; one sequence = 131,072 B/token × 1300 = 170.4e6 B → 32.5 → 32.
    const plan = planServing(
      request('llama-3.1-8b', 'l4', { efficiencies: { memoryUsable: 0.9 }, workload: { promptTokens: 1000, outputTokens: 300, cacheHitShare: 0 } }),
    );
    expect(plan.batch).toBe(32);
    expect(plan.bottleneck).toBe('capacity');
    expect(plan.bottlenecks.decode).toBe('bandwidth');
    expect(plan.memory.kvCacheBytes).toBe(32 * 131_072 * 1300);
  });
});

describe('prices per token class', () => {
  it('output tokens cost more than input tokens, cached input least, and the cost follows $/hour ÷ tokens/s', () => {
    const plan = planServing(request('llama-3.1-8b', 'l4', { workload: { promptTokens: 1000, outputTokens: 300, cacheHitShare: 0.5 } }));
    expect(plan.usdPerMOutputTokens!).toBeGreaterThan(plan.usdPerMInputTokens!);
    expect(plan.usdPerMInputTokens!).toBeGreaterThan(plan.usdPerMCachedInputTokens!);
    // second method: $/hour ÷ (tokens/s × 3600) × 1e6
    const l4 = findDevice('l4')!;
    expect(plan.usdPerMOutputTokens).toBeCloseTo((l4.usdPerHour.value / (plan.outputTokensPerSecondPerDevice! * 3600)) * 1e6, 9);
  });
});

describe('what does not fit or cannot meet a target', () => {
  it('Llama-3.1-70B on one L4 says how many bytes are missing and what would fit', () => {
    // By hand: 70.55e9 × 2 = 141.1e9 B of weights + one 2-token sequence's KV (tiny) − 24e9 capacity ≈ 117.1e9 B missing.
    const plan = planServing(request('llama-3.1-70b', 'l4'));
    expect(plan.fits).toBe(false);
    expect(plan.batch).toBeNull();
    expect(plan.usdPerMOutputTokens).toBeNull();
    expect(plan.memory.missingBytes / 117.1e9).toBeCloseTo(1, 2);
    expect(plan.fitOptions.some((o) => o.startsWith('--count 6'))).toBe(true); // 141.1e9 / 24e9 = 5.9 → 6
    expect(plan.fitOptions.some((o) => o.startsWith('--offload'))).toBe(true);
    expect(plan.fitOptions.some((o) => o.startsWith('--dtype int4'))).toBe(false); // 35.3e9 B still > 24e9
  });
  it('with --offload the weights beyond memory stream over PCIe each step: host-link-bound', () => {
    // By hand: (141.1e9 − 24e9) B ÷ 31.5e9 B/s (PCIe 4.0 x16) = 3.72 s per step.
    const plan = planServing(request('llama-3.1-70b', 'l4', { offload: true, batch: 1 }));
    expect(plan.bottleneck).toBe('host-link');
    expect(plan.tpotSeconds! / 3.72).toBeGreaterThan(0.99);
    expect(plan.tpotSeconds! / 3.72).toBeLessThan(1.1);
  });
  it('an unmeetable per-user speed is reported as such, never as a number', () => {
    const plan = planServing(request('llama-3.1-8b', 'l4', { target: { minOutputTokensPerSecondPerUser: 200 } }));
    expect(plan.fits).toBe(true);
    expect(plan.meetsTarget).toBe(false);
    expect(plan.tpotSeconds).toBeNull();
    expect(plan.usdPerMOutputTokens).toBeNull();
    expect(plan.unmet).toMatch(/no batch meets the target/);
  });
});

describe('tensor parallel', () => {
  it('adds two all-reduces per layer over NVLink: 70B on 4 × H100 SXM at batch 1', () => {
    // By hand: 2 × 80 layers × 2·(3/4)·(8192 × 2 B) / 450e9 B/s = 8.74 µs of transfer (latency set to 0 here).
    const e = evaluateBatch(request('llama-3.1-70b', 'h100-sxm', { count: 4 }), 1);
    expect(e.decodeTerms.linkSeconds / 8.74e-6).toBeCloseTo(1, 2);
    // weights split four ways: 141.1e9 / (4 × 3.35e12) = 10.53 ms
    expect(e.decodeTerms.memorySeconds / 10.53e-3).toBeCloseTo(1, 2);
  });
});

describe("kipply's worked case with a user shape (transformer:...)", () => {
  it('a 6.74B Llama-2-7B-shaped model in bf16 on a 2.0 TB/s device decodes at batch 1 in ≈ 6.7 ms, bandwidth-bound', () => {
    // By hand: 32 × (4 × 4096² + 3 × 4096 × 11008) + 2 × 32000 × 4096 (untied embeddings)
    // = 32 × (67,108,864 + 135,266,304) + 262,144,000 = 6,738,149,376 params, plus norms
    // (32 × 2 × 4096 + 4096 = 266,240) = 6.7384e9; × 2 B ÷ 2.0e12 B/s = 6.738 ms ("≈ 7 ms").
    const shape = resolveShape('transformer:layers=32,hidden=4096,heads=32,ffn=11008,vocab=32000,mlp=swiglu,seq=4096');
    const e = evaluateBatch({ ...request('qwen2.5-7b', 'a100-80gb'), shape }, 1);
    expect(e.decodeBottleneck).toBe('bandwidth');
    expect(e.decodeStepSeconds / 6.738e-3).toBeGreaterThan(0.995);
    expect(e.decodeStepSeconds / 6.738e-3).toBeLessThan(1.005);
  });
});
