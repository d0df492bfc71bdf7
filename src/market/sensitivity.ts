/**
 * One-at-a-time sensitivity of the market's answer (`simulate --sensitivity`): tidy rows, one
 * per input × level (low = 10th percentile, high = 90th, plus the all-central baseline) ×
 * provider, from a grid sweep's rows, and the warnings a reader must see: a provider's mean
 * profit changes sign, or the providers' order by final price or by survival probability
 * reverses, while one input moves over its range (low, central, high). Ties never count as a
 * reversal; a pair reverses only when it is strictly ordered one way at one level and strictly
 * the other way at another. Pure.
 */
import type { GridRow } from './grid.ts';

/** One uncertain input at one level × provider of a sensitivity analysis (`simulate --sensitivity`, modeled). */
export interface SensitivityRow {
  /** The input's scenario path, e.g. "providers[1].cash"; null for the baseline (every input central). */
  input: string | null;
  /** low = the input's 10th percentile, high = its 90th; the baseline is central. */
  level: 'low' | 'central' | 'high';
  /** The input's value at this level; null for the baseline. */
  value: number | null;
  provider: string;
  runs: number;
  /** In [0, 1]. */
  survivalProbability: number;
  /** USD per the scenario's unit; null if it never survived. */
  meanFinalPriceUsd: number | null;
  /** USD per period; null if it never entered. */
  meanProfitUsdPerPeriod: number | null;
}

/** A change of sign or rank within one input's range. */
export interface SensitivityWarning {
  input: string;
  kind: 'profit sign' | 'price rank' | 'survival rank';
  /** The provider (profit sign) or the pair "A vs B" (rank). */
  subject: string;
  message: string;
}

/** The rows of a sensitivity grid: `points[i]` says which input and level grid point i set. */
export function sensitivityRows(
  rows: readonly GridRow[],
  points: ReadonlyArray<{ index: number; input: string | null; level: SensitivityRow['level']; values: Record<string, number> }>,
): SensitivityRow[] {
  return points.flatMap((p) =>
    rows
      .filter((r) => r.point === p.index)
      .map((r) => ({
        input: p.input,
        level: p.level,
        value: p.input === null ? null : (p.values[p.input] ?? null),
        provider: r.provider,
        runs: r.runs,
        survivalProbability: r.survivalProbability,
        meanFinalPriceUsd: r.meanFinalPriceUsd,
        meanProfitUsdPerPeriod: r.meanProfitUsdPerPeriod,
      })),
  );
}

const fmt = (x: number | null): string => (x === null ? '–' : Number(x.toPrecision(4)).toString());

/** The levels of `input` (low, central = the baseline, high) for each provider, in that order. */
function levelsOf(rows: readonly SensitivityRow[], input: string): Array<{ level: string; value: number | null; rows: SensitivityRow[] }> {
  const baseline = rows.filter((r) => r.input === null);
  const mine = (level: 'low' | 'high') => rows.filter((r) => r.input === input && r.level === level);
  return [
    { level: 'low', value: mine('low')[0]?.value ?? null, rows: mine('low') },
    { level: 'central', value: null, rows: baseline },
    { level: 'high', value: mine('high')[0]?.value ?? null, rows: mine('high') },
  ];
}

/** Every sign or rank change within each input's range, in input order. */
export function sensitivityWarnings(rows: readonly SensitivityRow[]): SensitivityWarning[] {
  const inputs = [...new Set(rows.flatMap((r) => (r.input === null ? [] : [r.input])))];
  const providers = [...new Set(rows.map((r) => r.provider))];
  const warnings: SensitivityWarning[] = [];
  for (const input of inputs) {
    const levels = levelsOf(rows, input);
    const range = `${input} from ${fmt(levels[0]?.value ?? null)} (p10) to ${fmt(levels[2]?.value ?? null)} (p90)`;
    for (const provider of providers) {
      const profits = levels.map((l) => l.rows.find((r) => r.provider === provider)?.meanProfitUsdPerPeriod ?? null);
      const known = profits.filter((x): x is number => x !== null);
      if (known.some((x) => x > 0) && known.some((x) => x < 0))
        warnings.push({
          input,
          kind: 'profit sign',
          subject: provider,
          message: `${provider}'s mean profit per period changes sign as ${range}: ${profits.map(fmt).join(' → ')} USD (low → central → high)`,
        });
    }
    const metrics = [
      { kind: 'price rank', label: 'mean final price', of: (r?: SensitivityRow) => r?.meanFinalPriceUsd ?? null },
      { kind: 'survival rank', label: 'survival probability', of: (r?: SensitivityRow) => r?.survivalProbability ?? null },
    ] as const;
    for (const { kind, label, of } of metrics) {
      for (const [i, a] of providers.entries()) {
        for (const b of providers.slice(i + 1)) {
          const signs = levels.map((l) => {
            const x = of(l.rows.find((r) => r.provider === a));
            const y = of(l.rows.find((r) => r.provider === b));
            return x === null || y === null ? 0 : Math.sign(x - y);
          });
          if (signs.includes(1) && signs.includes(-1))
            warnings.push({ input, kind, subject: `${a} vs ${b}`, message: `${a} and ${b} swap places by ${label} as ${range}` });
        }
      }
    }
  }
  return warnings;
}
