/** scenario/: YAML → validated, normalized `Scenario`; distributions for Monte Carlo. */
export { parseScenario, formatPath } from './parse.ts';
export { parseValuePath, formatValuePath, valueAtPath, withValueAtPath, type ValuePath, type ScenarioOverride } from './paths.ts';
export { uncertainInputs, sensitivityPoints, percentile, SENSITIVITY_FLAG, type UncertainInput, type SensitivityPoint } from './sensitivity.ts';
export { parseSweepAxes, parseSweepAxis, gridPoints, checkAxesAgainst, SWEEP_FLAG, MAX_GRID_POINTS, type GridAxis, type GridPoint } from './grid.ts';
export {
  normalizeScenario,
  DEFAULTS,
  type Scenario,
  type Provider,
  type Demand,
  type Strategy,
  type ProviderCost,
  type Quality,
  type Reference,
} from './normalize.ts';
export { scenarioSchema, STRATEGY_TYPES, type RawScenario } from './schema.ts';
export { scenarioLineLocator } from './locate.ts';
export { sampleAll, pointEstimate, centralValue, draw, hasDistribution, isDistribution, type Distribution, type Num, type Sampled } from './distribution.ts';
export { MARKET_LIMITS } from './limits.ts';
export { parseSetFlag } from './overrides.ts';
export { TEXT_LIMITS } from './schema.ts';
export { renderTemplate, schemaFile, templateFile, TEMPLATE_NAMES, type TemplateName } from './templates.ts';
export { calibratedScenarioText, type FittedValue } from './calibrated.ts';
export type { ServingEntry } from './serving.ts';
