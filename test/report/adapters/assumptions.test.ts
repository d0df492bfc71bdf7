/**
 * The assumptions table lists every assumed number of the normalised scenario: counted by hand
 * for a small scenario, and against a generic walk of the normalised scenario's market (every
 * number or distribution under demand and providers) for every shipped scenario.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/scenario/parse.ts';
import { scenarioLineLocator } from '../../../src/scenario/locate.ts';
import { assumptionRows, formatNum } from '../../../src/report/adapters/assumptions.ts';
import type { Scenario } from '../../../src/scenario/normalize.ts';

const TINY = `name: tiny
question: Can a measured MLP survive a cheaper rival?
periods: 8
calendar: { start: 2026-01-05, periodDays: 7 }
bench: [{ id: mlp, model: mlp, steps: 4, device: aws-c6a.large }]
demand: { type: logit, mu: 0.5, outsideQuality: 0 }
providers:
  - name: Measured
    quality: { fromAccuracy: mlp, mapping: { type: linear, slope: 2, intercept: 0.5 } }
    cost: { bench: mlp, device: aws-c6a.large, samplesPerUnit: 1.0e9 }
    cash: 50
    fixedCostPerPeriod: 5
    strategy: { type: costPlus, markup: 0.3 }
  - name: Rival
    quality: 2
    marginalCost: { dist: uniform, min: 0.2, max: 0.4 }
    strategy: { type: undercutLeader, step: 0.1 }
`;

/** Every number or distribution under `node`: the second method the table is counted against. */
function countLeaves(node: unknown): number {
  if (typeof node === 'number') return 1;
  if (typeof node === 'object' && node !== null && 'dist' in node) return 1;
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + countLeaves(item), 0);
  if (typeof node === 'object' && node !== null) return Object.values(node).reduce((n: number, v) => n + countLeaves(v), 0);
  return 0;
}

function marketLeaves(s: Scenario): number {
  if (!s.market) return 0;
  return (
    countLeaves(s.market.demand) +
    countLeaves(s.market.tokenMix ?? null) +
    countLeaves(s.market.tokensPerCustomer ?? null) +
    s.market.providers.reduce((n, p) => n + countLeaves({ ...p, name: undefined }), 0)
  );
}

describe('assumptionRows', () => {
  const scenario = parseScenario(TINY, 'tiny.yaml');
  const rows = assumptionRows(scenario, scenarioLineLocator(TINY), 'tiny.yaml');

  it('lists every assumed figure of a small scenario (27, counted by hand)', () => {
    // horizon 2 (periods, periodDays); demand 5 (mu, outsideQuality, and the defaults marketSize,
    // priceElasticity, referencePrice); Measured 10 (mapping slope + intercept, samplesPerUnit,
    // learning curve, capacity, fixed cost, cash, markup, entersAt, reviewEvery); Rival 10
    // (quality, marginal cost, learning curve, capacity, fixed cost, cash, step, minMarkup,
    // entersAt, reviewEvery). 2 + 5 + 10 + 10 = 27.
    expect(rows).toHaveLength(27);
    expect(rows.every((r) => r.provenance === 'assumed')).toBe(true);
  });

  it('names the line a figure is stated on, or costsim default', () => {
    const cash = rows.find((r) => r.path === 'providers[0].cash');
    expect(cash).toMatchObject({ value: '50', unit: 'USD', source: 'tiny.yaml, line 11', figure: 'Measured: starting cash' });
    const rivalCash = rows.find((r) => r.path === 'providers[1].cash');
    expect(rivalCash).toMatchObject({ value: 'unlimited', source: 'costsim default' });
    expect(rows.find((r) => r.path === 'providers[1].marginalCost')).toMatchObject({ value: 'uniform(0.2 to 0.4)', source: 'tiny.yaml, line 16' });
    expect(rows.find((r) => r.path === 'calendar.periodDays')).toMatchObject({ value: '7', unit: 'days', source: 'tiny.yaml, line 4' });
    expect(rows.find((r) => r.path === 'providers[0].quality.mapping.slope')?.source).toBe('tiny.yaml, line 9');
  });

  it('formats distributions as they are written', () => {
    expect(formatNum({ dist: 'lognormal', median: 1.5, sigma: 0.2 })).toBe('lognormal(median 1.5, σ 0.2)');
    expect(formatNum({ dist: 'normal', mean: 3, sd: 1, min: 0 })).toBe('normal(mean 3, sd 1, min 0)');
  });

  for (const file of readdirSync('scenarios').filter((f) => f.endsWith('.yaml'))) {
    it(`${file}: one row per number of the normalised market, plus the horizon`, () => {
      const text = readFileSync(`scenarios/${file}`, 'utf8');
      const s = parseScenario(text, file);
      const table = assumptionRows(s, scenarioLineLocator(text), file);
      const devices = table.filter((r) => r.path.startsWith('devices')).length;
      expect(table.length - devices).toBe(marketLeaves(s) + 1 + (s.calendar ? 1 : 0));
      expect(new Set(table.map((r) => r.path)).size).toBe(table.length);
    });
  }
});

describe('assumptions table: nested logit and calibrated values', () => {
  it('lists σ but not nest indices, and leaves out the values a calibrate --write marked calibrated', () => {
    const text = `demand: { type: logit, mu: 0.3, nestedLogit: { sigma: 0.5, nests: { closed: [A, B] } } }
providers:
  - { name: A, quality: 2.1, marginalCost: 0.5, strategy: { type: costPlus } }
  - { name: B, quality: 1.9, marginalCost: 0.4, strategy: { type: costPlus } }
calibrated: { provenance: calibrated, method: "test", values: [{ path: demand.mu, value: 0.3 }, { path: "providers[1].quality", value: 1.9 }] }
`;
    const s = parseScenario(text, 'n.yaml');
    const paths = assumptionRows(s, scenarioLineLocator(text), 'n.yaml').map((r) => r.path);
    expect(paths).toContain('demand.nestedLogit.sigma');
    expect(paths.some((p) => p.includes('nestOf'))).toBe(false);
    expect(paths).not.toContain('demand.mu');
    expect(paths).not.toContain('providers[1].quality');
    expect(paths).toContain('providers[0].quality');
  });
});
