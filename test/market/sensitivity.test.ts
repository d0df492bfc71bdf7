/** Sign and rank warnings of a sensitivity analysis (src/market/sensitivity.ts), from hand-made rows. */
import { describe, expect, it } from 'vitest';
import { sensitivityWarnings, type SensitivityRow } from '../../src/market/sensitivity.ts';

const row = (
  input: string | null,
  level: SensitivityRow['level'],
  provider: string,
  survival: number,
  price: number | null,
  profit: number | null,
): SensitivityRow => ({
  input,
  level,
  value: level === 'low' ? 1 : level === 'high' ? 9 : null,
  provider,
  runs: 4,
  survivalProbability: survival,
  meanFinalPriceUsd: price,
  meanProfitUsdPerPeriod: profit,
});

describe('sensitivityWarnings', () => {
  it('flags a price order that reverses between p10 and p90, and a survival order that reverses against the baseline', () => {
    const rows = [
      row(null, 'central', 'A', 0.5, 1, 5),
      row(null, 'central', 'B', 0.75, 1.5, 5),
      // x: A's price goes from below B's (p10) to above it (p90).
      row('x', 'low', 'A', 0.5, 1, 5),
      row('x', 'low', 'B', 0.75, 1.5, 5),
      row('x', 'high', 'A', 0.5, 2, 5),
      row('x', 'high', 'B', 0.75, 1.5, 5),
      // y: A outlives B at p90, B outlives A at the baseline.
      row('y', 'low', 'A', 0.5, 1, 5),
      row('y', 'low', 'B', 0.75, 1.5, 5),
      row('y', 'high', 'A', 0.9, 1, 5),
      row('y', 'high', 'B', 0.75, 1.5, 5),
    ];
    expect(sensitivityWarnings(rows).map((w) => [w.input, w.kind, w.subject])).toEqual([
      ['x', 'price rank', 'A vs B'],
      ['y', 'survival rank', 'A vs B'],
    ]);
  });

  it('ignores ties, missing figures and profits that stay on one side of zero', () => {
    const rows = [
      row(null, 'central', 'A', 1, 1, 0),
      row(null, 'central', 'B', 1, null, -3),
      row('x', 'low', 'A', 1, 1, 2),
      row('x', 'low', 'B', 1, 2, null),
      row('x', 'high', 'A', 1, 1, 0),
      row('x', 'high', 'B', 1, 0.5, -1),
    ];
    // A's profit 2 → 0 → 0 never goes below zero; B's missing figures compare with nothing; all survive (a tie).
    // Only the prices reverse: B above A at p10 (2 > 1), below it at p90 (0.5 < 1).
    expect(sensitivityWarnings(rows).map((w) => w.kind)).toEqual(['price rank']);
    // Without B's p90 row, B's price is known only at p10: nothing to reverse.
    expect(sensitivityWarnings(rows.filter((r) => !(r.input === 'x' && r.level === 'high' && r.provider === 'B')))).toEqual([]);
  });
});
