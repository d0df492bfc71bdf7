/**
 * Cost graphs of real tfjs models: any tf.LayersModel through the harness's analytic FLOP
 * counter, and zoo models named on the command line (`mlp`, `cnn:filters1=8,batch=64`...).
 * This is the edge that touches tfjs (building a model reads its weights), a sub-layer of its own
 * so that placement/index.ts (the planner) stays pure; it reaches the zoo and the FLOP counter through their sub-layer indexes (not the training harness).
 */
import { UsageError } from '../../errors.ts';
import type { LayersModel } from '../../runtime/index.ts';
import { countFlops } from '../../bench/flops/index.ts';
import { buildZooModel, isZooModel, ZOO_MODELS } from '../../bench/zoo/index.ts';
import { graphFromFlopRows } from '../from-model.ts';
import type { CostGraph, OptimizerName, WeightDtype } from '../graph.ts';

/** Training settings that are not part of the model's architecture. */
export interface TrainingSettings {
  /** Samples per micro-batch. */
  batchSize: number;
  /** Micro-batches per optimizer step (default 1). */
  accum?: number;
  dtype: WeightDtype;
  optimizer: OptimizerName;
}

/** Graph of any LayersModel at `settings.batchSize`; sequence models (2-D integer input) count tokens. */
export function graphFromLayersModel(model: LayersModel, name: string, settings: TrainingSettings, sequence = false): CostGraph {
  const count = countFlops(model, { batchSize: settings.batchSize, optimizer: settings.optimizer });
  const inputShape = (model.inputs[0]?.shape ?? []).slice(1).map((d) => d ?? 1);
  const inputElements = inputShape.reduce((p, d) => p * d, 1);
  const graph = graphFromFlopRows(count.layers, {
    name,
    batchSize: settings.batchSize,
    inputElementsPerSample: inputElements,
    dtype: settings.dtype,
    optimizer: settings.optimizer,
    ...(sequence ? { tokensPerSample: inputShape[0] ?? 1 } : {}),
    derivation: 'analytic per-layer FLOPs from bench/flops countFlops (1 multiply-add = 2 FLOPs)',
  });
  const k = settings.accum ?? 1;
  return k === 1 ? graph : { ...graph, microBatches: k, tokensPerStep: graph.tokensPerStep * k };
}

const SETTINGS_KEYS = { batch: 'batch', accum: 'accum', dtype: 'dtype', optimizer: 'optimizer' } as const;

/** Split `name:key=value,...` into the zoo name, training settings and architecture options. */
export function parseZooSpec(text: string, flag = '--model'): { name: string; settings: TrainingSettings; options: Record<string, number> } {
  const [name = '', rest = ''] = text.split(/:(.*)/s);
  if (!isZooModel(name))
    throw new UsageError(flag, `unknown model "${name}"`, `${ZOO_MODELS.join(', ')}, or transformer:layers=..,hidden=..,heads=..,seq=..,vocab=..`);
  const settings: TrainingSettings = { batchSize: 32, dtype: 'fp32', optimizer: 'adam' };
  const options: Record<string, number> = {};
  for (const part of rest.split(',').filter((p) => p.trim() !== '')) {
    const [key, value] = part.split('=').map((t) => t.trim());
    if (!key || value === undefined || value === '') throw new UsageError(flag, `model field "${part}" must look like key=value`);
    if (key === SETTINGS_KEYS.batch || key === SETTINGS_KEYS.accum) {
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < 1) throw new UsageError(flag, `model field "${key}" must be a positive integer (got "${value}")`);
      if (key === SETTINGS_KEYS.batch) settings.batchSize = n;
      else settings.accum = n;
    } else if (key === SETTINGS_KEYS.dtype) {
      if (!['fp32', 'fp16', 'bf16'].includes(value)) throw new UsageError(flag, `model field "dtype" must be one of fp32, fp16, bf16 (got "${value}")`);
      settings.dtype = value as WeightDtype;
    } else if (key === SETTINGS_KEYS.optimizer) {
      if (!['adam', 'sgd'].includes(value)) throw new UsageError(flag, `model field "optimizer" must be one of adam, sgd (got "${value}")`);
      settings.optimizer = value as OptimizerName;
    } else {
      const n = Number(value);
      if (!Number.isInteger(n) || n <= 0) throw new UsageError(flag, `model field "${key}" must be a positive integer (got "${value}")`);
      options[key] = n;
    }
  }
  return { name, settings, options };
}

/** Build the zoo model (small data slice), count it, dispose it, return its graph. */
export function zooGraph(spec: string, flag = '--model'): CostGraph {
  const { name, settings, options } = parseZooSpec(spec, flag);
  const { model, task } = buildZooModel(name, { ...options, seed: 0, dataLimit: 64 });
  try {
    return graphFromLayersModel(model, spec, settings, name === 'transformer');
  } finally {
    model.dispose();
    task.dispose();
  }
}
