/**
 * The sweep worker module of pruning studies (runs inside src/sweep/child.ts). `setup`
 * initialises the requested backend once per process and measures its GEMM rate; a dense
 * point trains the parent model and writes its checkpoint; a prune point runs one
 * experiment and returns its BenchRecord (the parent appends it to the store), saving the two
 * models its latency compares when the study re-times serially; a latency point (the serial
 * pass after the sweep) loads those two models and times their latency, then their training
 * step, again.
 */
import { tf } from '../../runtime/tf.ts';
import { initRuntime } from '../../runtime/index.ts';
import { measureGemm } from '../../runtime/gemm-bench.ts';
import { findDevice, type Device } from '../../devices/catalog.ts';
import { createRng } from '../../util/rng.ts';
import { trainSteps } from '../train/loop.ts';
import { buildZooModel } from '../zoo/index.ts';
import type { WorkerContext } from '../../sweep/protocol.ts';
import { hasCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { collectEnvironment } from '../environment.ts';
import { atGivenRate } from '../run.ts';
import { runPruneExperiment, type Trainer } from './experiment.ts';
import { measureLevelLatency } from './latency.ts';
import { latencyTiming } from './latency-timing.ts';
import { levelModelPaths, loadLevelModels, saveLevelModels } from './level-models.ts';
import type { DensePointParams, LatencyPointParams, PruneWorkerParams } from './plan.ts';
import { pruneRecord, type PruneRecord, type SerialTiming } from './record.ts';
import { compareTrainStep, DEFAULT_TRAIN_STEP_TIMING } from './train-step.ts';

/** What the study passes to every worker. */
export interface PruneWorkerSetup {
  backend: string;
  deviceId: string;
  /** The device, when it is not in the catalogue (a scenario's own); else looked up by deviceId. */
  device?: Device;
  /**
   * Where prune points time latency and training step: local pool workers (`workerProcesses` of them) or queue
   * workers; `saveModels` keeps each level's two models for the serial pass. Absent: a local
   * pool of unknown size, nothing saved.
   */
  latency?: { where: 'pool-worker' | 'queue-worker'; workerProcesses: number | null; saveModels: boolean };
  /** Skip the GEMM measurement (the serial latency pass writes no figure that uses it). */
  skipGemm?: boolean;
}

let device: Device | undefined;
let backendReason = '';
let gemmGflops = 0;
let latencySetup: NonNullable<PruneWorkerSetup['latency']> = { where: 'pool-worker', workerProcesses: null, saveModels: false };

export async function setup(args: PruneWorkerSetup): Promise<void> {
  tf.enableProdMode();
  if (args.latency) latencySetup = args.latency;
  const choice = await initRuntime({ flag: args.backend });
  backendReason = `${choice.reason} (chosen in the parent, forced in this worker)`;
  device = args.device ?? findDevice(args.deviceId);
  if (!device) throw new Error(`unknown device ${args.deviceId}`);
  if (!args.skipGemm) gemmGflops = (await measureGemm(choice.name === 'cpu' ? 256 : 512, 0.3)).gflops;
}

/** Adam at `learningRate`, one micro-batch per step, batches drawn from a seeded sampler. */
export function adamTrainer(batchSize: number, learningRate: number, label: string): Trainer {
  return async ({ model, task, steps, seed, onAfterUpdate }) => {
    if (steps <= 0) return;
    const optimizer = tf.train.adam(learningRate);
    try {
      await trainSteps({
        model,
        task,
        optimizer,
        batchSize,
        accumulationSteps: 1,
        steps,
        rng: createRng(seed).fork(label),
        ...(onAfterUpdate ? { onAfterUpdate } : {}),
      });
    } finally {
      optimizer.dispose();
    }
  };
}

async function runDense(params: DensePointParams, context: WorkerContext): Promise<{ checkpointPath: string; testAccuracy: number; wallSeconds: number }> {
  const { spec } = params;
  const { model, task } = buildZooModel(spec.model, { ...spec.modelOptions, seed: spec.seed, ...(spec.dataLimit ? { dataLimit: spec.dataLimit } : {}) });
  try {
    const started = performance.now();
    await adamTrainer(spec.batchSize, spec.learningRate, 'dense')({ model, task, steps: spec.denseSteps, seed: spec.seed });
    const wallSeconds = (performance.now() - started) / 1000;
    const testAccuracy = task.evaluate(model);
    context.log(`dense ${spec.model} seed ${spec.seed}: ${spec.denseSteps} steps in ${wallSeconds.toFixed(1)} s, test accuracy ${testAccuracy.toFixed(4)}`);
    saveCheckpoint(spec.checkpointPath, model, { ...spec, testAccuracy, wallSeconds, backend: tf.getBackend() });
    return { checkpointPath: spec.checkpointPath, testAccuracy, wallSeconds };
  } finally {
    model.dispose();
    task.dispose();
  }
}

/**
 * The serial pass: load a level's saved control and pruned model and time them as the
 * experiment does: latency first, then the training step (which trains both further).
 */
async function runLatency(params: LatencyPointParams, context: WorkerContext): Promise<SerialTiming> {
  const { spec } = params;
  const { control, pruned, task } = await loadLevelModels(spec, params.models);
  try {
    const latency = measureLevelLatency(control, pruned, task.test.x, spec);
    const train = adamTrainer(spec.batchSize, spec.learningRate, 'fine-tune');
    const trainStep = await compareTrainStep(control, pruned, task, train, spec.seed, spec.trainStepTiming ?? DEFAULT_TRAIN_STEP_TIMING);
    context.log(
      `latency ${spec.method} seed ${spec.seed}: pruned ÷ dense ×${latency.batchLarge.ratio.toFixed(3)} at batch ${latency.batchLarge.batchSize}; training step ×${trainStep.ratio.toFixed(3)}`,
    );
    return { latency, trainStep };
  } finally {
    control.dispose();
    pruned.dispose();
    task.dispose();
  }
}

export async function runPoint(
  params: PruneWorkerParams,
  context: WorkerContext,
): Promise<PruneRecord | SerialTiming | { checkpointPath: string; testAccuracy: number; wallSeconds: number }> {
  if (!device) throw new Error('prune worker: setup did not run');
  if (params.kind === 'dense') return runDense(params, context);
  if (params.kind === 'latency') return runLatency(params, context);
  const { spec } = params;
  if (!hasCheckpoint(spec.checkpointPath)) throw new Error(`dense checkpoint ${spec.checkpointPath} is missing (its dense point failed?)`);
  const paths = levelModelPaths(spec.checkpointPath, context.key);
  const hooks = latencySetup.saveModels ? { onLatencyModels: saveLevelModels.bind(null, paths, spec, context.key) } : {};
  const measurement = await runPruneExperiment(spec, adamTrainer(spec.batchSize, spec.learningRate, 'fine-tune'), hooks);
  // How many workers ran beside this one is known only to the parent, which fills it in. The
  // training step was timed in this worker right after latency: the same label.
  measurement.latencyTiming = latencyTiming(latencySetup.where, latencySetup.workerProcesses, null);
  measurement.trainStepTiming = measurement.latencyTiming;
  context.log(
    `${spec.method} s=${measurement.targetSparsity} seed ${spec.seed}: accuracy ${measurement.testAccuracy.toFixed(4)} (dense ${measurement.denseTestAccuracy.toFixed(4)})`,
  );
  // Priced and carbon-counted as `costsim bench` prices its records, with the same options.
  const given = spec.usdPerHourGiven;
  const environment = collectEnvironment({
    backendReason,
    deviceId: device.id,
    cwd: process.cwd(),
    ...(spec.grid ? { grid: spec.grid } : {}),
    ...(given !== undefined ? { usdPerHourGiven: given } : {}),
  });
  const pricedOn = given === undefined ? device : atGivenRate(device, given, spec.usdPerHourVia);
  return pruneRecord({ key: context.key, params }, measurement, environment, pricedOn, gemmGflops);
}
