/**
 * The grid sweep's worker module (run by src/sweep in worker processes or `costsim worker`):
 * `setup` keeps the scenario text and every grid point's overrides, `runPoint` simulates the
 * runs of one grid point and returns each run's outcome (grid.ts), a few numbers per provider.
 * A grid point's scenario is parsed once per process and kept.
 */
import { parseScenario } from '../scenario/parse.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';
import { simulateRuns } from './montecarlo.ts';
import { runOutcome, type RunOutcome } from './grid.ts';
import { pinTimingFactors } from './timing-noise.ts';
import type { MarketWorkerSetup } from './worker.ts';

/** The Monte Carlo setup plus the overrides of every grid point (by point index). */
export interface GridWorkerSetup extends MarketWorkerSetup {
  grid: ScenarioOverride[][];
  /** Sensitivity analysis only: per grid point, the measured timing factor of each bench record (timing-noise.ts pinTimingFactors). */
  timingFactors?: Array<Record<string, number>>;
}

/** One job: some runs of one grid point. */
export interface GridWorkerPoint {
  point: number;
  runs: number[];
}

let setupArgs: GridWorkerSetup | undefined;
const parsed = new Map<number, Scenario>();

/** Keep the setup for this process (`args` is a GridWorkerSetup). */
export function setup(args: unknown): void {
  setupArgs = args as GridWorkerSetup;
  parsed.clear();
}

/** The scenario of grid point `point` (its overrides applied, the sweep's seed). */
function scenarioOf(a: GridWorkerSetup, point: number): Scenario {
  let scenario = parsed.get(point);
  if (!scenario) {
    const overrides = a.grid[point];
    if (!overrides) throw new Error(`grid worker: no grid point ${point} (the sweep has ${a.grid.length})`);
    scenario = { ...parseScenario(a.scenarioText, a.fileName, overrides), seed: a.seed };
    parsed.set(point, scenario);
  }
  return scenario;
}

/** Simulate the runs of one grid point (a GridWorkerPoint) and return their outcomes in the order given. */
export function runPoint(job: unknown): RunOutcome[] {
  if (!setupArgs) throw new Error('grid worker: setup was not called');
  const { point, runs } = job as GridWorkerPoint;
  const scenario = scenarioOf(setupArgs, point);
  const providers = (scenario.market?.providers ?? []).map((p) => p.name);
  const factors = setupArgs.timingFactors?.[point];
  const records = factors ? pinTimingFactors(new Map(setupArgs.records), factors) : new Map(setupArgs.records);
  return simulateRuns(scenario, records, runs, setupArgs.periods, new Map(setupArgs.plans)).map((r) => runOutcome(r, providers));
}
