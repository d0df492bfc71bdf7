/**
 * Serving entries in a scenario: a provider's cost from `cost: { serving }` is the serving
 * model's per-class costs blended at the token mix, checked against a hand calculation from the
 * L4 datasheet; bad entries fail at parse time with the field and line; a plan that does not fit
 * or meets no batch fails the price phase with the serve layer's reason.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { planScenarioServing, servingCosts } from '../../src/pipeline/serving.ts';
import { resolveProviderCosts } from '../../src/market/costs.ts';
import { assembleResults } from '../../src/pipeline/assemble.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import type { LocalServingCalibration } from '../../src/pipeline/serving.ts';
import { findDevice } from '../../src/devices/catalog.ts';

const scenario = (serving: string, extra = '') => `name: s
tokenMix: { inputPerOutput: 3, cacheHitShare: 0.5 }
serving:
${serving}
demand: { type: logit, mu: 0.1 }
providers:
  - name: A
    quality: 1
    cost: { serving: l4 }
    strategy: { type: costPlus }
${extra}`;

const L4_8B_BATCH1 = '  - { id: l4, model: llama-3.1-8b, device: l4, dtype: bf16, kvDtype: bf16, promptTokens: 0, outputTokens: 1, batch: 1 }';

function price(text: string) {
  const s = parseScenario(text, 's.yaml');
  const plans = servingCosts(s, planScenarioServing(s, 's.yaml'), 's.yaml');
  return resolveProviderCosts({ providers: s.market!.providers as never, tokenMix: s.market!.tokenMix! }, new Map(), [], 's.yaml', plans);
}

function parseError(text: string): InputError {
  try {
    parseScenario(text, 's.yaml');
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('cost: { serving } blends the serving model at the mix', () => {
  it('Llama-3.1-8B bf16 on one L4 at batch 1, by hand from the L4 datasheet', () => {
    // Decode at batch 1 reads every weight once (kipply 2022): 8.03e9 params × 2 B = 16.06 GB
    // (model card) over 300 GB/s (L4 datasheet) × 0.8 (the model's bandwidth efficiency) = 0.0669 s.
    const tpotSeconds = (8.03e9 * 2) / (300e9 * 0.8);
    const usdPerSecond = 0.8048 / 3600; // AWS g6.xlarge on demand (catalogue)
    const outputUsdPerM = usdPerSecond * tpotSeconds * 1e6; // ≈ 14.96
    // A cached prompt token reads its stored K and V back: 32 layers × 8 kv heads × 128 × 2 (K, V) × 2 B.
    const cachedUsdPerM = usdPerSecond * ((32 * 8 * 128 * 2 * 2) / (300e9 * 0.8)) * 1e6;
    // No prompt (promptTokens 0): input tokens cost nothing; 3:1 input:output, half the input cached.
    const blended = (3 * 0.5 * 0 + 3 * 0.5 * cachedUsdPerM + outputUsdPerM) / 4;
    expect(outputUsdPerM).toBeCloseTo(14.96, 2);
    const [a] = price(scenario(L4_8B_BATCH1));
    expect(a?.marginalCostUsd).toBeGreaterThan(blended * 0.998);
    expect(a?.marginalCostUsd).toBeLessThan(blended * 1.002); // the shape's derived count is 8.030e9
    expect(a?.costProvenance.kind).toBe('modeled');
    expect(a?.costProvenance.source).toMatch(
      /serving "l4": llama-3.1-8b on 1 × l4.*memory bandwidth B\/s 3.000e\+11 \(NVIDIA L4 datasheet.*efficiencies: .*memoryBandwidth 0.8.*decode step = /,
    );
  });
});

describe('bad serving entries fail at parse time with the field and line (exit code 2)', () => {
  it.each([
    ['an unknown model', L4_8B_BATCH1.replace('llama-3.1-8b', 'llama-9'), 'serving[0].model', 4, /unknown model "llama-9" \(allowed: .*llama-3\.1-8b/],
    ['an unknown device', L4_8B_BATCH1.replace('device: l4', 'device: l5'), 'serving[0].device', 4, /unknown device "l5" \(allowed: local-cpu, /],
    ['a negative token count', L4_8B_BATCH1.replace('promptTokens: 0', 'promptTokens: -5'), 'serving[0].promptTokens', 4, /must be >= 0 \(got -5\)/],
    ['a cache-hit share above 1', L4_8B_BATCH1.replace('batch: 1', 'cacheHit: 1.5'), 'serving[0].cacheHit', 4, /must be <= 1 \(got 1\.5\)/],
    ['a cache-hit share below 0', L4_8B_BATCH1.replace('batch: 1', 'cacheHit: -0.1'), 'serving[0].cacheHit', 4, /must be >= 0 \(got -0\.1\)/],
  ])('%s', (_what, entry, path, line, message) => {
    const error = parseError(scenario(entry));
    expect(error.exitCode).toBe(2);
    expect(error.location.path).toBe(path);
    expect(error.location.line).toBe(line);
    expect(error.message).toMatch(message);
  });

  it('a provider naming an unknown serving id', () => {
    const error = parseError(scenario(L4_8B_BATCH1.replace('id: l4', 'id: other')));
    expect(error.location.path).toBe('providers[0].cost.serving');
    expect(error.location.line).toBe(9);
    expect(error.message).toMatch(/unknown serving id "l4" \(allowed: other\)/);
  });

  it('cost.serving without a tokenMix', () => {
    const error = parseError(scenario(L4_8B_BATCH1).replace(/^tokenMix:.*\n/m, ''));
    expect(error.location.path).toBe('providers[0].cost.serving');
    expect(error.message).toMatch(/needs a top-level tokenMix/);
  });

  it('a user model shape whose heads do not divide the width', () => {
    const models =
      'models:\n  - { id: mine, layers: 2, hiddenSize: 100, heads: 3, intermediateSize: 400, mlp: plain, vocabSize: 1000, source: mine, date: 2025-01 }\n';
    const error = parseError(scenario(L4_8B_BATCH1.replace('llama-3.1-8b', 'mine'), models));
    expect(error.location.path).toBe('models[0].headDim');
    expect(error.location.line).toBe(12);
  });
});

describe("a plan that cannot be priced fails the run with the serve layer's reason, never a number", () => {
  it('Llama-3.1-70B in bf16 on one L4 does not fit: the bytes missing and what would fit', () => {
    const text = scenario('  - { id: l4, model: llama-3.1-70b, device: l4, dtype: bf16 }');
    expect(() => price(text)).toThrow(/serving\[0\]: llama-3\.1-70b on 1 × l4.*does not fit: .* GB missing.*Would fit with: --count \d+/);
  });

  it('a per-user speed no batch reaches on an L4 (bf16 8B tops out near 15 tokens/s)', () => {
    const text = scenario('  - { id: l4, model: llama-3.1-8b, device: l4, dtype: bf16, minTokensPerSecond: 20 }');
    expect(() => price(text)).toThrow(/serving\[0\]: .*no batch meets the target: best per-user speed 1[45]\.\d+ tokens\/s \(batch 1\) < 20 wanted/);
  });
});

describe("the report draws the three serving charts from a scenario's serving entries", () => {
  it('frontier per device · dtype, cost by class, measured vs predicted here', () => {
    const text = `name: charts
serving:
  - { id: l4, model: llama-3.1-8b, device: l4, dtype: fp8 }
  - { id: l4b, model: llama-3.1-8b, device: l4, dtype: bf16 }
  - { id: here, model: gpt2, device: local-cpu, promptTokens: 100, outputTokens: 50 }
`;
    const s = parseScenario(text, 'c.yaml');
    const figure = (value: number) => ({ value, source: 'stated by the test', date: '2026-01' });
    const device = {
      ...findDevice('aws-c6a.large')!,
      id: 'local-cpu',
      peakFlops: { fp32: figure(20e9) },
      memoryBandwidthBytesPerSecond: figure(10e9),
      memoryBytes: figure(4e9),
    };
    const point = (batch: number, measured: number, predicted: number) => ({
      backend: 'test',
      batch,
      contextTokens: 16,
      measuredPrefillTokensPerSecond: 100,
      measuredDecodeTokensPerSecond: measured,
      predictedPrefillTokensPerSecond: 200,
      predictedDecodeTokensPerSecond: predicted,
      calibratedDecodeTokensPerSecond: predicted / 2,
      inFit: batch !== 2,
    });
    const local: LocalServingCalibration = {
      backend: 'test',
      device,
      layerOverheadSeconds: 0,
      points: [point(1, 5, 10), point(2, 9, 20), point(4, 20, 40)],
      calibration: {
        backend: 'test',
        decodeFactor: 0.5,
        prefillFactor: 0.5,
        fitBatches: [1, 4],
        checkBatches: [2],
        rawMaxError: 2.2,
        outOfSampleMaxError: 1.1,
        inSampleMaxError: 1,
      },
    };
    const planned = planScenarioServing(s, 'c.yaml', local);
    const results = assembleResults({
      loaded: { scenario: s, text, file: '/tmp/c.yaml' },
      cwd: '/tmp',
      storePath: '/tmp/store',
      bench: { records: new Map() },
      placement: [],
      serving: { planned, local },
    });
    const charts = buildCharts(results.rows);
    expect(charts.filter((c) => c.section === 'serving').map((c) => c.id)).toEqual(['serving-frontier', 'serving-cost', 'serving-measured']);
    // One frontier line per device · dtype; batches double along it.
    const series = [...new Set(results.rows.servingFrontier!.map((r) => r.series))].sort();
    expect(series).toEqual(['l4 · bf16', 'l4 · fp8', 'local-cpu · fp32'].map((d) => `${d} (${d.startsWith('local') ? 'gpt2' : 'llama-3.1-8b'})`).sort());
    expect(
      results.rows
        .servingFrontier!.filter((r) => r.series.startsWith('l4 · fp8'))
        .map((r) => r.batch)
        .slice(0, 4),
    ).toEqual([1, 2, 4, 8]);
    // Three token classes per priced plan, measured rows labelled measured, predictions modeled.
    expect(results.rows.servingCost!.length).toBe(3 * planned.filter((p) => p.plan.meetsTarget).length);
    expect(results.rows.servingMeasured!.filter((r) => r.figure === 'measured').every((r) => r.provenance === 'measured')).toBe(true);
    expect(results.provenance['serving on this machine']).toMatch(/calibrated on this machine \(tfjs test\)/);
  });
});
