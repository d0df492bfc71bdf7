import { describe, expect, it } from 'vitest';
import { tf } from '../../src/runtime/index.ts';
import { createDecoder, disposeCache, disposeDecoder, forward } from '../../src/serve/measure/decoder.ts';
import { fitCalibration } from '../../src/serve/measure/calibrate.ts';
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
  });
});
