/**
 * Every shipped market scenario is run here (shortened where the full run takes minutes) and
 * checked against what it is meant to show. Every file in scenarios/ must at least parse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import type { Scenario } from '../../src/scenario/normalize.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import type { BenchRecord } from '../../src/bench/record.ts';
import type { PlanCosts } from '../../src/market/costs.ts';
import { blendedUsdPerM, type TokenMix } from '../../src/market/tokens.ts';
import { planScenarioServing, servingCosts, type LocalServingCalibration } from '../../src/pipeline/serving.ts';
import { findDevice } from '../../src/devices/catalog.ts';
import { pruningRecords } from './fixtures.ts';

const load = (name: string) => parseScenario(readFileSync(`scenarios/${name}`, 'utf8'), `scenarios/${name}`);
/** The pipeline's pure "plan once" and "price" phases for the serving entries (local-cpu from a given measurement). */
const servingPlans = (s: Scenario, local?: LocalServingCalibration): PlanCosts => servingCosts(s, planScenarioServing(s, s.name, local), s.name);
const simulate = (s: Scenario, runs: number, records: Map<string, BenchRecord> = new Map(), plans: PlanCosts = servingPlans(s)) =>
  assembleSimulation(
    s,
    records,
    simulateRuns(
      s,
      records,
      Array.from({ length: runs }, (_, i) => i),
      s.periods,
      plans,
    ),
    s.periods,
    plans,
  );
/** A serving entry's modeled per-class costs blended at the mix. */
const blended = (s: Scenario, id: string, mix: TokenMix): number => {
  const plan = planScenarioServing(s, s.name).find((p) => p.entry.id === id)?.plan;
  if (plan?.usdPerMInputTokens == null || plan.usdPerMCachedInputTokens === null || plan.usdPerMOutputTokens === null)
    throw new Error(`no priced serving plan ${id}`);
  return blendedUsdPerM({ input: plan.usdPerMInputTokens, cachedInput: plan.usdPerMCachedInputTokens, output: plan.usdPerMOutputTokens }, mix);
};

describe('shipped scenarios', () => {
  it.each(readdirSync('scenarios').filter((f) => f.endsWith('.yaml')))('%s parses', (file) => {
    expect(load(file).name).toBeTruthy();
  });

  it('calvano-baseline: the baseline market, Q-learners end above Nash (shortened: beta × 10, 3 sessions)', () => {
    const s = load('calvano-baseline.yaml');
    const providers = s.market!.providers.map((p) => ({ ...p, strategy: { ...p.strategy, beta: 4e-5 } }));
    const r = simulate({ ...s, periods: 10, market: { ...s.market!, providers } }, 3);
    expect(r.equilibrium.nash[0]?.price).toBeCloseTo(1.472927, 6);
    expect(r.equilibrium.collusive[0]?.price).toBeCloseTo(1.924981, 6);
    expect(r.summary.learning?.convergedRuns).toBe(3);
    expect(r.summary.learning?.meanProfitGain).toBeGreaterThan(0.3);
    // Recorded periods replay greedy play: average prices above the one-shot Nash price.
    const mean = r.rows.reduce((a, row) => a + (row.priceUsd as number), 0) / r.rows.length;
    expect(mean).toBeGreaterThan(1.5);
  });

  it('china-2024-price-war: the DeepSeek-V2 release sets off the cuts in the order of the real dates', () => {
    const s = load('china-2024-price-war.yaml');
    const plans = servingPlans(s);
    const mix = s.market!.tokenMix!;
    // V2 is a dated release (2024-05-06 = period 5), quality and cost together, not a cost shock.
    const deepseek = s.market!.providers[0]!;
    expect(deepseek.costShocks).toEqual([]);
    const [v2] = deepseek.releases!;
    expect(v2!.atPeriod).toBe(5);
    // Its cost factor is the serving model's V2 ÷ 67B blended cost (copied to 4 digits).
    const factor = blended(s, 'deepseek-v2-h800', mix) / blended(s, 'deepseek-67b-h800', mix);
    expect(v2!.costFactor).toBeCloseTo(factor, 4);
    // Its quality: 1.6 + the log-odds gain in the mean of MMLU and CMMLU published on the DeepSeek-V2
    // model card (DeepSeek 67B 71.3, 70.8; DeepSeek-V2 78.5, 84.0), costsim's log-odds mapping at scale 1.
    const logOdds = (a: number) => Math.log(a / (1 - a));
    expect(v2!.quality as number).toBeCloseTo(1.6 + logOdds((0.785 + 0.84) / 2) - logOdds((0.713 + 0.708) / 2), 4);
    const r = simulate(s, 8, new Map(), plans);
    expect(r.equilibrium.costs[0]?.costProvenance.kind).toBe('modeled');
    expect(r.equilibrium.costs[0]?.marginalCostUsd).toBeCloseTo(blended(s, 'deepseek-67b-h800', mix), 12);
    const median = (provider: string, period: number) =>
      r.summary.bands.find((b) => b.metric === 'priceUsd' && b.provider === provider && b.period === period)?.median as number;
    // V2 launch: cost-plus, so the price falls by the cost ratio.
    expect(median('DeepSeek', 5) / median('DeepSeek', 4)).toBeCloseTo(0.5663, 6);
    // The release moves the quality the market uses on that day: by hand from logit, DeepSeek's quality is
    // a_Zhipu + μ ln(q_DeepSeek/q_Zhipu) + p_DeepSeek − p_Zhipu (μ = 0.4, a_Zhipu = 1.8), 1.6 before and 2.1685 after.
    const at = (provider: string, period: number) => r.rows.find((x) => x.run === 0 && x.provider === provider && x.period === period)!;
    const qualitySeen = (t: number) =>
      1.8 + 0.4 * Math.log(at('DeepSeek', t).quantityUnits / at('Zhipu', t).quantityUnits) + at('DeepSeek', t).priceUsd! - at('Zhipu', t).priceUsd!;
    expect(qualitySeen(4)).toBeCloseTo(1.6, 9);
    expect(qualitySeen(5)).toBeCloseTo(2.1685, 9);
    expect(median('Zhipu', 9)).toBeCloseTo(0.694, 3); // holds ¥5 until its review
    expect(median('Zhipu', 10)).toBeLessThan(0.5 * median('Zhipu', 9));
    expect(median('Alibaba', 20)).toBeLessThan(0.1 * median('Alibaba', 19)); // the −97% cut
    expect(median('Baidu', 20)).toBe(0); // free
    const cut = r.referenceComparison.find((c) => c.provider === 'Alibaba' && c.date === '2024-05-21');
    expect(cut?.referenceChange).toBeCloseTo(0.1215 / 2.78 - 1, 6); // ¥20 → (3 × ¥0.5 + ¥2) ÷ 4 blended
    expect(cut?.simulatedChange).toBeLessThan(-0.9);
  });

  it("open-8b-on-l4-vs-70b-on-h100: every cost is the serving plan blended at the mix; 8B on an L4 undercuts DeepSeek's list price", () => {
    const s = load('open-8b-on-l4-vs-70b-on-h100.yaml');
    const mix = s.market!.tokenMix!;
    const r = simulate(s, 8);
    const [incumbent, fp8, int4] = r.equilibrium.costs;
    expect(incumbent?.marginalCostUsd).toBeCloseTo(blended(s, 'h100-70b-fp8', mix), 12);
    expect(fp8?.marginalCostUsd).toBeCloseTo(blended(s, 'l4-8b-fp8', mix), 12);
    expect(int4?.marginalCostUsd).toBeCloseTo(blended(s, 'l4-8b-int4', mix), 12);
    for (const c of r.equilibrium.costs) expect(c.costProvenance.kind).toBe('modeled');
    // DeepSeek's list prices ($0.14 input, $0.014 cached, $0.28 output) blended at 3:1 with 20% cache hits, by hand.
    const deepseek = (3 * 0.8 * 0.14 + 3 * 0.2 * 0.014 + 0.28) / 4;
    expect(deepseek).toBeCloseTo(0.1561, 4);
    expect(fp8?.marginalCostUsd).toBeLessThan(deepseek);
    expect(int4?.marginalCostUsd).toBeLessThan(fp8?.marginalCostUsd as number); // half the weight bytes per decode step
    const [big, small] = r.summary.providers;
    expect(big?.survivalProbability).toBe(1);
    expect(small?.survivalProbability).toBeGreaterThan(0);
  });

  it('default: an LLM API market whose costs come from the serving model, one provider calibrated on this machine (a stated stand-in here)', () => {
    const s = load('default.yaml');
    // costsim run measures this machine; the test states one instead: 20 GFLOP/s, 10 GB/s, priced as aws-c6a.large, the model 2× optimistic.
    const instance = findDevice('aws-c6a.large')!;
    const figure = (value: number) => ({ value, source: 'stated by the test', date: '2026-01' });
    const device = { ...instance, id: 'local-cpu', peakFlops: { fp32: figure(20e9) }, memoryBandwidthBytesPerSecond: figure(10e9), memoryBytes: figure(4e9) };
    const calibration = {
      backend: 'test',
      decodeFactor: 0.5,
      prefillFactor: 0.5,
      fitBatches: [1, 4],
      checkBatches: [2],
      rawMaxError: 2,
      outOfSampleMaxError: 1.1,
      inSampleMaxError: 1.05,
    };
    const local: LocalServingCalibration = { backend: 'test', device, layerOverheadSeconds: 0, calibration, points: [] };
    const planned = planScenarioServing(s, s.name, local);
    const here = planned.find((p) => p.entry.id === 'here-gpt2')!.plan;
    expect(here.meetsTarget).toBe(true);
    expect(here.provenance.join(' ')).toMatch(/calibrated on this machine \(tfjs test\): measured ÷ predicted decode tokens\/s 0\.500/);
    // GPT-2 at batch B on this stand-in: every step reads 124M fp32 weights (0.5 GB) at 10 GB/s × 0.5 (calibrated), at least 0.1 s.
    expect(here.tpotSeconds as number).toBeGreaterThanOrEqual(((124e6 * 4) / (10e9 * 0.5)) * 0.99);
    const plans = servingCosts(s, planned, s.name);
    const r = simulate(s, 4, new Map(), plans);
    const mix = s.market!.tokenMix!;
    const [gpt2] = r.equilibrium.costs;
    expect(gpt2?.marginalCostUsd).toBeCloseTo(
      blendedUsdPerM({ input: here.usdPerMInputTokens!, cachedInput: here.usdPerMCachedInputTokens!, output: here.usdPerMOutputTokens! }, mix),
      12,
    );
    for (const c of r.equilibrium.costs) expect(c.costProvenance.kind).toBe('modeled');
    expect(s.unit).toBe('1M tokens (blended at the mix)');
  });

  it("startup-vs-incumbent: the predator outlasts; the startup's survival odds are strictly between 0 and 1", () => {
    const r = simulate(load('startup-vs-incumbent.yaml'), 40);
    const [incumbent, startup] = r.summary.providers;
    expect(incumbent?.survivalProbability).toBe(1);
    expect(startup?.survivalProbability).toBeGreaterThan(0);
    expect(startup?.survivalProbability).toBeLessThan(1);
    expect(r.summary.firstExit.medianPeriod).toBeGreaterThan(4); // it enters in week 4
    // The predator prices 30% below its cost while the startup lives.
    const row = r.rows.find((x) => x.provider === 'Incumbent' && x.period === 10);
    expect(row?.priceUsd).toBeCloseTo(0.35, 10);
  });

  it('pruning-in-a-price-war: costs and qualities come from bench records (hand-built here)', () => {
    const records = pruningRecords();
    const r = simulate(load('pruning-in-a-price-war.yaml'), 4, records);
    const [pruned, dense] = r.equilibrium.costs;
    // Half the hidden neurons: forward FLOPs 101,632 vs 203,264 per sample, so half the marginal cost.
    expect((pruned?.marginalCostUsd as number) / (dense?.marginalCostUsd as number)).toBeCloseTo(101_632 / 203_264, 12);
    expect(pruned?.quality).toBeCloseTo(0.01 * 0.94, 12);
    expect(r.equilibrium.nash[0]?.price).toBeLessThan(r.equilibrium.nash[1]?.price as number);
    expect(r.rows.length).toBeGreaterThan(0);
  });
});
