/**
 * bench/: the training harness — model zoo, FLOP counting (analytic and traced), training with
 * accumulation, time-to-accuracy over repeated runs, pruning studies, records and their store.
 * Other layers and the CLI import the harness through this index only.
 */
export { BENCH_RECORD_VERSION, type BenchRecord, type BenchConfig, type BenchMetrics, type BenchEnvironment } from './record.ts';
export { makeBenchConfig, BENCH_DEFAULTS, BENCH_OPTIMIZERS, DEFAULT_LEARNING_RATE, DEFAULT_TARGET_STEP_BUDGET, type BenchConfigInput } from './config.ts';
export { runBenchmark, checkGridOptions, checkUsdPerHour, atGivenRate, type RunOptions, type BenchProgress } from './run.ts';
export { defaultBenchRuns, TARGET_RUNS_DEFAULT, meanCi95, studentTQuantile, summarizeRuns as summarizeBenchRuns, type RunsSummary } from './runs.ts';
export { appendRecord, checkStoreWritable, defaultStorePath, findCached, readRecords, readStore } from './store.ts';
export { countFlops, type FlopCount } from './flops/analytic.ts';
export { buildZooModel, isZooModel, loadTask, createZooModel, ZOO_MODELS, type ZooModelName, type Task } from './zoo/index.ts';
export { numberFlag, parsePruneFlags, parseSparsities, PRUNE_DEFAULTS, PRUNE_STUDY_DEFAULTS, type PruneFlags } from './prune/options.ts';
export { LATENCY_PREFIX, runPruneStudy, type StudyRunOptions, type StudyResult } from './prune/study.ts';
export { summarizeStudy, type PruneLevel, type PayoffSettings } from './prune/summarize.ts';
export { formatStudy, type StudyHeader } from './prune/table.ts';
