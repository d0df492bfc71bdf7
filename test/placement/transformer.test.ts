import { describe, expect, it } from 'vitest';
import { parseTransformerShape, transformerGraph } from '../../src/placement/transformer.ts';
import { layerBytes, totalParams } from '../../src/placement/graph.ts';
import { UsageError } from '../../src/errors.ts';

const SEVEN_B = 'transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000';

describe('transformer shape → cost graph', () => {
  it('Llama-2-7B shape has its published 6,738,415,616 parameters', () => {
    // Touvron et al. 2023 / the released checkpoint: 32 layers, d=4096, SwiGLU ffn 11008, RMSNorm, untied head.
    const g = transformerGraph(parseTransformerShape(`${SEVEN_B},ffn=11008,mlp=swiglu`));
    expect(totalParams(g)).toBe(6_738_415_616);
  });

  it('total training FLOPs match Narayanan et al. 2021: 72·B·s·l·h²·(1 + s/(6h) + V/(12·l·h))', () => {
    const [B, s, l, h, V] = [2, 2048, 32, 4096, 32000];
    const g = transformerGraph(parseTransformerShape(`transformer:layers=${l},hidden=${h},heads=32,seq=${s},vocab=${V},batch=${B}`));
    const flops = g.layers.reduce((sum, x) => sum + x.forwardFlops + x.backwardFlops, 0);
    const paper = 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h));
    expect(flops / paper).toBeCloseTo(1, 12);
    expect(g.tokensPerStep).toBe(B * s);
    const accumulated = transformerGraph(parseTransformerShape(`transformer:layers=${l},hidden=${h},heads=32,seq=${s},vocab=${V},batch=${B},accum=8`));
    expect(accumulated.tokensPerStep).toBe(8 * B * s);
    expect(accumulated.microBatches).toBe(8);
    expect(accumulated.layers[1]?.activationBytes).toBe(g.layers[1]?.activationBytes); // per micro-batch
  });

  it('block activations follow Korthikanti et al. 2022: s·b·h·(34 + 5·a·s/h) bytes, 2·s·b·h with full recompute', () => {
    const g = transformerGraph(parseTransformerShape(SEVEN_B));
    expect(g.layers[1]?.activationBytes).toBe(2048 * 4096 * (34 + (5 * 32 * 2048) / 4096));
    const r = transformerGraph(parseTransformerShape(`${SEVEN_B},recompute=full`));
    expect(r.layers[1]?.activationBytes).toBe(2 * 2048 * 4096);
    // recomputation adds one forward to the backward pass
    expect(r.layers[1]?.backwardFlops).toBe(3 * (r.layers[1]?.forwardFlops ?? 0));
  });

  it('rejects zero layers, unknown keys and missing fields naming the flag and field', () => {
    expect(() => parseTransformerShape('transformer:layers=0,hidden=64,heads=4,seq=8,vocab=10')).toThrow(
      /--model: shape field "layers" must be a positive integer \(got "0"\)/,
    );
    expect(() => parseTransformerShape('transformer:layers=2,hidden=64,heads=4,seq=8,vocab=10,depth=3')).toThrow(/unknown shape field "depth"/);
    expect(() => parseTransformerShape('transformer:layers=2,hidden=64,heads=4,seq=8')).toThrow(/shape field "vocab" is required/);
    expect(() => parseTransformerShape('transformer:layers=2,hidden=64,heads=5,seq=8,vocab=10')).toThrow(/divisible/);
    expect(() => parseTransformerShape('transformer:layers=2,hidden=64,heads=4,seq=8,vocab=10,dtype=fp64')).toThrow(UsageError);
  });

  it('per-layer state bytes: bf16 Adam keeps 2 + 2 + 12 B per parameter, fp32 SGD 4 + 4 + 0 (ZeRO §3.1)', () => {
    const g = transformerGraph(parseTransformerShape(SEVEN_B));
    const block = g.layers[1]!;
    expect(layerBytes(g, block)).toEqual({
      weightBytes: 2 * block.params,
      gradientBytes: 2 * block.params,
      optimizerStateBytes: 12 * block.params,
      activationBytes: block.activationBytes,
    });
    const sgd = transformerGraph(parseTransformerShape(`${SEVEN_B},dtype=fp32,optimizer=sgd`));
    expect(layerBytes(sgd, sgd.layers[1]!).optimizerStateBytes).toBe(0);
    expect(layerBytes(sgd, sgd.layers[1]!).weightBytes).toBe(4 * block.params);
  });
});
