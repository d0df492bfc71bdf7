/**
 * Pipeline phase "assemble results": the measured records, the pruning study, the planning
 * results, the calibration and the market → the report's rows, summary and provenance
 * (report.json's content). Pure: no I/O.
 */
import { relative } from 'node:path';
import type { ReportResults, ReportRows } from '../report/rows.ts';
import { accumulationRows, paretoRows, type NamedRecord } from '../report/adapters/bench.ts';
import { pruningAccuracyRows, pruningComputeRows, pruningPayoffRows } from '../report/adapters/prune.ts';
import { placementMemoryRows, placementTimeRows } from '../report/adapters/placement.ts';
import { marketRows } from '../report/adapters/market.ts';
import { calibrationRows } from '../report/adapters/calibration.ts';
import { servingCostRows, servingFrontierRows, servingMeasuredRows } from '../report/adapters/serving.ts';
import type { MeasurementOrigin } from './measurement-cache.ts';
import { calibrationNote, type LocalServingCalibration, type PlannedServing } from './serving.ts';
import { composeSummary } from '../report/summary.ts';
import { assumptionRows } from '../report/adapters/assumptions.ts';
import { scenarioLineLocator } from '../scenario/locate.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { PlanningResult } from '../placement/planner.ts';
import type { CalibrationResult } from '../placement/calibrate.ts';
import type { SimulationResult } from '../market/montecarlo.ts';
import { COSTSIM_VERSION } from '../version.ts';
import { PAYOFF_REQUESTS_PER_MONTH, type BenchPhase } from './measure.ts';
import type { LoadedScenario } from './read.ts';

/** Everything the earlier phases produced. */
export interface AssembleInput {
  loaded: LoadedScenario;
  /** Directory paths in provenance are relative to. */
  cwd: string;
  storePath: string;
  bench: BenchPhase;
  placement: PlanningResult[];
  calibration?: CalibrationResult & { origin?: MeasurementOrigin };
  /** Serving plans of the scenario's `serving:` entries, and this machine's measurement when one ran on local-cpu. */
  serving?: { planned: PlannedServing[]; local?: LocalServingCalibration };
  market?: SimulationResult;
}

/** A provider's marginal cost is assumed when the scenario states it, modeled when computed from a record or a plan. */
function costProvenanceOf(scenario: Scenario): (provider: string) => 'assumed' | 'modeled' {
  const given = new Set((scenario.market?.providers ?? []).filter((p) => p.cost.kind === 'given').map((p) => p.name));
  return (provider) => (given.has(provider) ? 'assumed' : 'modeled');
}

/** A frontier line's label: device (× count) · dtype, and the model when the entries serve more than one. */
function seriesOf(p: PlannedServing, manyModels: boolean): string {
  const device = `${p.plan.count > 1 ? `${p.plan.count}×` : ''}${p.plan.device} · ${p.plan.dtype}`;
  return manyModels ? `${device} (${p.plan.model})` : device;
}

/** The report's results: rows per chart, summary, and where every part came from. */
export function assembleResults(input: AssembleInput): ReportResults {
  const { loaded, cwd, storePath, bench, placement, calibration, serving, market } = input;
  const planned = serving?.planned ?? [];
  const manyModels = new Set(planned.map((p) => p.plan.model)).size > 1;
  const scenario = loaded.scenario;
  const named: NamedRecord[] = [...bench.records].map(([id, record]) => ({ id, record }));
  const rows: ReportRows = {
    pareto: paretoRows(named),
    accumulation: accumulationRows(named),
    ...(bench.prune
      ? {
          pruningAccuracy: pruningAccuracyRows(bench.prune.cells),
          pruningCompute: pruningComputeRows(bench.prune.levels),
          pruningPayoff: pruningPayoffRows(bench.prune.levels),
        }
      : {}),
    placementTime: placementTimeRows(placement),
    placementMemory: placementMemoryRows(placement),
    ...(calibration ? { calibration: calibrationRows(calibration) } : {}),
    ...(planned.length > 0
      ? {
          servingFrontier: planned.flatMap((p) => servingFrontierRows(seriesOf(p, manyModels), p.frontier)),
          servingCost: servingCostRows(planned.map((p) => p.plan)),
          ...(serving?.local ? { servingMeasured: servingMeasuredRows(serving.local.points) } : {}),
        }
      : {}),
    ...(market ? marketRows(market, costProvenanceOf(scenario)) : {}),
  };
  const provenance: Record<string, string> = {
    scenario: relative(cwd, loaded.file) || loaded.file,
    seed: String(scenario.seed),
    costsim: COSTSIM_VERSION,
    node: process.versions.node,
    ...(bench.backend ? { backend: `${bench.backend.name} (${bench.backend.reason})` } : {}),
    ...(bench.records.size > 0 ? { 'bench records': `${named.map((n) => `${n.id}=${n.record.id}`).join(', ')} in ${relative(cwd, storePath)}` } : {}),
    ...(bench.prune
      ? { 'pruning payoff volume': `${PAYOFF_REQUESTS_PER_MONTH.toLocaleString('en-US')} requests/month (assumed; break-even volumes do not depend on it)` }
      : {}),
    ...(planned.length > 0
      ? {
          serving: `${planned.map((p) => `${p.entry.id}: ${p.plan.model} on ${p.plan.count} × ${p.plan.device} ${p.plan.dtype} (modeled${p.plan.fits && p.plan.meetsTarget ? '' : `; ${p.plan.unmet ?? 'no plan'}`})`).join('; ')}`,
        }
      : {}),
    ...(serving?.local ? { 'serving on this machine': calibrationNote(serving.local) } : {}),
    ...(calibration?.origin
      ? {
          'placement calibration': `measured on this machine's backends ${calibration.origin.measuredAt}${calibration.origin.reused ? ' (reused from the measurement cache: same code, machine and backends)' : ''}`,
        }
      : {}),
    ...(market ? { market: `${market.summary.runs} Monte Carlo runs × ${market.summary.periods} periods, prices in USD per ${scenario.unit}` } : {}),
  };
  const file = provenance['scenario'] as string;
  const calendar = scenario.calendar;
  return {
    version: 1,
    scenario: {
      name: scenario.name,
      question: scenario.question,
      seed: scenario.seed,
      file,
      priceUnit: `USD per ${scenario.unit}`,
      periodLength: calendar ? `${calendar.periodDays} day${calendar.periodDays === 1 ? '' : 's'}` : '1 period',
      ...(calendar ? { calendarStart: calendar.start, periodDays: calendar.periodDays } : {}),
    },
    assumptions: assumptionRows(scenario, scenarioLineLocator(loaded.text), file),
    summary: composeSummary({
      ...(market ? { market } : {}),
      bench: named,
      ...(bench.prune ? { prune: bench.prune.levels } : {}),
      placement,
      ...(calibration ? { calibration } : {}),
    }),
    rows,
    provenance,
  };
}
