import { describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/index.ts';
import { createDecoder, disposeCache, disposeDecoder, forward } from '../../src/serve/measure/decoder.ts';
import { calibratedEfficiencies, fitCalibration } from '../../src/serve/measure/calibrate.ts';
import type { MeasuredPoint } from '../../src/serve/measure/sweep.ts';

describe('KV-cached decoder', () => {
  it('decoding with the cache gives the logits of recomputing the whole sequence without one', async () => {
    const d = createDecoder({ layers: 2, hidden: 16, heads: 4, ffn: 32, vocab: 11 }, 7);
    const seqs = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    let { logits, cache } = forward(d, seqs, undefined);
    for (let step = 0; step < 3; step++) {
      const next = (await tf.argMax(logits, -1).array()) as number[];
      logits.dispose();
      next.forEach((t, b) => seqs[b]!.push(t));
      const out = forward(
        d,
        next.map((t) => [t]),
        cache,
      );
      disposeCache(cache);
      ({ logits, cache } = out);
      // the cache grew by one position per step and holds every earlier key ([batch, tokens, hidden]:
      // heads interleaved since the fused multi-head attention reads them in place)
      expect(cache[0]!.k.shape).toEqual([2, 4 + step, 16]);
      const full = forward(d, seqs, undefined);
      const diff = (await tf.max(tf.abs(tf.sub(full.logits, logits))).data())[0]!;
      expect(diff).toBeLessThan(1e-5);
      full.logits.dispose();
      disposeCache(full.cache);
    }
    logits.dispose();
    disposeCache(cache);
    disposeDecoder(d);
  });

  it('prefill computes logits for the last prompt position only', async () => {
    // vocab large beside hidden/ffn: logits at every position would grow prefill's peak memory by
    // batch × tokens × vocab × 4 B (2 × 64 × 32,768 × 4 B = 16 MiB for 64 more tokens), while the
    // activations grow by 2 × 64 × (3·16 + 32) × 4 B ≈ 40 KiB per live set and the attention
    // scores by batch × heads × (128² − 64²) × 4 B ≈ 0.4 MiB per live set
    const shape = { layers: 1, hidden: 16, heads: 1, ffn: 32, vocab: 32768 };
    const d = createDecoder(shape, 3);
    const prompt = (tokens: number): number[][] => [Array.from({ length: tokens }, (_, i) => i % 50), Array.from({ length: tokens }, (_, i) => (i * 7) % 50)];
    const peak = async (tokens: number): Promise<{ bytes: number; out: ReturnType<typeof forward> }> => {
      const before = tf.memory().numBytes;
      let out: ReturnType<typeof forward> | undefined;
      const profile = await tf.profile(() => {
        out = forward(d, prompt(tokens), undefined);
      });
      return { bytes: profile.peakBytes - before, out: out! };
    };
    const short = await peak(64);
    const long = await peak(128);
    expect(long.out.logits.shape).toEqual([2, 32768]);
    expect(long.bytes - short.bytes).toBeLessThan((2 * 64 * 32768 * 4) / 4);
    // and they are the last position's: prefill of 127 then one cached step gives the same logits
    const seqs = prompt(128);
    const head = forward(
      d,
      seqs.map((s) => s.slice(0, 127)),
      undefined,
    );
    const step = forward(
      d,
      seqs.map((s) => [s[127]!]),
      head.cache,
    );
    const diff = (await tf.max(tf.abs(tf.sub(step.logits, long.out.logits))).data())[0]!;
    expect(diff).toBeLessThan(1e-5);
    for (const r of [short.out, long.out, head, step]) {
      r.logits.dispose();
      disposeCache(r.cache);
    }
    disposeDecoder(d);
  });
});

describe('calibration', () => {
  const point = (batch: number, measured: number, predicted: number): MeasuredPoint => ({
    backend: 'wasm',
    batch,
    contextTokens: 64,
    measuredPrefillTokensPerSecond: 1,
    predictedPrefillTokensPerSecond: 1,
    measuredDecodeTokensPerSecond: measured,
    predictedDecodeTokensPerSecond: predicted,
    calibratedDecodeTokensPerSecond: null,
    inFit: false,
  });
  it('fits on every other batch size and reports raw and out-of-sample errors by hand', () => {
    // ratios measured/predicted: 0.5 (b1, fit), 0.4 (b2, check), 0.5 (b4, fit), 0.8 (b8, check)
    const [c] = fitCalibration([point(1, 5, 10), point(2, 8, 20), point(4, 20, 40), point(8, 64, 80)]);
    expect(c!.fitBatches).toEqual([1, 4]);
    expect(c!.decodeFactor).toBeCloseTo(0.5, 12);
    expect(c!.rawMaxError).toBeCloseTo(2.5, 12); // 1 / 0.4
    expect(c!.outOfSampleMaxError).toBeCloseTo(1.6, 12); // 0.8 / 0.5
    expect(c!.inSampleMaxError).toBeCloseTo(1, 12);
    expect(c!.decodeComputeEfficiency).toBeUndefined(); // no model terms on these points: the one factor
  });

  it('fits compute, bandwidth, cache-pass efficiencies and the dispatch scale, recovering known ones and predicting held-out points', () => {
    // A decoder whose step streams 40 ms of weights at full bandwidth, reads its cache in a pass
    // of its own (0.5 ms per sequence per 64 tokens of context), computes 2 ms per sequence at
    // the full GEMM rate and dispatches for 1 ms as measured. This "machine" reaches 25% of the
    // GEMM rate, 80% of the bandwidth on the weights, 40% on the cache, and dispatches in half the
    // measured time. Step (s) = max(0.002·b / 0.25, 0.040 / 0.8) + 0.0005·b·(c/64) / 0.4 + 0.0005:
    // weight-bound up to b = 6.25, then compute-bound; at b = 32, c = 256: 0.256 + 0.160 + 0.0005.
    const terms = (b: number, c: number) => ({ computeSeconds: 0.002 * b, weightsSeconds: 0.04, kvSeconds: 0.0005 * b * (c / 64), overheadSeconds: 0.001 });
    const measuredStep = (b: number, c: number) => Math.max((0.002 * b) / 0.25, 0.04 / 0.8) + (0.0005 * b * (c / 64)) / 0.4 + 0.0005;
    const predictedStep = (b: number, c: number) => Math.max(0.002 * b, 0.04) + 0.0005 * b * (c / 64) + 0.001;
    const pts = [64, 256].flatMap((c) =>
      [1, 2, 4, 8, 16, 32, 64].map((b) => ({ ...point(b, b / measuredStep(b, c), b / predictedStep(b, c)), contextTokens: c, decodeTerms: terms(b, c) })),
    );
    expect(measuredStep(4, 64)).toBeCloseTo(0.0555, 12); // 0.05 + 0.005 + 0.0005
    expect(measuredStep(32, 256)).toBeCloseTo(0.4165, 12);
    const [c] = fitCalibration(pts);
    expect(c!.fitBatches).toEqual([1, 4, 16, 64]);
    expect(c!.decodeComputeEfficiency).toBeCloseTo(0.25, 3);
    expect(c!.memoryBandwidthEfficiency).toBeCloseTo(0.8, 3);
    expect(c!.kvPassEfficiency).toBeCloseTo(0.4, 3);
    expect(c!.layerOverheadScale).toBeCloseTo(0.5, 1); // ~1% of every step here, so only loosely determined
    expect(c!.outOfSampleMaxError).toBeLessThan(1.001); // held out: batches 2, 8, 32 at both contexts
    // One factor cannot follow the bend: measured ÷ predicted is 0.80 at b1 c64 and 0.27 at b64 c64.
    const ratios = pts.map((p) => p.measuredDecodeTokensPerSecond / p.predictedDecodeTokensPerSecond);
    expect(Math.max(...ratios) / Math.min(...ratios)).toBeGreaterThan(2.5);
    // The local-cpu plans get the same figures.
    expect(calibratedEfficiencies(c!, 1e-4)).toEqual({
      prefillCompute: c!.prefillFactor,
      decodeCompute: c!.decodeComputeEfficiency,
      memoryBandwidth: c!.memoryBandwidthEfficiency,
      kvPass: c!.kvPassEfficiency,
      layerOverheadSeconds: 1e-4 * c!.layerOverheadScale!,
    });
  });

  it('with fewer fit points than it takes to determine four figures (or one context), keeps the one factor', () => {
    // costsim run's quick measurement: batches 1, 2, 4 at one context (fit on 1 and 4).
    const pts = [1, 2, 4].map((b) => ({
      ...point(b, b / (0.04 / 0.5 + 0.0002 * b), b / 0.04),
      decodeTerms: { computeSeconds: 0.0001 * b, weightsSeconds: 0.04, kvSeconds: 0.0001 * b, overheadSeconds: 0.001 },
    }));
    const [c] = fitCalibration(pts);
    expect(c!.decodeComputeEfficiency).toBeUndefined();
    expect(c!.kvPassEfficiency).toBeUndefined();
    // measured ÷ predicted: b1 0.040 / 0.0802 = 0.4988, b4 0.040 / 0.0808 = 0.4950; geometric mean
    expect(c!.decodeFactor).toBeCloseTo(Math.sqrt((0.04 / 0.0802) * (0.04 / 0.0808)), 12);
    expect(calibratedEfficiencies(c!, 1e-3)).toEqual({
      prefillCompute: c!.prefillFactor,
      decodeCompute: c!.decodeFactor,
      memoryBandwidth: c!.decodeFactor,
      layerOverheadSeconds: 1e-3 / c!.decodeFactor,
    });
  });
});
