/**
 * Same scenario + seed → byte-identical market CSVs and chart specs; another seed → different
 * ones (so the check is not vacuous). Runs the real market simulation on a small scenario.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { marketRows } from '../../src/report/adapters/market.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { toCsv } from '../../src/report/csv.ts';
import { formatSpec } from '../../src/report/write.ts';

const yaml = (seed: number) => `
name: determinism
seed: ${seed}
periods: 12
unit: 1M tokens
monteCarlo: { runs: 6 }
demand: { type: logit, mu: 0.25, outsideQuality: 0 }
providers:
  - { name: A, quality: 2, marginalCost: { dist: lognormal, median: 1, sigma: 0.2 }, cash: 3, strategy: { type: undercutLeader, step: 0.1 } }
  - { name: B, quality: 2, marginalCost: 1, cash: 5, strategy: { type: bestResponse } }
`;

/** Every market chart's spec and CSV text for one seed. */
async function artefacts(seed: number): Promise<string[]> {
  const scenario = parseScenario(yaml(seed), 'determinism.yaml');
  const records = new Map();
  const runs = simulateRuns(scenario, records, [0, 1, 2, 3, 4, 5]);
  const rows = marketRows(assembleSimulation(scenario, records, runs));
  const charts = buildCharts(rows, { priceUnit: 'USD per 1M tokens' });
  expect(charts.map((c) => c.id)).toEqual(['market-prices', 'market-shares', 'market-profit', 'market-survival', 'market-equilibrium']);
  const out: string[] = [];
  for (const chart of charts) out.push(formatSpec(chart), await toCsv(chart.table));
  return out;
}

describe('determinism of the market report', () => {
  it('gives byte-identical specs and CSVs for the same scenario and seed, different ones for another seed', async () => {
    const first = await artefacts(11);
    const second = await artefacts(11);
    expect(second).toEqual(first);
    const other = await artefacts(12);
    expect(other).not.toEqual(first);
  });
});
