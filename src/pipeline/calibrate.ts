/**
 * Pipeline phase "plan" (calibration half), the calibration part of `costsim run` (scenarios with placement entries): a small Dense MLP
 * is run for real on each tfjs backend present, and across backends, beside the placement
 * model's prediction for the same plan (placement/calibrate.ts). Small and quick on purpose:
 * a few training steps at batch 64.
 */
import { calibrate, type CalibrationResult } from '../placement/calibrate.ts';
import { defaultLocalInstance } from '../devices/catalog.ts';
import { tf } from '../runtime/tf.ts';
import { probeBackends, defaultLoaders, initRuntime, readCpuInfo } from '../runtime/index.ts';
import { buildZooModel } from '../bench/zoo/index.ts';
import { measureLocalCpu, pricingFromInstance } from '../devices/local.ts';
import { cachedMeasurement, measurementEnvironment, type MeasurementOrigin } from './measurement-cache.ts';
import type { MeasurementCacheOptions } from './serving-measure.ts';

/** Backends the calibration may use (tfjs names), fastest first. */
const CALIBRATION_BACKENDS = ['native', 'wasm', 'cpu'];

/**
 * Run the calibration on the backends present; undefined when fewer than one is usable. With a
 * cache directory, a calibration taken by the same code on the same machine and backends is
 * reused (`origin` says when it was taken).
 */
export async function runCalibration(
  options: { steps?: number; env?: Record<string, string | undefined> } & MeasurementCacheOptions = {},
): Promise<(CalibrationResult & { origin?: MeasurementOrigin }) | undefined> {
  const probes = await probeBackends(defaultLoaders());
  const available = probes.filter((p) => p.available && CALIBRATION_BACKENDS.includes(p.name)).map((p) => p.name as string);
  // Two backends are enough for single and mixed plans; the pure-JS cpu one only when needed (it is slow).
  const present = available.filter((b) => b !== 'cpu').length >= 2 ? available.filter((b) => b !== 'cpu').slice(0, 2) : available.slice(0, 2);
  if (present.length === 0) return undefined;
  const steps = options.steps ?? 3;
  if (!options.cacheDir) return calibrateOn(present, steps);
  const cached = await cachedMeasurement(
    {
      dir: options.cacheDir,
      kind: 'placement-calibration',
      inputs: { model: 'mlp', width: 128, depth: 2, batchSize: 64, steps },
      environment: measurementEnvironment(options.env ?? process.env, present),
      ...(options.fresh ? { fresh: true } : {}),
      ...(options.onNotice ? { onNotice: options.onNotice } : {}),
    },
    () => calibrateOn(present, steps),
  );
  return cached && { ...cached.result, origin: cached.origin };
}

async function calibrateOn(present: string[], steps: number): Promise<CalibrationResult | undefined> {
  const previous = tf.getBackend();
  await initRuntime({ flag: present[0] });
  const { model, task } = buildZooModel('mlp', { width: 128, depth: 2, seed: 0, dataLimit: 256 });
  try {
    const batchSize = 64;
    const input = task.train.x.slice([0, 0], [batchSize, -1]).dataSync() as Float32Array;
    const labels = Int32Array.from(tf.tidy(() => tf.argMax(task.train.y.slice([0, 0], [batchSize, -1]), 1)).dataSync());
    const plans: string[][] = present.map((b) => [b, b, b]);
    const [first, second] = present;
    if (first && second) plans.push([first, second, first]);
    // Priced as this machine's catalogue twin (vCPU count and CPU vendor), else aws-c6a.large, as bench and prune are.
    const instance = defaultLocalInstance(readCpuInfo());
    return await calibrate({
      model,
      input,
      labels,
      batchSize,
      plans,
      modes: ['train'],
      steps,
      base: await measureLocalCpu({ gemmN: 256, gemmSeconds: 0.2, bandwidthElements: 4 * 1024 * 1024, bandwidthSeconds: 0.2 }),
      pricing: pricingFromInstance(instance),
      bandwidthElements: 4 * 1024 * 1024,
    });
  } finally {
    model.dispose();
    task.dispose();
    if (previous) await tf.setBackend(previous);
  }
}
