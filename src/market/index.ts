/** market/: demand, equilibria, strategies, Q-learning, the period loop and Monte Carlo. No TensorFlow.js here. */
export type { ProviderPeriodRow, MarketPeriodRow, RunResult, LearningOutcome, BandRow, ProviderSummary, MarketSummary } from './types.ts';
export {
  logitShares,
  logitInclusiveValue,
  logitConsumerSurplusUsd,
  marketSizeAt,
  allocateWithCapacity,
  allocateLinearWithCapacity,
  linearQuantities,
  hhi,
  nestedLogitShares,
  nestedLogitInclusiveValue,
} from './demand.ts';
export {
  logitNash,
  logitCollusive,
  logitBestResponse,
  logitSharesAt,
  linearNash,
  linearCollusive,
  linearCournot,
  type LogitMarket,
  type LinearMarket,
  type EquilibriumPoint,
} from './equilibrium.ts';
export { createPriceRule, type Observation, type PriceRule } from './strategies.ts';
export {
  trainQLearning,
  priceGrid,
  MAX_QLEARNING_AGENTS,
  MAX_QLEARNING_CELLS,
  qLearningCells,
  type QLearningSpec,
  type QLearningAgent,
  type QLearningResult,
} from './qlearning.ts';
export { impulseResponse, impulseRows, IMPULSE_PERIODS, type ImpulseResponse, type ImpulseRow } from './impulse.ts';
export { resolveProviderCosts, type ResolvedProviderCost, type BenchRecords, type PlanCost, type PlanCosts } from './costs.ts';
export { simulateRun, stageEquilibria, type RunInput } from './simulate.ts';
export { solveStage, periodOutcome, stageWork, type StageMarket, type StageEquilibria, type PeriodOutcome, type StageWork } from './stage.ts';
export { summarizeRuns, percentile, CALVANO_PAPER_PROFIT_GAIN } from './summary.ts';
export {
  runSeed,
  simulateRuns,
  equilibriumReport,
  assembleSimulation,
  type SimulationResult,
  type EquilibriumReport,
  type EquilibriumEntry,
  type ReferenceComparison,
} from './montecarlo.ts';
export { blendedUsdPerM, TOKEN_UNIT, type TokenMix, type TokenClassUsd } from './tokens.ts';
export { calibrateDemand, type Calibration, type CalibratedProvider, type CalibrationInput, type CalibrationObservation, type MuSource } from './calibrate.ts';
export { impliedMarginalCosts, shareDerivativeColumn, withinNestShare, type PeriodShares } from './calibrate-costs.ts';
export { calibrationReport, type CalibrationReport, type CalibratedProviderReport, type PredictionCheck, type PredictionRow } from './calibrate-report.ts';
