/**
 * Bench records → the cost-to-accuracy and gradient-accumulation rows, plus headline numbers.
 * Pure. A record's own provenance map says whether its cost was measured or modeled (cost is
 * measured seconds × a catalogue $/hour, which bench/ labels itself).
 */
import type { BenchRecord } from '../../bench/record.ts';
import type { ProvenanceKind } from '../../provenance.ts';
import type { AccumulationRow, KeyNumber, ParetoRow } from '../rows.ts';
import { sig6 } from './market.ts';

/** A record under the scenario's bench id. */
export interface NamedRecord {
  id: string;
  record: BenchRecord;
}

const MIB = 1024 ** 2;

function kindOf(record: BenchRecord, path: string, fallback: ProvenanceKind): ProvenanceKind {
  return record.provenance[path]?.kind ?? fallback;
}

/** Mark the rows no other row beats on both cost (≤) and accuracy (>); ties in cost keep the more accurate. */
export function markFrontier<T extends { trainCostUsd: number; testAccuracy: number; onFrontier: boolean }>(rows: T[]): T[] {
  const order = [...rows].sort((a, b) => a.trainCostUsd - b.trainCostUsd || b.testAccuracy - a.testAccuracy);
  let best = -Infinity;
  for (const row of order) {
    row.onFrontier = row.testAccuracy > best;
    if (row.onFrontier) best = row.testAccuracy;
  }
  return rows;
}

/** One point per trained (not pruned) configuration: dollars to train vs test accuracy. */
export function paretoRows(named: readonly NamedRecord[]): ParetoRow[] {
  const rows = named
    .filter(({ record }) => record.config.pruning === undefined)
    .map(({ id, record }) => ({
      label: `${id} (${record.config.model}, k=${record.config.accumulationSteps}, ${record.metrics.steps} steps)`,
      model: record.config.model,
      trainCostUsd: sig6(record.metrics.costUsd),
      testAccuracy: sig6(record.metrics.testAccuracy),
      energyJoules: sig6(record.metrics.energyJoules),
      ...(record.metrics.carbonGrams !== undefined ? { carbonGrams: sig6(record.metrics.carbonGrams) } : {}),
      onFrontier: false,
      provenance: kindOf(record, 'metrics.costUsd', 'modeled'),
    }));
  return markFrontier(rows);
}

/** True when every record of a group has a wasm heap figure (then the group's rows use it; else peak RSS, so one chart line is one kind of figure). */
function allHaveHeap(records: readonly BenchRecord[]): boolean {
  return records.every((r) => r.metrics.physicalMemory?.wasmHeapBytes !== undefined);
}

/** Mean physical peak of records (the wasm heap high-water mark or peak RSS, as `heap` says); nothing for records made before physical memory was recorded. */
function physicalPeak(records: readonly BenchRecord[], heap: boolean): Pick<AccumulationRow, 'physicalPeakMiB' | 'physicalMemory'> {
  const memories = records.map((r) => r.metrics.physicalMemory);
  if (!memories.every((m) => m !== undefined)) return {};
  const bytes = memories.map((m) => (heap ? (m?.wasmHeapBytes as number) : (m?.peakRssBytes as number)));
  return {
    physicalPeakMiB: sig6(bytes.reduce((a, b) => a + b, 0) / bytes.length / MIB),
    physicalMemory: heap ? 'wasm heap high-water mark' : 'process peak RSS',
  };
}

/** Records of the same model, options and micro-batch at two or more k: one row per k (mean when repeated). */
export function accumulationRows(named: readonly NamedRecord[]): AccumulationRow[] {
  const groups = new Map<string, BenchRecord[]>();
  for (const { record } of named) {
    if (record.config.pruning !== undefined) continue;
    const key = JSON.stringify([record.config.model, record.config.modelOptions, record.config.batchSize]);
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  const rows: AccumulationRow[] = [];
  for (const records of groups.values()) {
    const ks = [...new Set(records.map((r) => r.config.accumulationSteps))].sort((a, b) => a - b);
    if (ks.length < 2) continue;
    for (const k of ks) {
      const at = records.filter((r) => r.config.accumulationSteps === k);
      const mean = (f: (r: BenchRecord) => number) => at.reduce((s, r) => s + f(r), 0) / at.length;
      const first = at[0] as BenchRecord;
      rows.push({
        model: `${first.config.model} (micro-batch ${first.config.batchSize})`,
        accumulationSteps: k,
        microBatchSize: first.config.batchSize,
        peakMiB: sig6(mean((r) => r.metrics.peakBytes) / MIB),
        stepSeconds: sig6(mean((r) => r.metrics.stepSeconds)),
        provenance: kindOf(first, 'metrics.stepSeconds', 'measured'),
        ...physicalPeak(at, allHaveHeap(records)),
      });
    }
  }
  return rows;
}

const money = (x: number) => (!Number.isFinite(x) ? 'n/a' : x >= 1 ? `$${x.toFixed(2)}` : `$${Number(x.toPrecision(3))}`);

/** Headline numbers: the most accurate configuration and the cheapest one on the frontier. */
export function benchKeyNumbers(named: readonly NamedRecord[]): KeyNumber[] {
  const rows = paretoRows(named);
  if (rows.length === 0) return [];
  const best = [...rows].sort((a, b) => b.testAccuracy - a.testAccuracy || a.trainCostUsd - b.trainCostUsd)[0] as ParetoRow;
  const cheapest = [...rows].sort((a, b) => a.trainCostUsd - b.trainCostUsd)[0] as ParetoRow;
  const record = named.find((n) => best.label.startsWith(`${n.id} `))?.record;
  const out: KeyNumber[] = [
    {
      label: `most accurate configuration: ${best.label}`,
      value: `${(100 * best.testAccuracy).toFixed(1)}% for ${money(best.trainCostUsd)}`,
      provenance: best.provenance,
      source: record
        ? `${record.metrics.wallSeconds.toFixed(1)} s measured on ${record.environment.backend} (${record.environment.cpuModel}), priced on ${record.environment.deviceId}`
        : undefined,
    },
  ];
  // Energy and carbon of the same configuration: every record carries them (one energy model, src/bench/energy.ts).
  if (record?.metrics.carbonGrams !== undefined) {
    const grid = record.environment.grid;
    out.push({
      label: `energy and carbon to train it (${grid ? `${grid.region} grid, PUE ${grid.pue}` : 'world-average grid, PUE 1'})`,
      value: `${Number(record.metrics.energyJoules.toPrecision(3))} J, ${Number(record.metrics.carbonGrams.toPrecision(3))} g CO2e`,
      provenance: kindOf(record, 'metrics.carbonGrams', 'modeled'),
      source: record.provenance['metrics.carbonGrams']?.source,
    });
  }
  if (cheapest !== best)
    out.push({
      label: `cheapest configuration: ${cheapest.label}`,
      value: `${(100 * cheapest.testAccuracy).toFixed(1)}% for ${money(cheapest.trainCostUsd)}`,
      provenance: cheapest.provenance,
    });
  return out;
}
