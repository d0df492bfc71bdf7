/**
 * The written summary: one finding per sentence, providers with the same outcome named together
 * (no phrase repeated once per provider), and a figure that is not finite reads "n/a", never
 * "$NaN" (the market refuses such results upstream, src/market/finite.ts; this is the last guard).
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { assembleSimulation, simulateRuns } from '../../src/market/montecarlo.ts';
import { composeSummary, listText } from '../../src/report/summary.ts';

/** Every run of `n` consecutive words, lower-cased, with how often it occurs. */
function ngramCounts(text: string, n: number): Map<string, number> {
  const words = text
    .toLowerCase()
    .split(/[\s,.;:()]+/)
    .filter(Boolean);
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join(' ');
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return counts;
}

describe('composeSummary', () => {
  it('writes n/a, never $NaN or NaN%, for a non-finite figure', () => {
    const s = parseScenario(
      'periods: 3\ndemand: { type: logit, mu: 0.25 }\nproviders:\n  - { name: a, quality: 2, marginalCost: 1, strategy: { type: costPlus } }\n  - { name: b, quality: 2, marginalCost: 1, strategy: { type: bestResponse } }\n',
      'n.yaml',
    );
    const result = assembleSimulation(s, new Map(), simulateRuns(s, new Map(), [0]));
    const clean = composeSummary({ market: result }).answer;
    // Behaviour changed in issue 16: providers with the same verdict share one sentence.
    expect(clean).toMatch(/a and b end .* \(median final prices \$1\.\d+ \(a\) and \$1\.\d+ \(b\) per unit\)\./);
    for (const band of result.summary.bands) band.median = Number.NaN;
    for (const p of result.summary.providers) p.survivalProbability = Number.NaN;
    const text = JSON.stringify(composeSummary({ market: result }));
    expect(text).not.toMatch(/NaN/);
    expect(text).toMatch(/n\/a/);
  });

  it('four providers: no three-word phrase four times, one finding per sentence', () => {
    const providers = ['Alpha', 'Bravo', 'Charlie', 'Delta']
      .map(
        (name, i) =>
          `  - { name: ${name}, quality: ${2 + 0.1 * i}, marginalCost: ${1 + 0.1 * i}, cash: ${i === 3 ? 1 : 1000}, fixedCostPerPeriod: ${i === 3 ? 5 : 0}, strategy: { type: costPlus, markup: 0.2 } }`,
      )
      .join('\n');
    const s = parseScenario(`periods: 6\ndemand: { type: logit, mu: 0.25 }\nproviders:\n${providers}\n`, 'four.yaml');
    const result = assembleSimulation(s, new Map(), simulateRuns(s, new Map(), [0, 1]));
    const answer = composeSummary({ market: result }).answer;
    const repeated = [...ngramCounts(answer, 3)].filter(([, n]) => n >= 4);
    expect(repeated, answer).toEqual([]);
    // One finding per sentence: no sentence chains clauses with semicolons.
    expect(answer).not.toMatch(/;/);
    expect(answer).toMatch(/Alpha, Bravo and Charlie survive every run\./);
    expect(answer).toMatch(/Delta \(median exit at period \d+\) leaves the market in every run\./);
  });

  it('lists names as a reader would', () => {
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b'])).toBe('a and b');
    expect(listText(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
