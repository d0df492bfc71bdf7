/**
 * Pipeline phase "measure" for serving: when a scenario serves a model on local-cpu, time the
 * KV-cached tfjs decoder on this machine's backend (src/serve/measure/sweep.ts) at the small
 * sizes of RUN_MEASURE_SIZES and fit the calibration the local-cpu plans use. The machine is
 * priced as the catalogue CPU instance aws-c6a.large, as `costsim serve --local-price` defaults.
 */
import type { Scenario } from '../scenario/normalize.ts';
import { DEFAULT_LOCAL_INSTANCE, findDevice } from '../devices/catalog.ts';
import type { Device } from '../devices/types.ts';
import { initRuntime } from '../runtime/index.ts';
import { measureSweep } from '../serve/measure/sweep.ts';
import type { PlanCost } from '../market/costs.ts';
import { localMeasurementShape, planScenarioServing, referencedServing, RUN_MEASURE_SIZES, servingCosts, type LocalServingCalibration } from './serving.ts';

/** The catalogue instance this machine is priced as. */
export const LOCAL_PRICE_INSTANCE = DEFAULT_LOCAL_INSTANCE;

/** Measure and calibrate this machine for the scenario's local-cpu entries; undefined when it has none. */
export async function measureServingHere(
  scenario: Scenario,
  file: string,
  options: { backend?: string; env: Record<string, string | undefined> },
): Promise<LocalServingCalibration | undefined> {
  const shape = localMeasurementShape(scenario, file);
  if (!shape) return undefined;
  const choice = await initRuntime({ flag: options.backend, env: options.env });
  const instance = findDevice(LOCAL_PRICE_INSTANCE) as Device;
  const result = await measureSweep(shape, `decoder ${shape.layers}×${shape.hidden}`, {
    backends: [choice.name],
    ...RUN_MEASURE_SIZES,
    batches: [...RUN_MEASURE_SIZES.batches],
    contexts: [...RUN_MEASURE_SIZES.contexts],
    instance,
  });
  const calibration = result.calibrations[0];
  const device = result.devices[choice.name];
  if (!calibration || !device) return undefined;
  return { backend: choice.name, device, layerOverheadSeconds: result.overheads[choice.name] ?? 0, calibration, points: result.points };
}

/**
 * Per-class token costs by serving id for the entries providers price from, as `simulate` and
 * `equilibrium` need them: measured here first when one of those entries runs on local-cpu.
 */
export async function scenarioServingCosts(
  scenario: Scenario,
  file: string,
  options: { backend?: string; env: Record<string, string | undefined> },
): Promise<Map<string, PlanCost>> {
  const wanted = referencedServing(scenario);
  if (wanted.size === 0) return new Map();
  const priced = { ...scenario, serving: scenario.serving.filter((e) => wanted.has(e.id)) };
  const local = await measureServingHere(priced, file, options);
  return servingCosts(priced, planScenarioServing(priced, file, local), file);
}
