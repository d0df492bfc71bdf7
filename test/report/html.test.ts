/**
 * The page shows its inputs: the title comes from the scenario's name and question (not its file
 * name), and the assumptions table has one row per assumed figure of the normalised scenario.
 */
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.ts';
import { buildCharts } from '../../src/report/charts/index.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { scenarioLineLocator } from '../../src/scenario/locate.ts';
import { assumptionRows } from '../../src/report/adapters/assumptions.ts';
import { fixtureResults } from './fixtures.ts';

const LIBS = { vega: '', vegaLite: '', vegaEmbed: '' };
const SCENARIO =
  'name: duel\nquestion: Who wins the duel?\nperiods: 4\ndemand: { type: logit, mu: 0.5 }\nproviders:\n  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus } }\n  - { name: b, quality: 2, marginalCost: 1.2, cash: 10, strategy: { type: bestResponse } }\n';

describe('renderHtml', () => {
  const scenario = parseScenario(SCENARIO, 'scenarios/duel-file.yaml');
  const results = {
    ...fixtureResults(),
    scenario: { name: scenario.name, question: scenario.question, seed: 1, file: 'scenarios/duel-file.yaml' },
    assumptions: assumptionRows(scenario, scenarioLineLocator(SCENARIO), 'scenarios/duel-file.yaml'),
  };
  const page = renderHtml(results, buildCharts(results.rows), LIBS);

  it('titles the page with the name and question, not the file name', () => {
    expect(page).toMatch(/<title>duel: Who wins the duel\?<\/title>/);
    expect(page).not.toMatch(/<title>[^<]*duel-file/);
  });

  it('lists every assumed figure in the assumptions table', () => {
    const table = page.slice(page.indexOf('<table class="assumptions">'), page.indexOf('</table>', page.indexOf('<table class="assumptions">')));
    const rows = table.match(/<tr><td>/g) ?? [];
    // periods 1; demand 5 (mu + 4 defaults); a: quality, marginal cost, learning, capacity, fixed
    // cost, cash, markup, entersAt, reviewEvery = 9; b the same with damping instead of markup = 9.
    expect(rows).toHaveLength(1 + 5 + 9 + 9);
    expect(table).toMatch(
      /b: starting cash<\/td><td class="value">10<\/td><td>USD<\/td><td><code>providers\[1\]\.cash<\/code><\/td><td class="source">scenarios\/duel-file\.yaml, line 7</,
    );
  });
});

describe('responsive charts', () => {
  const results = fixtureResults();
  const charts = buildCharts(results.rows);
  const page = renderHtml(results, charts, LIBS);
  const embedded = [...page.matchAll(/<script type="application\/json" data-chart="([^"]+)">(.*?)<\/script>/g)].map((m) => ({
    id: m[1],
    spec: JSON.parse(m[2] as string) as Record<string, unknown>,
  }));

  it('fills the container width in the page for single and layered charts; files keep fixed widths', () => {
    expect(embedded).toHaveLength(charts.length);
    const single = embedded.filter((e) => ['market-prices', 'market-equilibrium', 'cost-to-accuracy'].includes(e.id as string));
    expect(single).toHaveLength(3);
    for (const e of single) expect(e.spec['width'], e.id).toBe('container');
    for (const chart of charts)
      expect(typeof (chart.spec as { width?: unknown }).width === 'number' || (chart.spec as { width?: unknown }).width === undefined, chart.id).toBe(true);
    const concat = embedded.find((e) => e.id === 'market-profit');
    expect(concat?.spec['width']).toBeUndefined();
  });
});
