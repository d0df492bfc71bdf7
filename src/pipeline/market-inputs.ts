/**
 * What the market commands (`simulate`, `equilibrium`, `calibrate`) price providers from,
 * without running the rest of the pipeline: the bench records of the scenario (from the store,
 * trained only with `train`), the costs of the placement plans providers reference, and the
 * serving plans' token costs (this machine's serving measurement read from the measurement
 * cache beside the store when it is there).
 */
import type { BenchRecord } from '../bench/record.ts';
import type { PlanCost } from '../market/costs.ts';
import type { Scenario } from '../scenario/normalize.ts';
import { resolveWorkerCount } from '../sweep/workers.ts';
import type { PipelineContext } from './context.ts';
import { measurementDir } from './measurement-cache.ts';
import { scenarioRecords } from './measure.ts';
import { planCosts, planScenario, referencedPlacements } from './plan.ts';
import { scenarioServingCosts } from './serving-measure.ts';

/** Records by bench id and plan costs by placement or serving id, for the scenario at `file`. */
export async function marketInputs(
  scenario: Scenario,
  file: string,
  ctx: PipelineContext,
  options: { storePath: string; train: boolean },
): Promise<{ records: Map<string, BenchRecord>; plans: Map<string, PlanCost> }> {
  const records = await scenarioRecords(scenario, file, ctx, { ...options, workers: resolveWorkerCount(undefined, ctx.env) });
  const plans = new Map([
    ...planCosts(scenario, await planScenario(scenario, file, { env: ctx.env, only: referencedPlacements(scenario) }), file),
    ...(await scenarioServingCosts(scenario, file, {
      env: ctx.env,
      cacheDir: measurementDir(options.storePath),
      onNotice: (note) => ctx.err(`costsim: ${note}`),
    })),
  ]);
  return { records, plans };
}
