/**
 * placement/: where each layer of a model should live (GPU, CPU, offloaded), whether it fits,
 * and what a training step costs; plus real mixed-backend execution to calibrate the model.
 *
 * Pipeline: shape or tfjs model → CostGraph (transformer.ts, zoo.ts, from-model.ts) →
 * PlannerDevice[] (resolve.ts, roofline.ts) → planPlacements (planner.ts: strategies.ts,
 * dp.ts, each plan evaluated by plan.ts) → text or JSON (format.ts). spec.ts wires one request
 * (CLI flags or a scenario's placement entry) through all of it. Calibration:
 * mixed-exec.ts runs a plan across tfjs backends, calibrate.ts compares it with plan.ts.
 *
 * Row types for reports (units in field names): Plan, PlanDeviceRow (bytes), PlanLayerRow
 * (seconds per step, bytes), CalibrationRow (seconds per step, ratio measured ÷ predicted).
 */
export {
  DTYPE_BYTES,
  layerBytes,
  stateBytesPerParam,
  optimizerStepCost,
  totalParams,
  inferenceGraph,
  type CostGraph,
  type LayerCost,
  type LayerBytes,
  type WeightDtype,
  type OptimizerName,
} from './graph.ts';
export { parseTransformerShape, transformerGraph, isTransformerShape, type TransformerShape } from './transformer.ts';
export { graphFromFlopRows, type FlopRow } from './from-model.ts';
export {
  DEFAULT_EFFICIENCIES,
  peakFor,
  toPlannerDevice,
  rooflineSeconds,
  transferSeconds,
  linkBytesPerSecond,
  type PlannerDevice,
  type Efficiencies,
  type RooflineTime,
} from './roofline.ts';
export { layerOptionCost, boundarySeconds, type LayerPlacement, type LayerOptionCost } from './costs.ts';
export { evaluatePlan, type Plan, type PlanDeviceRow, type PlanLayerRow, type StrategyName } from './plan.ts';
export { allCpuPlan, allGpuPlans, greedyPlan, offloadPlans } from './strategies.ts';
export { optimalPlan, type Objective } from './dp.ts';
export { planPlacements, type PlanningResult } from './planner.ts';
export { formatPlanning, planningJson, foldLayerRows, type PlanningJson } from './format.ts';
export { parseBytes, parseMaxMemory, parseFraction } from './parse.ts';
export { resolveDevices, LOCAL_CPU_ID, type ResolveOptions } from './resolve.ts';
export { planSpec, graphForModel, devicesForSpec, type PlacementSpec, type PlacementContext } from './spec.ts';
export type { CalibrationRow, CalibrationResult, BackendFigures } from './calibrate.ts';
export type { MixedRunResult, DenseSpec } from './mixed-exec.ts';
export { predictSegmentRecompute, type RecomputeLayer, type RecomputePrediction } from './recompute.ts';
