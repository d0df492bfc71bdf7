/**
 * The scenario's serving sections, as written: `models:` (user model shapes, the fields of
 * src/serve/shapes.ts, each with its source and date) and `serving:` (a shape served on a device,
 * priced by the serving model; a provider's `cost: { serving: <id> }` refers to one). Numbers
 * here are plain (no distributions): a serving plan is computed once per run of the pipeline.
 */
import { z } from 'zod';
import { SERVE_DTYPES } from '../serve/dtypes.ts';
import { strictShape, TEXT_LIMITS } from './strict.ts';

const id = z
  .string()
  .max(TEXT_LIMITS.name)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'an id uses letters, digits and _ . : - only');
const source = z.string().min(1).max(TEXT_LIMITS.note);
const isoMonth = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])(-\d{2})?$/, 'a date reads YYYY-MM or YYYY-MM-DD');
/** Layer and width counts: whole numbers, bounded an order of magnitude above the largest published models. */
const count = (min: number, max: number) => z.number().int().min(min).max(max);

const moeSchema = strictShape({
  routedExperts: count(1, 4096),
  expertsPerToken: count(1, 4096),
  sharedExperts: count(0, 4096),
  expertIntermediateSize: count(1, 1 << 20),
  firstDenseLayers: count(0, 10_000),
});
const mlaSchema = strictShape({
  kvLoraRank: count(1, 1 << 16),
  qLoraRank: count(1, 1 << 16).optional(),
  qkNopeHeadDim: count(1, 1 << 16),
  qkRopeHeadDim: count(0, 1 << 16),
  vHeadDim: count(1, 1 << 16),
});

/** A user model shape: the fields of serve/shapes.ts `ModelShape`; the optional ones default in normalize.ts. */
export const modelShapeSchema = strictShape({
  id,
  name: z.string().min(1).max(TEXT_LIMITS.name).optional(),
  layers: count(1, 10_000),
  hiddenSize: count(1, 1 << 20),
  heads: count(1, 1 << 14),
  kvHeads: count(1, 1 << 14).optional(),
  headDim: count(1, 1 << 16).optional(),
  intermediateSize: count(1, 1 << 22),
  mlp: z.enum(['gated', 'plain']),
  vocabSize: count(1, 1 << 24),
  tiedEmbeddings: z.boolean().optional(),
  positionEmbeddings: count(0, 1 << 24).optional(),
  norm: z.enum(['layernorm', 'rmsnorm']).optional(),
  biases: z.enum(['none', 'qkv', 'all']).optional(),
  maxContextTokens: count(1, 1 << 26).optional(),
  moe: moeSchema.optional(),
  mla: mlaSchema.optional(),
  source,
  date: isoMonth,
  published: strictShape({ totalParams: z.number().min(0).max(1e15), activeParams: z.number().min(0).max(1e15).optional(), source }).optional(),
});

const fraction = z.number().min(0).max(1);
const positiveFraction = z.number().gt(0).max(1);

/** Overrides of the serving model's named efficiencies (src/serve/efficiency.ts). */
const efficienciesSchema = strictShape({
  prefillCompute: positiveFraction.optional(),
  decodeCompute: positiveFraction.optional(),
  memoryBandwidth: positiveFraction.optional(),
  link: positiveFraction.optional(),
  memoryUsable: positiveFraction.optional(),
  collectiveLatencySeconds: z.number().min(0).max(1).optional(),
  layerOverheadSeconds: z.number().min(0).max(1).optional(),
  prefillBatchTokens: count(1, 1 << 24).optional(),
});

/** One serving entry: `model` on `count` × `device`, a workload and a service target (the flags of `costsim serve`). */
export const servingSchema = strictShape({
  id,
  /** A built-in shape id or one from `models:`. */
  model: id,
  /** A catalogue device, a scenario device, or `local-cpu` (this machine, measured and calibrated). */
  device: id,
  count: count(1, 4096).optional(),
  dtype: z.enum(SERVE_DTYPES).optional(),
  kvDtype: z.enum(SERVE_DTYPES).optional(),
  promptTokens: count(0, 1e8).optional(),
  outputTokens: count(1, 1e8).optional(),
  /** Share of prompt tokens served from a prompt cache. */
  cacheHit: fraction.optional(),
  minTokensPerSecond: z.number().min(0).max(1e9).optional(),
  maxTtftSeconds: z.number().gt(0).max(1e9).optional(),
  batch: count(1, 1_000_000).optional(),
  offload: z.boolean().optional(),
  efficiencies: efficienciesSchema.optional(),
});

/** A user model shape as written. */
export type RawModelShape = z.infer<typeof modelShapeSchema>;
/** A serving entry as written. */
export type RawServing = z.infer<typeof servingSchema>;
