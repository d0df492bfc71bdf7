import { describe, expect, it } from 'vitest';
import { MODEL_SHAPES, countParams, findShape, kvElementsPerToken } from '../../src/serve/index.ts';

// Published totals round to 3 significant figures (8.03B) or to whole billions (21B, 37B):
// derived totals must agree within 0.5%, active counts within 2.5% (21B ± 0.5B is ±2.4%).
describe('parameter counts derived from the shapes', () => {
  for (const shape of MODEL_SHAPES) {
    it(`${shape.id}: total within 0.5% of the published ${shape.published.totalParams / 1e9}B`, () => {
      const p = countParams(shape);
      expect(Math.abs(p.totalParams / shape.published.totalParams - 1)).toBeLessThan(0.005);
      if (shape.published.activeParams !== undefined) expect(Math.abs(p.activeParams / shape.published.activeParams - 1)).toBeLessThan(0.025);
      else expect(p.activeParams).toBe(p.totalParams);
    });
  }
  it('GPT-2 small is exactly the 124,439,808 parameters of the released checkpoint', () => {
    expect(countParams(findShape('gpt2')!).totalParams).toBe(124_439_808);
  });
  it('Mixtral: 12.9B active of 46.7B (Mistral AI, 2023-12-11)', () => {
    const p = countParams(findShape('mixtral-8x7b')!);
    expect(p.activeParams / 1e9).toBeCloseTo(12.9, 1);
    expect(p.totalParams / 1e9).toBeCloseTo(46.7, 1);
  });
});

describe('KV cache per token', () => {
  it('grouped-query attention: Llama-3.1-8B stores 2·32 layers·8 kv heads·128 = 65,536 elements (128 KiB in bf16)', () => {
    expect(kvElementsPerToken(findShape('llama-3.1-8b')!)).toBe(65_536);
  });
  it('MLA: DeepSeek-V2 stores (d_c + d_h^R)·l = (512 + 64)·60 elements (DeepSeek-V2 paper, Table 1), 1/64 of the 128-head MHA cache', () => {
    const s = findShape('deepseek-v2')!;
    expect(kvElementsPerToken(s)).toBe(34_560);
    expect((2 * 60 * 128 * 128) / kvElementsPerToken(s)).toBeCloseTo(56.9, 1);
  });
});
