/**
 * The written summary's last guard: a figure that is not finite reads "n/a", never "$NaN"
 * (the market refuses such results upstream, src/market/finite.ts; this covers any that slip by).
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { composeSummary } from '../../src/report/summary.ts';

describe('composeSummary', () => {
  it('writes n/a, never $NaN or NaN%, for a non-finite figure', () => {
    const s = parseScenario('periods: 3\ndemand: { type: logit, mu: 0.25 }\nproviders:\n  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus } }\n  - { name: b, quality: 2, marginalCost: 1, strategy: { type: bestResponse } }\n', 'n.yaml');
    const result = assembleSimulation(s, new Map(), simulateRuns(s, new Map(), [0]));
    const clean = JSON.stringify(composeSummary({ market: result }));
    expect(clean).toMatch(/a ends at a median \$1\.\d+ per unit/);
    for (const band of result.summary.bands) band.median = Number.NaN;
    for (const p of result.summary.providers) p.survivalProbability = Number.NaN;
    const text = JSON.stringify(composeSummary({ market: result }));
    expect(text).not.toMatch(/NaN/);
    expect(text).toMatch(/a ends at a median n\/a per unit/);
  });
});
