/**
 * The Monte Carlo worker module run by the sweep runner (src/sweep) in each worker process:
 * `setup` parses the scenario once per process, `runPoint` simulates the runs it is given.
 * Pure apart from keeping the parsed scenario for the process's lifetime.
 */
import { parseScenario } from '../scenario/parse.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';
import type { BenchRecord } from '../bench/record.ts';
import { simulateRuns } from './montecarlo.ts';
import type { RunResult } from './types.ts';
import type { PlanCost } from './costs.ts';

/** What every worker needs: the scenario text (re-parsed, so nothing lossy crosses IPC), records and overrides. */
export interface MarketWorkerSetup {
  scenarioText: string;
  /** `--set` values the scenario was parsed with (applied again here, so workers see the same scenario). */
  overrides?: ScenarioOverride[];
  fileName: string;
  seed: number;
  periods: number;
  records: Array<[string, BenchRecord]>;
  plans: Array<[string, PlanCost]>;
}

/** One point of work: the run indices to simulate. */
export interface MarketWorkerPoint {
  runs: number[];
}

let loaded: { scenario: Scenario; records: Map<string, BenchRecord>; plans: Map<string, PlanCost>; periods: number } | undefined;

/** Parse the scenario once for this process (`args` is a MarketWorkerSetup). */
export function setup(args: unknown): void {
  const a = args as MarketWorkerSetup;
  loaded = {
    scenario: { ...parseScenario(a.scenarioText, a.fileName, a.overrides ?? []), seed: a.seed },
    records: new Map(a.records),
    plans: new Map(a.plans),
    periods: a.periods,
  };
}

/** Simulate the runs of one point (a MarketWorkerPoint), in the order given. */
export function runPoint(point: unknown): RunResult[] {
  if (!loaded) throw new Error('market worker: setup was not called');
  return simulateRuns(loaded.scenario, loaded.records, (point as MarketWorkerPoint).runs, loaded.periods, loaded.plans);
}
