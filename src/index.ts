/**
 * costsim's public API. Everything a library user may import is re-exported here and only
 * here; modules not listed are internal.
 */
export { CostsimError, UsageError, InputError, BackendUnavailableError, UnsupportedError, OutputError } from './errors.ts';
export { createRng, type Rng } from './util/rng.ts';
export { initRuntime, probeBackends, defaultLoaders, BACKEND_NAMES, type BackendName, type BackendChoice } from './runtime/index.ts';
// runtime/: Adam fused into one native pass per variable on the native backend (tf.train.adam elsewhere)
export { createAdamOptimizer } from './runtime/index.ts';
export { DEVICE_CATALOG, findDevice, deviceIds, type Device, type Sourced } from './devices/catalog.ts';
export { BENCH_RECORD_VERSION, type BenchRecord, type BenchConfig, type BenchMetrics } from './bench/record.ts';
export type { Provenance, ProvenanceKind } from './provenance.ts';
// bench/ (harness)
export { countFlops, accumulatedStepFlops, type FlopCount, type LayerFlops, type FlopTotals, type CountFlopsOptions } from './bench/flops/analytic.ts';
export { traceFlops, type TracedFlops } from './bench/flops/traced.ts';
export { buildZooModel, loadTask, createZooModel, ZOO_MODELS, type ZooModelName, type Task } from './bench/zoo/index.ts';
export { trainSteps, evaluateAccuracy, type TrainOptions, type TrainResult } from './bench/train/loop.ts';
export { appendRecord, readRecords, findCached, defaultStorePath } from './bench/store.ts';
export { runBenchmark, type RunOptions, type BenchProgress } from './bench/run.ts';
export { makeBenchConfig, type BenchConfigInput } from './bench/config.ts';
export { measureAccumulation, type AccumulationPoint } from './bench/train/accumulation.ts';
// bench/prune/ (pruning)
export { constant as constantSchedule, polynomialDecay, sparsityAt, shouldUpdateMask, type PruningSchedule } from './bench/prune/schedule.ts';
export { keepCount, layerwiseMasks, globalMasks } from './bench/prune/masks.ts';
export { prunableWeights, applyMasks, measureSparsity } from './bench/prune/prunable.ts';
export { createPruner, pruneOnce, type Pruner, type MaskPolicy } from './bench/prune/pruner.ts';
export { unstructuredPolicy } from './bench/prune/unstructured.ts';
export { structuredPolicy } from './bench/prune/structured-plan.ts';
export { rebuildStructured } from './bench/prune/structured.ts';
export { computePayoff, type Payoff, type PayoffInputs } from './bench/prune/payoff.ts';
export { runPruneStudy } from './bench/prune/study.ts';
export { summarizeStudy, type PruneLevel } from './bench/prune/summarize.ts';
export { runSweep, defaultWorkerCount, type SweepPoint, type SweepSummary, type SweepEvent } from './sweep/runner.ts';
// placement/
export {
  parseTransformerShape,
  transformerGraph,
  graphFromFlopRows,
  toPlannerDevice,
  resolveDevices,
  planPlacements,
  planSpec,
  optimalPlan,
  evaluatePlan,
  formatPlanning,
  planningJson,
  parseBytes as parseByteSize,
  parseMaxMemory,
  DEFAULT_EFFICIENCIES,
  LOCAL_CPU_ID,
  type CostGraph,
  type LayerCost,
  type TransformerShape,
  type PlannerDevice,
  type Plan as PlacementPlan,
  type PlanDeviceRow,
  type PlanLayerRow,
  type PlanningResult,
  type PlanningJson,
  type PlacementSpec as PlacementRequest,
  type Objective as PlacementObjective,
  type CalibrationRow,
  type CalibrationResult,
  type StrategyName as PlacementStrategy,
} from './placement/index.ts';
export { calibrate, formatCalibration } from './placement/calibrate.ts';
export { runMixed, denseChainOf } from './placement/mixed-exec.ts';
export { zooGraph, graphFromLayersModel } from './placement/zoo/index.ts';
export { measureLocalCpu, localCpuDevice, pricingFromInstance, pricingFromRate, type LocalCpuMeasurement, type LocalPricing } from './devices/local.ts';
// scenario/ and market/
export {
  parseScenario,
  normalizeScenario,
  sampleAll,
  pointEstimate,
  DEFAULTS as SCENARIO_DEFAULTS,
  STRATEGY_TYPES,
  type Scenario,
  type RawScenario,
  type Provider as ScenarioProvider,
  type Distribution,
  type Num,
} from './scenario/index.ts';
export {
  simulateRuns,
  assembleSimulation,
  equilibriumReport,
  runSeed,
  resolveProviderCosts,
  simulateRun,
  summarizeRuns,
  trainQLearning,
  logitNash,
  logitCollusive,
  linearCournot,
  type SimulationResult,
  type EquilibriumReport,
  type ReferenceComparison,
  type ProviderPeriodRow,
  type MarketPeriodRow,
  type RunResult,
  type BandRow,
  type MarketSummary,
  type ProviderSummary,
  type LearningOutcome,
  type ResolvedProviderCost,
  type BenchRecords,
} from './market/index.ts';
// report/
export { buildCharts, CHART_IDS, type BuiltChart, type ChartOptions } from './report/charts/index.ts';
export { writeReport, checkReportTarget, type WrittenReport, type Artefact } from './report/write.ts';
export { readResults, parseResults, RESULTS_FILE } from './report/results-file.ts';
export { renderSvg, svgToPng } from './report/render.ts';
export { vegaLiteSchemaErrors } from './report/validate.ts';
export type { ReportResults, ReportRows, KeyNumber } from './report/rows.ts';
// pipeline/ (one scenario end to end: read → normalise → measure → plan once → price → simulate → assemble → write)
export { runScenario, reportDirName, type ScenarioRunOptions, type PipelineContext } from './pipeline/index.ts';
