/**
 * Two scenarios' results side by side: the headline figures of each report, and per provider
 * the numbers a founder compares (survival, final median price, final share, final cash, Nash
 * price) with their differences (b − a). Pure: results in, a comparison out.
 */
import type { ReportResults } from './rows.ts';

/** One number of both results; null where a side does not have it (a provider only one scenario has). */
export interface ComparedNumber {
  provider: string;
  metric: 'survivalProbability' | 'finalMedianPriceUsd' | 'finalShare' | 'finalCashUsd' | 'nashPriceUsd';
  /** Unit of a, b and difference. */
  unit: string;
  a: number | null;
  b: number | null;
  /** b − a; null unless both sides have the number. */
  difference: number | null;
  /** (b − a) / |a|; null when a is 0 or either side is missing. */
  relativeDifference: number | null;
}

/** The comparison of results `a` and `b`. */
export interface Comparison {
  a: { name: string; question: string };
  b: { name: string; question: string };
  /** The reports' key numbers by label, as each report formats them. */
  keyNumbers: Array<{ label: string; a: string | null; b: string | null }>;
  numbers: ComparedNumber[];
}

type Metric = ComparedNumber['metric'];

/** The value of each metric per provider in one result set (last period of each series). */
function metrics(results: ReportResults): Map<string, Map<Metric, number>> {
  const out = new Map<string, Map<Metric, number>>();
  const put = (provider: string, metric: Metric, value: number | null) => {
    if (value === null || !Number.isFinite(value)) return;
    if (!out.has(provider)) out.set(provider, new Map());
    out.get(provider)?.set(metric, value);
  };
  const last = <R extends { period: number; provider: string }>(rows: readonly R[] | undefined, take: (row: R) => number | null, metric: Metric) => {
    const byProvider = new Map<string, R>();
    for (const row of rows ?? []) if ((byProvider.get(row.provider)?.period ?? -Infinity) <= row.period) byProvider.set(row.provider, row);
    for (const [provider, row] of byProvider) put(provider, metric, take(row));
  };
  last(results.rows.survival, (r) => r.survivalProbability, 'survivalProbability');
  last(results.rows.priceBands, (r) => r.medianPriceUsd, 'finalMedianPriceUsd');
  last(results.rows.shares, (r) => r.share, 'finalShare');
  last(results.rows.profit, (r) => r.cashUsd, 'finalCashUsd');
  for (const row of results.rows.equilibrium ?? []) put(row.provider, 'nashPriceUsd', row.nashPriceUsd);
  return out;
}

const METRICS: ReadonlyArray<{ metric: Metric; unit: (r: ReportResults) => string }> = [
  { metric: 'survivalProbability', unit: () => 'probability' },
  { metric: 'finalMedianPriceUsd', unit: (r) => r.scenario.priceUnit ?? 'USD per unit' },
  { metric: 'finalShare', unit: () => 'share of units sold' },
  { metric: 'finalCashUsd', unit: () => 'USD' },
  { metric: 'nashPriceUsd', unit: (r) => r.scenario.priceUnit ?? 'USD per unit' },
];

/** Compare two result sets (e.g. two scenarios' results.json). */
export function compareResults(a: ReportResults, b: ReportResults): Comparison {
  const labels = [...new Set([...a.summary.keyNumbers, ...b.summary.keyNumbers].map((k) => k.label))];
  const value = (r: ReportResults, label: string) => r.summary.keyNumbers.find((k) => k.label === label)?.value ?? null;
  const ma = metrics(a);
  const mb = metrics(b);
  const providers = [...new Set([...ma.keys(), ...mb.keys()])];
  const numbers: ComparedNumber[] = [];
  for (const provider of providers)
    for (const { metric, unit } of METRICS) {
      const x = ma.get(provider)?.get(metric) ?? null;
      const y = mb.get(provider)?.get(metric) ?? null;
      if (x === null && y === null) continue;
      const difference = x !== null && y !== null ? y - x : null;
      numbers.push({
        provider,
        metric,
        unit: unit(x !== null ? a : b),
        a: x,
        b: y,
        difference,
        relativeDifference: difference !== null && x !== null && x !== 0 ? difference / Math.abs(x) : null,
      });
    }
  return {
    a: { name: a.scenario.name, question: a.scenario.question },
    b: { name: b.scenario.name, question: b.scenario.question },
    keyNumbers: labels.map((label) => ({ label, a: value(a, label), b: value(b, label) })),
    numbers,
  };
}

/** A compared number as text: 4 significant figures, exponent form when tiny or huge; "–" when missing. */
export function formatComparedNumber(x: number | null): string {
  if (x === null) return '–';
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** A relative change as a signed percentage ("+12.5%"); empty when there is none. */
export function formatRelativeChange(x: number | null): string {
  return x === null ? '' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
}
