/**
 * A DAWNBench-style measured benchmark: train a zoo model until a target test accuracy or a
 * step budget, several seeded runs scored as MLPerf Training scores time-to-train, and record
 * time, FLOPs (analytic and traced), achieved FLOP/s against the backend's own GEMM rate
 * measured in this process, peak memory, energy and dollars on the machine that ran it.
 *
 * Phases: validate → cache lookup → measure GEMM → per run: [clock starts] build (task, model)
 * → profiled first step (traced FLOPs, peak memory) → timed steps with periodic evaluation →
 * final evaluation [clock stops] → score the runs (drop fastest and slowest) → price → record
 * → append to store.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { createAdamOptimizer, measureGemm, optimizerKernels, readPhysicalMemory, tf, withKernelTiming } from '../runtime/index.ts';
import { deviceIds, findDevice, type Device } from '../devices/catalog.ts';
import { checkUsdPerHour, instanceMismatch, measuredPricingProblem, usdForSeconds } from '../devices/pricing.ts';
import { UsageError } from '../errors.ts';
import { createRng } from '../util/rng.ts';
import { BENCH_RECORD_VERSION, type BenchConfig, type BenchMetrics, type BenchRecord, type Provenance } from './record.ts';
import { makeBenchConfig, type BenchConfigInput } from './config.ts';
import { buildZooModel } from './zoo/index.ts';
import { accumulatedStepFlops, countFlops } from './flops/analytic.ts';
import { EpochSampler, trainSteps } from './train/loop.ts';
import { profileTrainStep } from './train/profile.ts';
import { cacheKeyOf, collectEnvironment } from './environment.ts';
import { estimateEnergy, readRapl, type GridOptions } from './energy.ts';
import { checkGridOptions } from '../devices/carbon.ts';
import { appendRecord, checkStoreWritable, findCached } from './store.ts';
import { summarizeRuns, type RunResult } from './runs.ts';
import { forgetMnistDigits } from './data/mnist.ts';
import { measureAccumulationEquivalence, type AccumulationEquivalence } from './train/equivalence.ts';
import { reachesTarget, type Evaluation } from './train/stopping.ts';
import { zooSegments } from './zoo/segments.ts';
import { compareCheckpointing, type CheckpointComparison } from './train/checkpoint-compare.ts';
import { measurePhysicalCheckpointing } from './train/checkpoint-physical.ts';

/** Runs per benchmark when the caller does not say (`costsim run`; MLPerf asks for at least 3 to drop two). `costsim bench` defaults to 5. */
export const DEFAULT_RUNS = 3;
/** Upper bound on --runs (each run trains the model from scratch). */
export const MAX_RUNS = 50;

/** Progress of a run, for bars and logs. `phase` says what is happening now. */
export interface BenchProgress {
  phase: 'cached' | 'setup' | 'gemm' | 'train' | 'evaluate' | 'done';
  step: number;
  maxSteps: number;
  loss?: number;
  testAccuracy?: number;
  /** Accuracy on the validation split at the last evaluation (what stopping is decided on). */
  validationAccuracy?: number;
  wallSeconds: number;
}

export interface RunOptions {
  /** Catalogue id of the device that prices the run (required: never a silent default). */
  deviceId: string;
  /** Extra devices (e.g. from a scenario) searched before the built-in catalogue. */
  devices?: readonly Device[];
  /** JSONL store to append the record to (and to look up the cache in). No store, no append. */
  storePath?: string;
  /** Return a stored record with the same cache key instead of running (default false). */
  useCache?: boolean;
  onProgress?: (progress: BenchProgress) => void;
  /** Why the active backend was chosen (from initRuntime). */
  backendReason?: string;
  /** Evaluate (validation split, which decides stopping, and test split, reported) every this many steps when a target is set (default 25). */
  evalEvery?: number;
  /** Seconds spent measuring GEMM (default 0.5). */
  gemmSeconds?: number;
  /** Seeded runs to score together (default DEFAULT_RUNS): MLPerf Training drops the fastest and slowest. */
  runs?: number;
  /** Directory for the git commit lookup (default process.cwd()). */
  cwd?: string;
  /** Grid region (src/devices/carbon.ts) and PUE ≥ 1 the carbon is computed for (default: world average, PUE 1). */
  grid?: GridOptions;
  /** This machine's own rate, USD per hour (> 0): prices the measured seconds instead of the catalogue instance's rate (whose power and memory figures still model energy). */
  usdPerHour?: number;
  /** Where `usdPerHour` was given, for the cost provenance (default "--usd-per-hour"); a label, not in the cache key. */
  usdPerHourVia?: string;
}

/** GEMM size per backend: compute-bound but quick (pure-JS cpu is ~100× slower than the rest). */
function gemmSize(backend: string): number {
  return backend === 'cpu' ? 256 : 1024;
}

/** tf.train.sgd or Adam; Adam runs fused on the native backend and as tf.train.adam elsewhere (same arithmetic). */
function makeOptimizer(config: BenchConfig): tf.Optimizer {
  return config.optimizer === 'sgd' ? tf.train.sgd(config.learningRate) : createAdamOptimizer(config.learningRate);
}

/** What one seeded run measured, before the runs are scored together. */
interface SingleRun {
  metrics: BenchMetrics;
  curve: NonNullable<BenchRecord['curve']>;
  evaluations: Evaluation[];
  energy: ReturnType<typeof estimateEnergy>;
  taskDescription: string;
}

// The one check of a region, PUE and rate lives in devices/ (pure: the scenario checks use it too).
export { checkGridOptions, checkUsdPerHour };

/**
 * The instance's figures with this machine's own rate in place of its catalogue price (the
 * seconds were measured here, at that rate). `via` names where the rate was given (a flag, or a
 * scenario field). Bench and prune records both price through it.
 */
export function atGivenRate(instance: Device, usdPerHour: number, via = '--usd-per-hour'): Device {
  return {
    ...instance,
    usdPerHour: {
      value: usdPerHour,
      source: `this machine's rate, given by ${via} (not ${instance.id}'s catalogue price ${instance.usdPerHour.value} USD/h; its power and memory figures model the energy)`,
      date: new Date().toISOString().slice(0, 10),
    },
  };
}

/** The checked config, run count, device, environment and cache key of one benchmark (no training). */
function benchmarkKey(input: BenchConfig | BenchConfigInput, options: RunOptions) {
  const config = makeBenchConfig(input);
  const runCount = options.runs ?? DEFAULT_RUNS;
  if (!(Number.isInteger(runCount) && runCount >= 1 && runCount <= MAX_RUNS))
    throw new UsageError('--runs', `must be an integer from 1 to ${MAX_RUNS} (got ${runCount})`, 'MLPerf Training scores 5 or more runs');
  const instance = findDevice(options.deviceId, options.devices);
  if (!instance) throw new UsageError('--device', `unknown device "${options.deviceId}"`, deviceIds(options.devices).join(', '));
  const notHere = measuredPricingProblem(instance);
  if (notHere) throw new UsageError('--device', notHere);
  const grid = checkGridOptions(options.grid);
  const device = options.usdPerHour === undefined ? instance : atGivenRate(instance, checkUsdPerHour(options.usdPerHour), options.usdPerHourVia);
  const environment = collectEnvironment({
    backendReason: options.backendReason ?? 'active tfjs backend chosen by the caller',
    deviceId: device.id,
    cwd: options.cwd ?? process.cwd(),
    ...(grid ? { grid } : {}),
    ...(options.usdPerHour !== undefined ? { usdPerHourGiven: options.usdPerHour } : {}),
  });
  return { config, runCount, device, environment, cacheKey: cacheKeyOf(config, environment, runCount) };
}

/** The record `runBenchmark` would take from the store's cache for these inputs, or undefined. Never trains. */
export function findStoredBenchmark(input: BenchConfig | BenchConfigInput, options: RunOptions & { storePath: string }): BenchRecord | undefined {
  return findCached(options.storePath, benchmarkKey(input, options).cacheKey);
}

/**
 * Run (or fetch from the cache) a benchmark: `runs` seeded runs (seeds seed, seed + 1, ...),
 * scored as MLPerf Training scores time-to-train (src/bench/runs.ts), and return one record.
 */
export async function runBenchmark(input: BenchConfig | BenchConfigInput, options: RunOptions): Promise<BenchRecord> {
  const { config, runCount, device, environment, cacheKey } = benchmarkKey(input, options);
  const progress = (p: Omit<BenchProgress, 'maxSteps'>): void => options.onProgress?.({ ...p, maxSteps: config.maxSteps });
  if (options.useCache && options.storePath) {
    const cached = findCached(options.storePath, cacheKey);
    if (cached) {
      progress({ phase: 'cached', step: cached.metrics.steps, wallSeconds: cached.metrics.wallSeconds, testAccuracy: cached.metrics.testAccuracy });
      return cached;
    }
  }

  // An unwritable store must fail now, not after the whole training run.
  if (options.storePath) checkStoreWritable(options.storePath);
  progress({ phase: 'gemm', step: 0, wallSeconds: 0 });
  const gemm = await measureGemm(gemmSize(environment.backend), options.gemmSeconds ?? 0.5);
  const equivalence = config.accumulationSteps > 1 && hasBatchNorm(config.model) ? accumulationDifference(config) : undefined;
  const checkpointing = config.checkpoint ? await checkpointComparison(config) : undefined;
  if (checkpointing) {
    // Physical marks only grow within a process: each variant runs alone in a fresh one, one after the other.
    const physical = await measurePhysicalCheckpointing(config, environment.backend, CHECKPOINT_TIMED_STEPS);
    checkpointing.plain.physical = physical.plain;
    checkpointing.checkpointed.physical = physical.checkpointed;
  }
  const singles: Array<SingleRun & { seed: number }> = [];
  for (let i = 0; i < runCount; i++) {
    const seed = config.seed + i;
    singles.push({ seed, ...(await runOnce({ ...config, seed }, device, gemm.gflops, options, progress)) });
  }
  const targeted = config.targetAccuracy !== undefined;
  const runs: RunResult[] = singles.map((r) => ({
    seed: r.seed,
    wallSeconds: r.metrics.wallSeconds,
    steps: r.metrics.steps,
    reachedTarget: r.metrics.reachedTarget,
    testAccuracy: r.metrics.testAccuracy,
    validationAccuracy: r.metrics.validationAccuracy ?? 0,
    evaluations: r.evaluations,
  }));
  const summary = summarizeRuns(runs, targeted);
  const kept = singles.filter((r) => summary.keptSeeds.includes(r.seed));
  // The figures other than time come from the kept run in the middle (the median run).
  const median = (kept[Math.floor(kept.length / 2)] ?? singles[0]) as SingleRun & { seed: number };
  const mean = (f: (r: SingleRun) => number): number => kept.reduce((s, r) => s + f(r), 0) / kept.length;
  const metrics: BenchMetrics = {
    ...median.metrics,
    reachedTarget: summary.reachedTarget,
    wallSeconds: summary.wallSeconds,
    wallSecondsCi95: summary.wallSecondsCi95,
    energyJoules: mean((r) => r.metrics.energyJoules),
    carbonGrams: mean((r) => r.energy.carbonGrams),
    costUsd: usdForSeconds(summary.wallSeconds, device.usdPerHour.value),
  };
  if (checkpointing) metrics.checkpoint = checkpointing;
  if (equivalence)
    metrics.accumulationEquivalence = {
      updateRelativeDifference: equivalence.updateRelativeDifference,
      movingStatsRelativeDifference: equivalence.movingStatsRelativeDifference,
    };
  const provenance: Record<string, Provenance> = {
    ...(equivalence
      ? {
          'metrics.accumulationEquivalence': {
            kind: 'measured' as const,
            source: `one SGD step from the same weights over the same ${config.batchSize * config.accumulationSteps} samples, as ${config.accumulationSteps} micro-batches of ${config.batchSize} vs one batch: batch norm normalises each micro-batch with its own statistics and updates its moving averages ${config.accumulationSteps} times per optimizer step, so accumulation here is not one batch of ${config.batchSize * config.accumulationSteps} (relative L2 difference of the weight update and of the moving statistics)`,
          },
        }
      : {}),
  };
  if (checkpointing) Object.assign(provenance, checkpointProvenance(config, checkpointing));
  Object.assign(
    provenance,
    buildProvenance({
      config,
      device,
      gemm,
      energy: { ...median.energy.provenance, source: `mean over the kept runs; each run: ${median.energy.provenance.source}` },
      carbon: { ...median.energy.carbonProvenance, source: `mean over the kept runs; each run: ${median.energy.carbonProvenance.source}` },
      backend: environment.backend,
      task: median.taskDescription,
      runs: summary.note,
      ci95: summary.ci95Note,
      medianSeed: median.seed,
      ...(environment.usdPerHourGiven === undefined
        ? { mismatch: instanceMismatch(device, { cores: environment.cpuCores, model: environment.cpuModel }) }
        : {}),
    }),
  );
  const record: BenchRecord = {
    version: BENCH_RECORD_VERSION,
    id: randomUUID(),
    createdAt: new Date().toISOString(),
    cacheKey,
    config,
    environment,
    metrics,
    provenance,
    curve: median.curve,
    runs,
    evaluations: median.evaluations,
  };
  if (options.storePath) appendRecord(options.storePath, record);
  progress({ phase: 'done', step: metrics.steps, wallSeconds: metrics.wallSeconds, testAccuracy: metrics.testAccuracy });
  return record;
}

/** Zoo models with batch normalisation (their accumulation is not one large batch). */
function hasBatchNorm(model: BenchConfig['model']): boolean {
  return model === 'cnn';
}

/** The measured difference between k micro-batches and one k·b batch, on a fresh copy of the model. */
function accumulationDifference(config: BenchConfig): AccumulationEquivalence {
  const { model, task } = buildZooModel(config.model, { ...config.modelOptions, seed: config.seed });
  try {
    const n = Math.min(task.train.count - (task.train.count % config.accumulationSteps), config.batchSize * config.accumulationSteps);
    return measureAccumulationEquivalence(
      model,
      task,
      Int32Array.from({ length: n }, (_, i) => i),
      config.accumulationSteps,
    );
  } finally {
    model.dispose();
    task.dispose();
  }
}

/** Steps timed per variant when checkpointing is compared with plain training. */
const CHECKPOINT_TIMED_STEPS = 5;

/** Plain vs checkpointed training on a fresh copy of the model (same seed), measured in this process. */
async function checkpointComparison(config: BenchConfig): Promise<CheckpointComparison> {
  const { model, task } = buildZooModel(config.model, { ...config.modelOptions, seed: config.seed });
  try {
    return await compareCheckpointing({
      model,
      task,
      segments: zooSegments(config.model, model),
      config,
      timedSteps: CHECKPOINT_TIMED_STEPS,
      rng: createRng(config.seed).fork('checkpoint'),
    });
  } finally {
    model.dispose();
    task.dispose();
  }
}

/** What each figure of metrics.checkpoint is. */
function checkpointProvenance(config: BenchConfig, c: CheckpointComparison): Record<string, Provenance> {
  const segments =
    config.model === 'transformer'
      ? 'the embedding, each transformer block and the head'
      : config.model === 'cnn'
        ? 'each conv → batch norm → ReLU → pool stage and the dense head'
        : 'each dense layer';
  return {
    'metrics.checkpoint': {
      kind: 'measured',
      source: `plain training vs gradient checkpointing (segments: ${segments}; each recomputed during backward, batch norm's moving statistics restored after the recomputation) on a fresh copy of the model, this process, after one warm-up step each: peakBytes and transientPeakBytes are tfjs logical tensor bytes at the peak of one profiled step (tf.profile; the tfjs high-water mark, not RSS: the process's peak RSS and the wasm heap only grow, so in one process they cannot tell the two variants apart; physical figures: plain.physical and checkpointed.physical, from fresh processes), stepSeconds the fastest of ${CHECKPOINT_TIMED_STEPS} timed steps of each (the least disturbed by other load), alternating plain and checkpointed so load drift hits both; tracedMatmulConvFlops the matmul and convolution FLOPs of the profiled step, traced from tf.profile's kernel list (exact, load-independent: the recomputation is the excess of checkpointed over plain)`,
    },
    'metrics.checkpoint.checkpointed.physical': { kind: 'measured', source: 'as metrics.checkpoint.plain.physical, for the checkpointed variant' },
    'metrics.checkpoint.plain.physical': {
      kind: 'measured',
      source: `physical: each variant alone in a fresh worker process (plain first, then checkpointed, never side by side), ${CHECKPOINT_TIMED_STEPS} steps on the same backend: process peak RSS (getrusage ru_maxrss) and wasm heap size read after building the model (baseline*) and after the steps; both are high-water marks, so the growth over the baseline is the variant's own; RSS includes the process start-up and is noisier than the wasm heap`,
    },
    'metrics.checkpoint.gradientMaxRelativeDifference': {
      kind: 'measured',
      source:
        'one batch, same weights: max |g_plain − g_checkpointed| ÷ max(1, max |g_plain|) over every variable (float32 rounding only; 1e-5 is the bound tested)',
    },
    ...(c.predicted
      ? {
          'metrics.checkpoint.predicted': {
            kind: 'modeled' as const,
            source:
              config.model === 'transformer'
                ? `placement model (src/placement/transformer.ts) for ${c.predicted.graph} against recompute=none: activation bytes per Korthikanti et al. 2022 §4.1 (2·s·b·h per block under full recomputation), FLOPs per Narayanan et al. 2021 §5.1 plus one forward per block; the zoo MLP uses ReLU where the model assumes GELU`
                : `placement model (src/placement/recompute.ts, Chen et al. 2016 §3) over the ${c.predicted.graph}: every segment but the last re-runs its forward during backward (stepFlopsRatio over all FLOPs, the non-matmul part by the counter's per-element convention; matmulConvFlopsRatio over matmul/conv FLOPs, what tracedMatmulConvFlops measures); activation bytes kept: each recomputed segment's input plus the largest segment's activations, against every layer's output`,
          },
        }
      : {}),
  };
}

/** One seeded run. The clock starts before the data set is first touched (task build) and stops after the final evaluation. */
async function runOnce(
  config: BenchConfig,
  device: Device,
  gemmGflops: number,
  options: RunOptions,
  progress: (p: Omit<BenchProgress, 'maxSteps'>) => void,
): Promise<SingleRun> {
  progress({ phase: 'setup', step: 0, wallSeconds: 0 });
  // Every run loads its data set inside its own clock, as a fresh process would (MLPerf: timing starts at the first touch of the data).
  forgetMnistDigits();
  const raplBefore = readRapl();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const elapsed = (): number => (performance.now() - start) / 1000;
  const { model, task } = buildZooModel(config.model, { ...config.modelOptions, seed: config.seed });
  const optimizer = makeOptimizer(config);
  try {
    const b = config.batchSize;
    const k = config.accumulationSteps;
    const sampler = new EpochSampler(task.train.count, createRng(config.seed).fork('samples'));
    // Step 1 runs under tf.profile: it is a real update, and it is where traced FLOPs and peak memory come from.
    const segments = config.checkpoint ? zooSegments(config.model, model) : undefined;
    const profiled = await profileTrainStep(model, task, optimizer, sampler.next(b * k), k, segments);
    const tracedStep = profiled.traced.totalFlops;
    let evalSeconds = 0;
    let testEvalSeconds = 0;
    const evaluations: Evaluation[] = [];
    // Validation decides when to stop and is inside the clock; the test split is only reported,
    // so its evaluation is timed apart and taken out of the run's seconds.
    const evaluate = (step: number): Evaluation => {
      const t0 = performance.now();
      progress({ phase: 'evaluate', step, wallSeconds: elapsed() });
      const validationAccuracy = task.evaluate(model, { split: 'validation' });
      const t1 = performance.now();
      const testAccuracy = task.evaluate(model, { split: 'test' });
      evalSeconds += (t1 - t0) / 1000;
      testEvalSeconds += (performance.now() - t1) / 1000;
      const evaluation = { step, validationAccuracy, testAccuracy };
      evaluations.push(evaluation);
      return evaluation;
    };
    const lastEval = (): Evaluation | undefined => evaluations[evaluations.length - 1];
    const evalEvery = options.evalEvery ?? 25;
    const target = config.targetAccuracy;
    const reachedAfterFirst = target !== undefined && reachesTarget(evaluate(1), target);

    const loopStart = performance.now();
    const evalSecondsBeforeLoop = evalSeconds + testEvalSeconds;
    let steps = 1;
    let curve: SingleRun['curve'] = [];
    let kernelSeconds = 0;
    if (!reachedAfterFirst && config.maxSteps > 1) {
      const { result, timing } = await withKernelTiming(
        () =>
          trainSteps({
            model,
            task,
            optimizer,
            batchSize: b,
            accumulationSteps: k,
            steps: config.maxSteps - 1,
            stepOffset: 1,
            rng: createRng(config.seed),
            sampler,
            ...(segments ? { checkpointSegments: segments } : {}),
            onStep: (info) => {
              const last = lastEval();
              progress({
                phase: 'train',
                step: info.step + 1,
                wallSeconds: elapsed(),
                ...(info.loss !== undefined ? { loss: info.loss } : {}),
                ...(last ? { testAccuracy: last.testAccuracy, validationAccuracy: last.validationAccuracy } : {}),
              });
            },
            stopWhen: (step) => target !== undefined && (step + 1) % evalEvery === 0 && reachesTarget(evaluate(step + 1), target),
          }),
        { alsoTime: optimizerKernels(optimizer) },
      );
      kernelSeconds = timing.kernelSeconds;
      steps += result.steps;
      curve = result.curve.map((c) => ({ step: c.step + 1, loss: c.loss, wallSeconds: c.wallSeconds + (loopStart - start) / 1000 }));
    }
    const loopSeconds = (performance.now() - loopStart) / 1000;
    const trainSeconds = Math.max(1e-9, loopSeconds - (evalSeconds + testEvalSeconds - evalSecondsBeforeLoop));
    const final = lastEval()?.step === steps ? (lastEval() as Evaluation) : evaluate(steps);
    const { testAccuracy, validationAccuracy } = final;
    const wallSeconds = elapsed() - testEvalSeconds;
    const cpuUsage = process.cpuUsage(cpuBefore);
    // Sparsity and effective FLOPs of the trained weights (at initialisation every bias is zero).
    const trained = countFlops(model, { batchSize: 1, optimizer: config.optimizer }).totals;
    const analyticStep = accumulatedStepFlops(countFlops(model, { batchSize: b, optimizer: config.optimizer }), k);
    const raplAfter = raplBefore ? readRapl() : undefined;

    // Achieved rate over the unprofiled training steps only (evaluation and profiling excluded).
    const timedSteps = steps - 1;
    const achievedGflops = timedSteps > 0 ? (tracedStep * timedSteps) / trainSeconds / 1e9 : tracedStep / (profiled.wallMs / 1000) / 1e9;
    const energy = estimateEnergy({
      device,
      wallSeconds,
      cpuSeconds: (cpuUsage.user + cpuUsage.system) / 1e6,
      cpus: cpus().length,
      ...(raplBefore ? { raplBefore } : {}),
      ...(raplAfter ? { raplAfter } : {}),
      ...(options.grid ? { grid: options.grid } : {}),
    });

    const metrics: BenchMetrics = {
      testAccuracy,
      validationAccuracy,
      reachedTarget: target !== undefined && reachesTarget(final, target),
      steps,
      samples: steps * b * k,
      wallSeconds,
      stepSeconds: timedSteps > 0 ? trainSeconds / timedSteps : profiled.wallMs / 1000,
      flops: {
        analyticTrainStep: analyticStep.total,
        tracedTrainStep: tracedStep,
        forwardPerSample: trained.forwardFlops,
        effectiveForwardPerSample: trained.effectiveForwardFlops,
        total: tracedStep * steps,
      },
      params: trained.params,
      nonZeroParams: trained.nonZeroParams,
      achievedGflops,
      gemmGflops,
      utilisation: achievedGflops / gemmGflops,
      peakBytes: profiled.peakBytes,
      energyJoules: energy.energyJoules,
      carbonGrams: energy.carbonGrams,
      costUsd: usdForSeconds(wallSeconds, device.usdPerHour.value),
    };
    metrics.flops.analyticMatmulTrainStep = analyticStep.matmul;
    metrics.flops.tracedMatmulTrainStep = profiled.traced.matmulConvFlops;
    metrics.evalSeconds = evalSeconds;
    metrics.testEvalSeconds = testEvalSeconds;
    metrics.physicalMemory = readPhysicalMemory();
    // Share of the timed loop (evaluations included, as they run kernels too) spent outside tfjs kernels.
    metrics.outsideKernelShare = timedSteps > 0 ? Math.max(0, 1 - kernelSeconds / loopSeconds) : 0;
    return { metrics, curve, evaluations, energy, taskDescription: task.description };
  } finally {
    optimizer.dispose();
    model.dispose();
    task.dispose();
  }
}

function buildProvenance(input: {
  config: BenchConfig;
  device: Device;
  gemm: { n: number; gflops: number; repeats: number };
  energy: Provenance;
  carbon: Provenance;
  backend: string;
  task: string;
  runs: string;
  ci95: string;
  medianSeed: number;
  /** Why the instance this machine is priced as does not match it (instanceMismatch), if it does not. */
  mismatch?: string | undefined;
}): Record<string, Provenance> {
  const { device, gemm, backend, config } = input;
  const measured = (source: string): Provenance => ({ kind: 'measured', source });
  const usd = device.usdPerHour;
  return {
    'metrics.testAccuracy': measured(
      `${config.model === 'transformer' ? 'exact match of all answer digits' : 'top-1 accuracy'} on the held-out test split at the last step, inference mode, ${backend} backend; reported only: stopping is decided on the validation split. Task: ${input.task}`,
    ),
    'metrics.validationAccuracy': measured(
      `${config.model === 'transformer' ? 'exact match of all answer digits' : 'top-1 accuracy'} on the validation split (held out of the training data) at the last step; time-to-accuracy stops when it reaches config.targetAccuracy, and reachedTarget is judged on it`,
    ),
    'metrics.testEvalSeconds': measured('seconds spent scoring the test split at every evaluation; taken out of wallSeconds (reporting, not training)'),
    'metrics.wallSeconds': measured(
      `time to train, scored as MLPerf Training does: ${input.runs}. Each run: wall clock (performance.now) from the first touch of the data set to the end of the final evaluation: reading and parsing the data files (each run reads them again; the OS page cache is not cleared) or generating the task, the split, the model build, training and periodic validation evaluations are inside it; the GEMM measurement, done once before the runs, and the test-split scoring (metrics.testEvalSeconds) are outside it`,
    ),
    'metrics.wallSecondsCi95': measured(`${input.ci95} (src/bench/runs.ts; t quantile from the closed-form integer-df t CDF); runs: ${input.runs}`),
    runs: measured(
      'every seeded run (seeds seed, seed + 1, ...): its wall seconds, steps, whether its validation accuracy reached the target, its final test and validation accuracy, and both accuracies at every evaluation',
    ),
    evaluations: measured(
      `validation and test accuracy at every evaluation of the median run (seed ${input.medianSeed}); the figures other than time, energy and cost come from that run`,
    ),
    'metrics.stepSeconds': measured('wall seconds of the unprofiled training steps ÷ their number (evaluation excluded)'),
    'metrics.flops.analyticTrainStep': {
      kind: 'modeled',
      source:
        'countFlops: per-layer formulas (1 multiply-add = 2 FLOPs; backward of matmul/conv = 2× forward, input gradient skipped where tfjs skips it); k micro-batches + accumulation adds + optimizer update (assumed per-parameter cost)',
    },
    'metrics.flops.tracedTrainStep': measured(
      `kernels that executed in the first training step under tf.profile on ${backend}: matmul/conv exact from shapes, other kernels 1 FLOP per element (convention)` +
        (backend === 'native' && config.optimizer === 'adam' ? '; the native fused Adam update runs outside tfjs kernels and is not in this figure' : ''),
    ),
    'metrics.flops.forwardPerSample': { kind: 'modeled', source: 'countFlops at batch 1, inference forward pass' },
    'metrics.flops.effectiveForwardPerSample': {
      kind: 'modeled',
      source: 'countFlops at batch 1 of the trained weights, matmul/conv counted over non-zero weights only',
    },
    'metrics.nonZeroParams': measured('non-zero entries of the trained weights'),
    'metrics.params': measured('weights of the model (every entry of every trainable tensor, counted by countFlops over its layers)'),
    'metrics.steps': measured(
      `optimizer steps the median run (seed ${input.medianSeed}) took: to the first validation evaluation at or above config.targetAccuracy, else config.maxSteps`,
    ),
    'metrics.samples': measured('training samples the median run drew: steps × micro-batch × k'),
    'metrics.reachedTarget': measured(
      config.targetAccuracy === undefined
        ? 'false: no config.targetAccuracy was set'
        : `whether the runs reached validation accuracy ${config.targetAccuracy}, scored as MLPerf Training scores a miss (src/bench/runs.ts): ${input.runs}`,
    ),
    'metrics.evalSeconds': measured('seconds of validation-split evaluation in the median run, inside wallSeconds (they decide when to stop)'),
    'metrics.flops.analyticMatmulTrainStep': {
      kind: 'modeled',
      source: 'matmul/conv part of metrics.flops.analyticTrainStep (exact per-layer formulas; what the traced count is checked against)',
    },
    'metrics.flops.tracedMatmulTrainStep': measured(
      'matmul/conv part of metrics.flops.tracedTrainStep: exact from the shapes of the kernels that ran (no per-element convention)',
    ),
    curve: measured(
      "training loss of the median run at the steps the loop reads it back (the first, every lossEvery-th and the last step of a training loop), with wall seconds since that loop's start (not the run's clock: data loading and model build are before it)",
    ),
    ...(config.pruning
      ? {
          'config.pruning': {
            kind: 'assumed' as const,
            source: 'not applied: runBenchmark trains the dense model; pruned runs are made by `costsim prune` (src/bench/prune)',
          },
        }
      : {}),
    'metrics.flops.total': { kind: 'modeled', source: 'traced FLOPs of one step × steps' },
    'metrics.achievedGflops': measured('traced FLOPs per step × unprofiled steps ÷ their wall seconds'),
    'metrics.gemmGflops': measured(`${gemm.n}×${gemm.n} fp32 matmul on ${backend}, ${gemm.repeats} repeats, this process, just before training`),
    'metrics.utilisation': measured('achievedGflops ÷ gemmGflops, both measured in this process'),
    'metrics.outsideKernelShare': measured('1 − Σ kernel wall time (every kernel wrapped in a timer) ÷ wall time of the timed loop'),
    'metrics.peakBytes': measured(
      'logical tensor bytes: tfjs engine peak during the profiled step (tf.profile peakBytes) minus the data set held on the backend; a reshape view counts again, and the wasm heap slack, native scratch and JS heap are not in it',
    ),
    'metrics.physicalMemory.peakRssBytes': measured(
      'physical: peak resident set size of this process since it started (getrusage ru_maxrss), read at the end of the median run; includes everything the process did before it',
    ),
    ...(backend === 'wasm' || backend === 'native'
      ? {
          'metrics.physicalMemory.wasmHeapBytes': measured(
            'physical: size of the wasm linear memory at the end of the median run; it never shrinks, so it is the heap high-water mark of the process',
          ),
        }
      : {}),
    'metrics.energyJoules': input.energy,
    'metrics.carbonGrams': input.carbon,
    'metrics.costUsd': {
      kind: 'modeled',
      source: `wallSeconds (trimmed mean) ÷ 3600 × ${usd.value} USD/hour (${device.id} usdPerHour: ${usd.source}, ${usd.date}${usd.unverified ? ', unverified' : ''})${input.mismatch ? `; warning: ${input.mismatch}` : ''}`,
    },
  };
}
