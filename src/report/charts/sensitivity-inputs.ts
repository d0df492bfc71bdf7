/**
 * Tornado chart of a one-at-a-time sensitivity analysis (`simulate --sensitivity`): for each
 * uncertain input (a scenario number given as a distribution) and each provider, the mean
 * survival probability, final price and profit per period with the input at its 10th and at
 * its 90th percentile, the other inputs at their central values. Longest bar on top. All
 * figures modeled. Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SensitivityRow } from '../rows.ts';
import { CHART_WIDTH_PX, distinct } from '../theme.ts';
import { topLevel } from './common.ts';
import { tornadoPanel, type TornadoBar } from './sensitivity.ts';

const METRICS = [
  { metric: 'survival probability', of: (r: SensitivityRow) => r.survivalProbability },
  { metric: 'mean final price', of: (r: SensitivityRow) => r.meanFinalPriceUsd },
  { metric: 'mean profit per period', of: (r: SensitivityRow) => r.meanProfitUsdPerPeriod },
] as const;

/** One bar per metric × provider × input: from the outcome at the input's p10 to the one at its p90 (ordered low ≤ high); a metric with no value at either end is left out. */
export function inputTornadoBars(rows: readonly SensitivityRow[]): TornadoBar[] {
  const inputs = distinct(
    rows.filter((r) => r.input !== null),
    (r) => r.input as string,
  );
  const providers = distinct(rows, (r) => r.provider);
  const bars: TornadoBar[] = [];
  for (const { metric, of } of METRICS)
    for (const provider of providers)
      for (const input of inputs) {
        const at = (level: 'low' | 'high') => rows.find((r) => r.input === input && r.level === level && r.provider === provider);
        const lo = at('low');
        const hi = at('high');
        if (!lo || !hi || of(lo) === null || of(hi) === null) continue;
        const [a, b] = (of(lo) as number) <= (of(hi) as number) ? [lo, hi] : [hi, lo];
        bars.push({
          metric,
          provider,
          parameter: input,
          low: of(a) as number,
          high: of(b) as number,
          swing: (of(b) as number) - (of(a) as number),
          atLow: a.value as number,
          atHigh: b.value as number,
        });
      }
  return bars;
}

/** The rows as the chart's CSV: one flat row per input × level × provider (the baseline has input "(all central)"). */
export function sensitivityTable(rows: readonly SensitivityRow[]): Array<Record<string, string | number | null>> {
  return rows.map((r) => ({
    input: r.input ?? '(all central)',
    level: r.level,
    value: r.value,
    provider: r.provider,
    runs: r.runs,
    survivalProbability: r.survivalProbability,
    meanFinalPriceUsd: r.meanFinalPriceUsd,
    meanProfitUsdPerPeriod: r.meanProfitUsdPerPeriod,
  }));
}

/** Tornado chart: survival probability, mean final price and mean profit per period, a row of bars per provider. */
export function inputSensitivityChart(rows: readonly SensitivityRow[], priceUnit = 'USD per unit'): TopLevelSpec {
  const bars = inputTornadoBars(rows);
  const providers = distinct(rows, (r) => r.provider);
  const layout = { widthPx: Math.round(CHART_WIDTH_PX / 3), labelLimitPx: 260 };
  return topLevel(
    {
      title: 'Which uncertain input moves the answer?',
      subtitle:
        'Each bar spans the mean outcome with one input at its 10th and at its 90th percentile (the other inputs at their central values); longest on top. Monte Carlo means, modeled.',
    },
    {
      data: { values: bars },
      // Three panels share one chart width; input paths are long, so their labels get room.
      hconcat: [
        tornadoPanel(
          bars,
          providers,
          'survival probability',
          'survival probability (0–1)',
          { scale: { domain: [0, 1] }, axis: { format: '.0%' } },
          '.0%',
          layout,
        ),
        tornadoPanel(bars, providers, 'mean final price', `mean final price (${priceUnit})`, { scale: { zero: false } }, '.4~g', layout),
        tornadoPanel(bars, providers, 'mean profit per period', 'mean profit (USD per period)', { scale: { zero: true } }, '.4~g', layout),
      ],
    },
  );
}
