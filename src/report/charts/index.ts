/**
 * The report's charts in reading order. Each entry says which rows it needs; `buildCharts`
 * returns the charts whose rows are present, each with its spec and the table behind it
 * (written as the chart's CSV). Pure.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PeriodCalendar } from './common.ts';
import type { ProvenanceKind, ReportRows } from '../rows.ts';
import { paretoChart } from './pareto.ts';
import { pruningAccuracyChart, pruningComputeChart, pruningPayoffChart } from './pruning.ts';
import { accumulationChart } from './accumulation.ts';
import { calibrationChart, placementMemoryChart, placementTimeChart } from './placement.ts';
import { equilibriumChart, priceBandsChart } from './market-prices.ts';
import { profitChart, sharesChart, survivalChart } from './market-outcomes.ts';
import { withInteraction } from './interaction.ts';
import { gridSweepTable, sensitivityChart } from './sensitivity.ts';
import { inputSensitivityChart, sensitivityTable } from './sensitivity-inputs.ts';
import { servingCostChart, servingFrontierChart, servingMeasuredChart } from './serving.ts';

/** A table row as written to CSV: flat values only. */
export type TableRow = Record<string, string | number | boolean | null>;

/** One chart ready to render: file stem, spec, the data behind it, and which kinds of figures it shows. */
export interface BuiltChart {
  /** File stem: `<id>.svg`, `<id>.png`, `<id>.csv`. */
  id: string;
  /** Section heading on the page. */
  section: 'cost to accuracy' | 'pruning' | 'gradient accumulation' | 'placement' | 'serving' | 'market';
  title: string;
  spec: TopLevelSpec;
  table: TableRow[];
  /** Distinct provenance kinds of the figures drawn (sorted). */
  provenance: ProvenanceKind[];
}

/** Settings that change labels, not data. */
export interface ChartOptions {
  /** Price axis unit, e.g. "USD per million tokens". */
  priceUnit?: string;
  /** Period length and start for period axes. */
  calendar?: PeriodCalendar;
}

interface ChartEntry {
  id: string;
  section: BuiltChart['section'];
  build(rows: ReportRows, options: ChartOptions): { spec: TopLevelSpec; table: readonly object[]; provenance: ProvenanceKind[] } | undefined;
}

const has = <T>(rows: readonly T[] | undefined): rows is T[] => rows !== undefined && rows.length > 0;

/** Distinct `provenance` values of rows that have one; `fallback` for rows that do not (e.g. simulated market tables). */
function kinds(rows: readonly object[], fallback: ProvenanceKind[] = []): ProvenanceKind[] {
  const found = rows.map((r) => (r as { provenance?: ProvenanceKind }).provenance).filter((p): p is ProvenanceKind => p !== undefined);
  return [...new Set([...found, ...fallback])].sort();
}

const ENTRIES: readonly ChartEntry[] = [
  {
    id: 'cost-to-accuracy',
    section: 'cost to accuracy',
    build: (r) => (has(r.pareto) ? { spec: paretoChart(r.pareto), table: r.pareto, provenance: kinds(r.pareto) } : undefined),
  },
  {
    id: 'pruning-accuracy',
    section: 'pruning',
    build: (r) =>
      has(r.pruningAccuracy) ? { spec: pruningAccuracyChart(r.pruningAccuracy), table: r.pruningAccuracy, provenance: kinds(r.pruningAccuracy) } : undefined,
  },
  {
    id: 'pruning-compute',
    section: 'pruning',
    build: (r) =>
      has(r.pruningCompute) ? { spec: pruningComputeChart(r.pruningCompute), table: r.pruningCompute, provenance: kinds(r.pruningCompute) } : undefined,
  },
  {
    id: 'pruning-break-even',
    section: 'pruning',
    build: (r) =>
      has(r.pruningPayoff) ? { spec: pruningPayoffChart(r.pruningPayoff), table: r.pruningPayoff, provenance: kinds(r.pruningPayoff) } : undefined,
  },
  {
    id: 'gradient-accumulation',
    section: 'gradient accumulation',
    build: (r) => (has(r.accumulation) ? { spec: accumulationChart(r.accumulation), table: r.accumulation, provenance: kinds(r.accumulation) } : undefined),
  },
  {
    id: 'placement-time',
    section: 'placement',
    build: (r) =>
      has(r.placementTime) ? { spec: placementTimeChart(r.placementTime), table: r.placementTime, provenance: kinds(r.placementTime) } : undefined,
  },
  {
    id: 'placement-memory',
    section: 'placement',
    build: (r) =>
      has(r.placementMemory) ? { spec: placementMemoryChart(r.placementMemory), table: r.placementMemory, provenance: kinds(r.placementMemory) } : undefined,
  },
  {
    id: 'placement-calibration',
    section: 'placement',
    build: (r) => (has(r.calibration) ? { spec: calibrationChart(r.calibration), table: r.calibration, provenance: ['measured', 'modeled'] } : undefined),
  },
  {
    id: 'serving-frontier',
    section: 'serving',
    build: (r) =>
      has(r.servingFrontier) ? { spec: servingFrontierChart(r.servingFrontier), table: r.servingFrontier, provenance: kinds(r.servingFrontier) } : undefined,
  },
  {
    id: 'serving-cost',
    section: 'serving',
    build: (r) => (has(r.servingCost) ? { spec: servingCostChart(r.servingCost), table: r.servingCost, provenance: kinds(r.servingCost) } : undefined),
  },
  {
    id: 'serving-measured',
    section: 'serving',
    build: (r) =>
      has(r.servingMeasured) ? { spec: servingMeasuredChart(r.servingMeasured), table: r.servingMeasured, provenance: kinds(r.servingMeasured) } : undefined,
  },
  {
    id: 'market-prices',
    section: 'market',
    build: (r, o) => {
      if (!has(r.priceBands)) return undefined;
      const refs = r.referencePrices ?? [];
      const costs = r.marginalCost ?? [];
      const table = [
        ...r.priceBands.map((b) => ({ kind: 'simulated', ...b })),
        ...refs.map((p) => ({ kind: 'reference', ...p })),
        ...costs.map((c) => ({ kind: 'marginal cost', ...c })),
      ];
      return {
        spec: priceBandsChart(r.priceBands, refs, o.priceUnit, costs, o.calendar),
        table,
        provenance: kinds(costs, refs.length > 0 ? ['measured', 'modeled'] : ['modeled']),
      };
    },
  },
  {
    id: 'market-shares',
    section: 'market',
    build: (r, o) => (has(r.shares) ? { spec: sharesChart(r.shares, o.calendar), table: r.shares, provenance: ['modeled'] } : undefined),
  },
  {
    id: 'market-profit',
    section: 'market',
    build: (r, o) => (has(r.profit) ? { spec: profitChart(r.profit, o.calendar), table: r.profit, provenance: ['modeled'] } : undefined),
  },
  {
    id: 'market-survival',
    section: 'market',
    build: (r, o) => (has(r.survival) ? { spec: survivalChart(r.survival, o.calendar), table: r.survival, provenance: ['modeled'] } : undefined),
  },
  {
    id: 'market-equilibrium',
    section: 'market',
    build: (r, o) => {
      if (!has(r.priceBands) || !has(r.equilibrium)) return undefined;
      const costs = r.marginalCost ?? [];
      const table = [
        ...r.equilibrium.map((e) => ({ kind: 'equilibrium', ...e })),
        ...r.priceBands.map((b) => ({ kind: 'simulated', provider: b.provider, period: b.period, medianPriceUsd: b.medianPriceUsd })),
        ...costs.map((c) => ({ kind: 'marginal cost', ...c })),
      ];
      return { spec: equilibriumChart(r.priceBands, r.equilibrium, o.priceUnit, costs, o.calendar), table, provenance: kinds(costs, ['modeled']) };
    },
  },
  {
    id: 'market-sensitivity',
    section: 'market',
    build: (r, o) =>
      has(r.gridSweep) ? { spec: sensitivityChart(r.gridSweep, o.priceUnit), table: gridSweepTable(r.gridSweep), provenance: ['modeled'] } : undefined,
  },
  {
    id: 'market-input-sensitivity',
    section: 'market',
    build: (r, o) =>
      has(r.sensitivity)
        ? { spec: inputSensitivityChart(r.sensitivity, o.priceUnit), table: sensitivityTable(r.sensitivity), provenance: ['modeled'] }
        : undefined,
  },
];

/** Every chart id in page order (whether or not a given report has its rows). */
export const CHART_IDS: readonly string[] = ENTRIES.map((e) => e.id);

/** Build the charts `rows` can fill, in page order. */
export function buildCharts(rows: ReportRows, options: ChartOptions = {}): BuiltChart[] {
  const charts: BuiltChart[] = [];
  for (const entry of ENTRIES) {
    const built = entry.build(rows, options);
    if (!built) continue;
    const title = (built.spec.title as { text: string }).text;
    charts.push({
      id: entry.id,
      section: entry.section,
      title,
      spec: withInteraction(built.spec),
      table: built.table as TableRow[],
      provenance: built.provenance,
    });
  }
  return charts;
}
