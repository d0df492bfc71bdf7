/**
 * scenarios/china-2024-price-war.yaml, issue 15 item 6: the out-of-sample check uses nothing
 * dated after the last observation, and the full fit is labelled as the scenario as written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { calibrationReport } from '../../src/market/calibrate-report.ts';
import { logitNash } from '../../src/market/equilibrium.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import type { Scenario } from '../../src/scenario/normalize.ts';
import { planScenarioServing, servingCosts } from '../../src/pipeline/serving.ts';

const file = 'scenarios/china-2024-price-war.yaml';
const text = readFileSync(file, 'utf8');
/** DeepSeek's cost comes from the scenario's serving entries (the pipeline's pure plan and price phases). */
const calibrate = (s: Scenario) => calibrationReport(s, new Map(), servingCosts(s, planScenarioServing(s, file), file));

describe('calibrationReport on china-2024-price-war', () => {
  const r = calibrate(parseScenario(text, file));

  it('calibrates on period 10 (2024-05-11) only and predicts every reference after it out of sample', () => {
    expect(r.observations.periods).toEqual([10]);
    expect(r.observations.assumed).toBe(r.observations.count); // no published shares: every observation says it is assumed
    expect(r.muSource).toBe('scenario');
    expect(r.outOfSample?.rows.map((x) => `${x.provider} ${x.date}`)).toEqual([
      'ByteDance 2024-05-15',
      'Alibaba 2024-05-21',
      'Baidu 2024-05-21',
      'Tencent 2024-05-22',
    ]);
    expect(r.outOfSample?.label).toMatch(/^out of sample/);
    expect(r.fullFit?.label).toMatch(/^full fit: the scenario as written/);
    // Mean absolute error by hand from the rows.
    const rows = r.outOfSample!.rows;
    expect(r.outOfSample!.meanAbsErrorUsd).toBeCloseTo(
      rows.reduce((s, x) => s + Math.abs((x.modelPriceUsd as number) - x.referencePriceUsd), 0) / rows.length,
      12,
    );
  });

  it('prints the errors the README table quotes (out of sample 1.06, no change 1.26, full fit 0.006 USD per 1M blended tokens)', () => {
    expect(r.outOfSample!.meanAbsErrorUsd).toBeCloseTo(1.06, 2);
    expect(r.noChange!.meanAbsErrorUsd).toBeCloseTo(1.26, 2);
    expect(r.fullFit!.meanAbsErrorUsd).toBeCloseTo(0.006, 3);
  });

  it('the out-of-sample prediction does not move when the typed-in strategies, review dates and post-cut prices change; the full fit does', () => {
    const edited = text
      .replace('initialPrice: 0.1528              # Doubao-pro-32k', 'initialPrice: 0.5 #')
      .replaceAll('reviewEvery: 20', 'reviewEvery: 3')
      .replace('{ type: undercutLeader, step: 0.35, minMarkup: -0.5 }', '{ type: costPlus, markup: 0.5 }');
    expect(edited).not.toBe(text);
    const e = calibrate(parseScenario(edited, file));
    expect(e.outOfSample!.rows.map((x) => x.modelPriceUsd)).toEqual(r.outOfSample!.rows.map((x) => x.modelPriceUsd));
    expect(e.fullFit!.meanAbsErrorUsd).not.toBeCloseTo(r.fullFit!.meanAbsErrorUsd!, 3);
  });

  it('the calibrated market reproduces the observed period-10 prices as its Nash prices (fixed size, a second method: logitNash)', () => {
    // With the market size fixed (elasticity 0) the implied costs make the observed prices a logitNash equilibrium.
    const fixed = parseScenario(text.replace('priceElasticity: 0.5', 'priceElasticity: 0'), file);
    const c = calibrate(fixed);
    const nash = logitNash({
      quality: c.providers.map((p) => p.quality),
      marginalCostUsd: c.providers.map((p) => p.impliedMarginalCostUsd),
      mu: c.mu,
      outsideQuality: c.outsideQuality,
    });
    const observed = fixed.observations.map((o) => o.priceUsd);
    nash.forEach((e, j) => expect(e.price).toBeCloseTo(observed[j]!, 9));
  });
});
