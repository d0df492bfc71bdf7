/**
 * Pipeline phase "sensitivity" (`simulate --sensitivity`): find the scenario's uncertain inputs
 * (every number written as a distribution: scenario/sensitivity.ts) → one grid point per input
 * at its 10th and at its 90th percentile, the other inputs at their central values, plus a
 * baseline with all of them central → simulate them through the grid sweep's machinery
 * (grid.ts: parallel, --workers, --queue, common run seeds) → tidy rows and sign/rank warnings
 * (market/sensitivity.ts). Measured costs are inputs too: a provider priced from a bench
 * record's measured speed whose repeated runs spread (timing-noise.ts) gets the input
 * "providers[i].cost timing", a factor on the measured seconds, lognormal(median 1, σ of the
 * runs); every point pins each record's factor (1 = central, or that input's p10/p90), so no
 * timing noise is drawn per run during the analysis.
 */
import { parse as parseYaml } from 'yaml';
import type { PipelineContext } from './context.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';
import { percentile, sensitivityPoints, SENSITIVITY_FLAG, uncertainInputs, type SensitivityPoint, type UncertainInput } from '../scenario/sensitivity.ts';
import { timingSigma } from '../market/timing-noise.ts';
import type { BenchRecord } from '../bench/record.ts';
import { sensitivityRows, sensitivityWarnings, type SensitivityRow, type SensitivityWarning } from '../market/sensitivity.ts';
import { runGridPoints } from './grid.ts';
import type { SimulateOptions } from './simulate.ts';
import { writeReport, type WrittenReport } from '../report/write.ts';
import type { ReportResults } from '../report/rows.ts';
import { COSTSIM_VERSION } from '../version.ts';

/** What a sensitivity analysis publishes. */
export interface SensitivityResult {
  scenario: { name: string; seed: number; runs: number; periods: number; unit: string };
  /** Every uncertain input with its p10 (low), central and p90 (high) value; `measured` for a measured cost's timing factor. */
  inputs: Array<Omit<UncertainInput, 'path'> & { kind: 'distribution' | 'measured'; bench?: string }>;
  rows: SensitivityRow[];
  warnings: SensitivityWarning[];
}

/** The measured-timing inputs: one per bench record with a timing spread that prices a provider from its measured speed (named by the first such provider). */
export function measuredTimingInputs(
  scenario: Scenario,
  records: ReadonlyMap<string, BenchRecord>,
): Array<{ name: string; bench: string; sigma: number; low: number; central: number; high: number }> {
  const found = new Map<string, { name: string; bench: string; sigma: number; low: number; central: number; high: number }>();
  for (const [i, p] of (scenario.market?.providers ?? []).entries()) {
    const c = p.cost;
    if (c.kind !== 'measured' || c.bench === undefined || c.utilisation !== undefined || found.has(c.bench)) continue;
    const record = records.get(c.bench);
    const sigma = record ? timingSigma(record).sigma : 0;
    if (sigma === 0) continue;
    const dist = { dist: 'lognormal', median: 1, sigma } as const;
    found.set(c.bench, { name: `providers[${i}].cost timing`, bench: c.bench, sigma, low: percentile(dist, 0.1), central: 1, high: percentile(dist, 0.9) });
  }
  return [...found.values()];
}

/** Run the one-at-a-time sensitivity analysis of a read scenario (no distributions: only the baseline). */
export async function runSensitivity(
  loaded: { scenario: Scenario; text: string; overrides?: readonly ScenarioOverride[] },
  ctx: PipelineContext,
  options: SimulateOptions,
): Promise<SensitivityResult> {
  const base = loaded.scenario;
  const seed = options.seed ?? base.seed;
  const runs = options.runs ?? base.monteCarlo.runs;
  const periods = options.periods ?? base.periods;
  const sets = loaded.overrides ?? [];
  // A --set value replaces what the document says, so a distribution overridden by --set is no input.
  const setPaths = new Set(sets.map((s) => JSON.stringify(s.path)));
  const inputs = uncertainInputs(parseYaml(loaded.text) as unknown).filter((i) => !setPaths.has(JSON.stringify(i.path)));
  const measured = measuredTimingInputs(base, options.records);
  const points: SensitivityPoint[] = sensitivityPoints(inputs).map((p) => ({ ...p, overrides: [...sets, ...p.overrides] }));
  const factors: Array<Record<string, number>> = points.map(() => ({}));
  const central = points[0] as SensitivityPoint;
  for (const m of measured)
    for (const level of ['low', 'high'] as const) {
      points.push({ index: points.length, input: m.name, level, values: { [m.name]: m[level] }, overrides: central.overrides });
      factors.push({ [m.bench]: m[level] });
    }
  const gridRows = await runGridPoints(loaded, points, ctx, { ...options, seed, runs, periods }, SENSITIVITY_FLAG, factors);
  const rows = sensitivityRows(gridRows, points);
  return {
    scenario: { name: base.name, seed, runs, periods, unit: base.unit },
    inputs: [
      ...inputs.map(({ path: _path, ...rest }) => ({ ...rest, kind: 'distribution' as const })),
      ...measured.map((m) => ({
        name: m.name,
        dist: { dist: 'lognormal' as const, median: 1, sigma: m.sigma },
        low: m.low,
        central: m.central,
        high: m.high,
        kind: 'measured' as const,
        bench: m.bench,
      })),
    ],
    rows,
    warnings: sensitivityWarnings(rows),
  };
}

/** The summary's paragraphs about a sensitivity analysis: what was moved, then each warning (or that there is none). */
export function sensitivitySentences(result: SensitivityResult): string[] {
  const s = result.scenario;
  const intro =
    result.inputs.length === 0
      ? 'The scenario gives no number as a distribution and no measured cost with a timing spread, so there is no uncertain input to move; only the baseline was simulated.'
      : `Each of ${result.inputs.length} uncertain input${result.inputs.length === 1 ? '' : 's'} (${result.inputs.map((i) => i.name).join(', ')}) was set to its 10th and its 90th percentile with the others at their central values (a measured cost's timing factor at its median, 1): ${s.runs} Monte Carlo runs of ${s.periods} periods per setting (seed ${s.seed}, the same run seeds throughout). Modeled.`;
  const verdict =
    result.inputs.length === 0
      ? []
      : result.warnings.length === 0
        ? ["No provider's profit changes sign, and no price or survival order changes, within any input's range."]
        : result.warnings.map((w) => `Warning: ${w.message}.`);
  return [intro, ...verdict];
}

/** The analysis as a report (tornado chart, its CSV of tidy rows, report.json; warnings in the summary) written to `dir`. */
export async function writeSensitivityReport(
  dir: string,
  result: SensitivityResult,
  scenario: Scenario,
  file: string,
  ctx: PipelineContext,
): Promise<WrittenReport> {
  const s = result.scenario;
  const results: ReportResults = {
    version: 1,
    scenario: { name: scenario.name, question: scenario.question, seed: s.seed, file, priceUnit: `USD per ${scenario.unit}` },
    summary: { answer: sensitivitySentences(result).join('\n'), keyNumbers: [] },
    rows: { sensitivity: result.rows },
    provenance: { scenario: file, sensitivity: result.inputs.map((i) => `${i.name}=${i.low},${i.high}`).join(' ') },
  };
  return writeReport(dir, results, { now: new Date(), costsimVersion: COSTSIM_VERSION, onNotice: (note) => ctx.err(`costsim: ${note}`) });
}
