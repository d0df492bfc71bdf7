/**
 * Pipeline phase "measure" for serving: when a scenario serves a model on local-cpu, time the
 * KV-cached tfjs decoder on this machine's backend (src/serve/measure/sweep.ts) at the small
 * sizes of RUN_MEASURE_SIZES and fit the calibration the local-cpu plans use. The machine is
 * priced as its catalogue twin (same vCPU count and CPU vendor, else aws-c6a.large), as
 * `costsim serve --local-price` defaults.
 */
import type { Scenario } from '../scenario/normalize.ts';
import { defaultLocalInstance } from '../devices/catalog.ts';
import type { Device } from '../devices/types.ts';
import { initRuntime, readCpuInfo } from '../runtime/index.ts';
import { measureSweep } from '../serve/measure/sweep.ts';
import type { PlanCost } from '../market/costs.ts';
import { cachedMeasurement, measurementEnvironment, type MeasurementOrigin } from './measurement-cache.ts';
import { localMeasurementShape, planScenarioServing, referencedServing, RUN_MEASURE_SIZES, servingCosts, type LocalServingCalibration } from './serving.ts';

/** The catalogue instance this machine is priced as: its twin (vCPU count and CPU vendor), else aws-c6a.large. */
export function localPriceInstance(): Device {
  return defaultLocalInstance(readCpuInfo());
}

/** Where the cached measurements live, and whether to take them again (`costsim run --remeasure`). */
export interface MeasurementCacheOptions {
  /** The measurement cache directory (measurementDir(storePath)); without it nothing is cached. */
  cacheDir?: string;
  fresh?: boolean;
  onNotice?: (note: string) => void;
}

/**
 * Measure and calibrate this machine for the scenario's local-cpu entries; undefined when it has
 * none. With a cache directory, a measurement of the same shape and sizes taken by the same code
 * on the same machine and backend is reused (its `origin` says when it was taken).
 */
export async function measureServingHere(
  scenario: Scenario,
  file: string,
  options: { backend?: string; env: Record<string, string | undefined> } & MeasurementCacheOptions,
): Promise<LocalServingCalibration | undefined> {
  const shape = localMeasurementShape(scenario, file);
  if (!shape) return undefined;
  const choice = await initRuntime({ flag: options.backend, env: options.env });
  const measure = async (): Promise<LocalServingCalibration | undefined> => {
    const instance = localPriceInstance();
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
  };
  if (!options.cacheDir) return measure();
  const cached = await cachedMeasurement(
    {
      dir: options.cacheDir,
      kind: 'serving',
      inputs: { shape, sizes: RUN_MEASURE_SIZES, instance: localPriceInstance().id },
      environment: measurementEnvironment(options.env, [choice.name]),
      ...(options.fresh ? { fresh: true } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    },
    measure,
  );
  return cached && withOrigin(cached.result, cached.origin);
}

const withOrigin = (local: LocalServingCalibration, origin: MeasurementOrigin): LocalServingCalibration => ({ ...local, origin });

/**
 * Per-class token costs by serving id for the entries providers price from, as `simulate` and
 * `equilibrium` need them: measured here first when one of those entries runs on local-cpu.
 */
export async function scenarioServingCosts(
  scenario: Scenario,
  file: string,
  options: { backend?: string; env: Record<string, string | undefined> } & MeasurementCacheOptions,
): Promise<Map<string, PlanCost>> {
  const wanted = referencedServing(scenario);
  if (wanted.size === 0) return new Map();
  const priced = { ...scenario, serving: scenario.serving.filter((e) => wanted.has(e.id)) };
  const local = await measureServingHere(priced, file, options);
  return servingCosts(priced, planScenarioServing(priced, file, local), file);
}
