/**
 * BenchRecord: one benchmark result, versioned. The contract between bench/ (which writes
 * records) and placement/, market/ and report/ (which read them). Metric values are plain
 * numbers at fixed paths; `provenance` says, per metric path, whether the figure was
 * measured (and on what), modeled (by which formula from which catalogue figure) or assumed.
 */

/** Bump when a field changes meaning; readers reject versions they do not know. */
export const BENCH_RECORD_VERSION = 1;

import type { Provenance } from '../provenance.ts';

export type { Provenance, ProvenanceKind } from '../provenance.ts';

/** The environment a record was measured in. */
export interface BenchEnvironment {
  backend: string;
  backendReason: string;
  node: string;
  tfjs: string;
  cpuModel: string;
  cpuCores: number;
  platform: string;
  gitCommit?: string;
  /** Catalogue id of the device whose $/hour and power price this run (never a silent default). */
  deviceId: string;
  costsimVersion: string;
  /** Package version + hash of src/ and native/ (in the cache key, so timings never survive a code change). */
  codeVersion?: string;
  /** Grid region and PUE the carbon was computed for, when given (--grid-region, --pue); absent = world average, PUE 1 (in the cache key). */
  grid?: { region: string; pue: number };
  /** This machine's own USD per hour when the user gave it (--usd-per-hour), pricing the run instead of deviceId's catalogue rate (in the cache key). */
  usdPerHourGiven?: number;
}

/** A run's configuration: everything that changes the result. The cache key hashes this plus the environment. */
export interface BenchConfig {
  model: 'mlp' | 'cnn' | 'transformer';
  /** Model width/depth options as given (zoo-specific). */
  modelOptions: Record<string, number | string | boolean>;
  batchSize: number;
  accumulationSteps: number;
  /** Step budget; training stops at it if the target was not reached. */
  maxSteps: number;
  targetAccuracy?: number;
  learningRate: number;
  optimizer: string;
  seed: number;
  /** True: train with gradient checkpointing (each block recomputed during backward), and measure it against plain training. Absent = plain. */
  checkpoint?: boolean;
  /** Pruning settings when the run pruned (see bench/prune). */
  pruning?: Record<string, unknown>;
}

/** Measured and derived figures. Units are in the names. */
export interface BenchMetrics {
  /** Accuracy on the test split at the last step (reported only; never decides stopping). */
  testAccuracy: number;
  /** Accuracy on the validation split at the last step: stopping and reachedTarget are decided on it. Absent in older records. */
  validationAccuracy?: number;
  reachedTarget: boolean;
  steps: number;
  samples: number;
  /** Time to train: trimmed mean over the runs (MLPerf Training scoring, see bench/runs.ts). */
  wallSeconds: number;
  /**
   * 95% Student t interval of wallSeconds over the kept runs; null when fewer than 2 runs are
   * kept or a kept run missed the target (provenance says which). Absent in records made before
   * repeated runs.
   */
  wallSecondsCi95?: [number, number] | null;
  /** Mean seconds per optimizer step (all k micro-batches). */
  stepSeconds: number;
  flops: {
    /** Analytic FLOPs of one training step (forward + backward + update) at the configured batch. */
    analyticTrainStep: number;
    /** FLOPs counted from the kernels that executed in one profiled training step. */
    tracedTrainStep: number;
    /** Analytic forward FLOPs for one sample (inference cost per request). */
    forwardPerSample: number;
    /** Forward FLOPs per sample counting only non-zero weights (equals forwardPerSample when dense). */
    effectiveForwardPerSample: number;
    /** Total FLOPs executed in the run (traced per step × steps). */
    total: number;
    /** Matmul/conv part of analyticTrainStep (exact formulas; what traced counting is checked against). */
    analyticMatmulTrainStep?: number;
    /** Matmul/conv part of tracedTrainStep. */
    tracedMatmulTrainStep?: number;
  };
  params: number;
  nonZeroParams: number;
  achievedGflops: number;
  /** GEMM GFLOP/s of the same backend, measured in the same process. */
  gemmGflops: number;
  /** achievedGflops / gemmGflops. */
  utilisation: number;
  /** tfjs logical tensor bytes at the profiled step's peak (a view counts as its own tensor; heap slack and scratch not in it). */
  peakBytes: number;
  /** Physical memory after the run: the process's peak RSS since start and the wasm heap's high-water mark (both process-lifetime). */
  physicalMemory?: { peakRssBytes: number; wasmHeapBytes?: number };
  energyJoules: number;
  costUsd: number;
  carbonGrams?: number;
  /** Models with batch norm, k > 1: how far one step of k micro-batches is from one batch of k·b (relative L2, measured). */
  accumulationEquivalence?: { updateRelativeDifference: number; movingStatsRelativeDifference: number };
  /**
   * With config.checkpoint: plain vs checkpointed training of the same model, measured in this
   * process (tfjs peak tensor bytes of one step, the fastest of the timed steps, traced matmul/conv FLOPs of one step), the largest relative
   * gradient difference between them, and the placement model's recompute=full prediction
   * (transformer only).
   */
  checkpoint?: {
    plain: { peakBytes: number; transientPeakBytes: number; stepSeconds: number; tracedMatmulConvFlops?: number; physical?: CheckpointPhysical };
    checkpointed: { peakBytes: number; transientPeakBytes: number; stepSeconds: number; tracedMatmulConvFlops?: number; physical?: CheckpointPhysical };
    gradientMaxRelativeDifference: number;
    predicted?: { activationBytesRatio: number; stepFlopsRatio: number; matmulConvFlopsRatio?: number; graph: string };
  };
  /** Seconds of validation-split evaluation included in wallSeconds. */
  evalSeconds?: number;
  /** Seconds of test-split scoring, excluded from wallSeconds (reporting, not training). */
  testEvalSeconds?: number;
  /** Share of the timed training loop's wall time spent outside tfjs kernels, in [0, 1]. */
  outsideKernelShare?: number;
  /** Inference latency per sample in ms where measured. */
  latencyMs?: { batch1: number; batchLarge: number; largeBatchSize: number };
}

/** One periodic evaluation: accuracy in [0, 1] on the validation split (decides stopping) and the test split (reported). */
export interface BenchEvaluation {
  step: number;
  validationAccuracy: number;
  testAccuracy: number;
}

/** Physical high-water marks of one training variant run alone in a fresh process, after building the model and after the steps (bytes). */
export interface CheckpointPhysical {
  baselineRssBytes: number;
  peakRssBytes: number;
  baselineWasmHeapBytes?: number;
  wasmHeapBytes?: number;
}

/** A complete record as stored, one per line, in the JSONL store. */
export interface BenchRecord {
  version: typeof BENCH_RECORD_VERSION;
  id: string;
  createdAt: string;
  /** Cache key: hash of config + environment fields that change results. */
  cacheKey: string;
  config: BenchConfig;
  environment: BenchEnvironment;
  metrics: BenchMetrics;
  /** Per metric path (e.g. "metrics.costUsd"): how it was obtained. */
  provenance: Record<string, Provenance>;
  /** Every seeded run (time from first touch of the data set); the spread of wallSeconds is the timing noise. */
  runs?: Array<{
    seed: number;
    wallSeconds: number;
    steps: number;
    reachedTarget: boolean;
    testAccuracy: number;
    validationAccuracy?: number;
    evaluations?: BenchEvaluation[];
  }>;
  /** Validation and test accuracy at every evaluation of the median run. */
  evaluations?: BenchEvaluation[];
  /** Optional per-step trace for charts: loss and accuracy over steps. */
  curve?: Array<{ step: number; loss: number; testAccuracy?: number; wallSeconds: number }>;
}
