/**
 * The scenario's serving sections, normalised: user model shapes with their defaults filled,
 * and serving entries as serving requests minus the device and shape objects (resolved by the
 * pipeline). Defaults are the serve layer's own (src/serve/defaults.ts), so `costsim serve`
 * and a scenario entry with the same fields give the same plan.
 */
import type { ModelShape } from '../serve/shapes.ts';
import type { ServeDtype } from '../serve/dtypes.ts';
import type { ServingEfficiencies } from '../serve/efficiency.ts';
import type { ServiceTarget, ServingWorkload } from '../serve/model.ts';
import { LOCAL_DEVICE_ID, SERVE_DEFAULTS } from '../serve/defaults.ts';
import { stripControl } from '../util/text.ts';
import type { RawModelShape, RawServing } from './serving-schema.ts';

/** A serving entry with every default filled: what `costsim serve` would be given as flags. */
export interface ServingEntry {
  id: string;
  /** Shape id: built-in or from the scenario's `models:`. */
  model: string;
  /** Device id: catalogue, scenario `devices:`, or local-cpu. */
  device: string;
  count: number;
  dtype: ServeDtype;
  kvDtype: ServeDtype;
  workload: ServingWorkload;
  target: ServiceTarget;
  batch?: number;
  offload: boolean;
  efficiencies: Partial<ServingEfficiencies>;
}

/** A user shape as the serve layer's `ModelShape` (name = id, kvHeads = heads, headDim = hidden ÷ heads, ... when left out). */
export function normalizeModelShape(m: RawModelShape): ModelShape {
  return {
    id: m.id,
    name: stripControl(m.name ?? m.id),
    layers: m.layers,
    hiddenSize: m.hiddenSize,
    heads: m.heads,
    kvHeads: m.kvHeads ?? m.heads,
    headDim: m.headDim ?? m.hiddenSize / m.heads,
    intermediateSize: m.intermediateSize,
    mlp: m.mlp,
    vocabSize: m.vocabSize,
    tiedEmbeddings: m.tiedEmbeddings ?? false,
    positionEmbeddings: m.positionEmbeddings ?? 0,
    norm: m.norm ?? 'rmsnorm',
    biases: m.biases ?? 'none',
    maxContextTokens: m.maxContextTokens ?? 131072,
    ...(m.moe ? { moe: m.moe } : {}),
    ...(m.mla ? { mla: m.mla } : {}),
    source: stripControl(m.source),
    date: m.date,
    published: m.published ?? { totalParams: 0, source: 'none given in the scenario' },
  };
}

/** A serving entry with the serve layer's defaults. */
export function normalizeServing(s: RawServing): ServingEntry {
  const local = s.device === LOCAL_DEVICE_ID;
  const dtype = s.dtype ?? (local ? SERVE_DEFAULTS.localDtype : SERVE_DEFAULTS.dtype);
  return {
    id: s.id,
    model: s.model,
    device: s.device,
    count: s.count ?? SERVE_DEFAULTS.count,
    dtype,
    kvDtype: s.kvDtype ?? (local ? SERVE_DEFAULTS.localDtype : SERVE_DEFAULTS.dtype),
    workload: {
      promptTokens: s.promptTokens ?? SERVE_DEFAULTS.promptTokens,
      outputTokens: s.outputTokens ?? SERVE_DEFAULTS.outputTokens,
      cacheHitShare: s.cacheHit ?? SERVE_DEFAULTS.cacheHitShare,
    },
    target: {
      ...(s.minTokensPerSecond !== undefined ? { minOutputTokensPerSecondPerUser: s.minTokensPerSecond } : {}),
      ...(s.maxTtftSeconds !== undefined ? { maxTtftSeconds: s.maxTtftSeconds } : {}),
    },
    ...(s.batch !== undefined ? { batch: s.batch } : {}),
    offload: s.offload ?? false,
    efficiencies: { ...s.efficiencies },
  };
}
