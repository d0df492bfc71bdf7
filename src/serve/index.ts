/** serve/: what an LLM token costs to serve. Pure model (shapes, counts, cost); no tfjs here. */
export { MODEL_SHAPES, findShape, shapeIds, type ModelShape, type MoeShape, type MlaShape } from './shapes.ts';
export { countParams, forwardFlopsPerToken, kvElementsPerToken, expectedExpertsTouched, type ParamCounts } from './params.ts';
export { SERVE_DTYPES, DTYPE_BYTES, computePeak, type ServeDtype } from './dtypes.ts';
export { DEFAULT_SERVING_EFFICIENCIES, SERVING_EFFICIENCY_SOURCES, type ServingEfficiencies } from './efficiency.ts';
export {
  planServing,
  evaluateBatch,
  prepare,
  maxBatchThatFits,
  formatBytes,
  type ServingPlan,
  type ServingRequest,
  type ServingWorkload,
  type ServiceTarget,
  type Bottleneck,
  type BatchEvaluation,
} from './model.ts';
export { servingFrontier, type FrontierPoint } from './frontier.ts';
export { resolveShape, GPT2_DECODER, zooTransformerDecoder } from './resolve.ts';
export { parseCount, parseIntegerList, parseServeDtype } from './check.ts';
