/**
 * The zoo's model names, architecture defaults and bounds, and option resolution: plain data and
 * one pure function, with no TensorFlow.js import, so a scenario can be checked at parse time.
 */
import { UsageError } from '../../errors.ts';

/** The zoo's model names. */
export const ZOO_MODELS = ['mlp', 'cnn', 'transformer'] as const;
export type ZooModelName = (typeof ZOO_MODELS)[number];

/** Default architecture options per model (integers). `digits` is the addition task's operand length. */
export const ZOO_DEFAULTS: Record<ZooModelName, Record<string, number>> = {
  mlp: { width: 512, depth: 2 },
  cnn: { filters1: 32, filters2: 64, dense: 64 },
  transformer: { dModel: 64, heads: 4, layers: 2, mlpRatio: 4, digits: 3 },
};

/**
 * Largest allowed value of each architecture option. They keep every allowed model trainable on
 * one machine: the largest MLP (784 → 4096 × 8 → 10) has about 1.2e8 parameters, 0.5 GB of fp32
 * weights and 2 GB with gradients and Adam's two moments; the largest transformer (12 layers of
 * dModel 1024, mlpRatio 8) about 2.5e8 parameters.
 */
export const ZOO_LIMITS: Record<ZooModelName, Record<string, number>> = {
  mlp: { width: 4096, depth: 8 },
  cnn: { filters1: 512, filters2: 512, dense: 4096 },
  transformer: { dModel: 1024, heads: 64, layers: 12, mlpRatio: 8, digits: 6 },
};

/** Options every zoo model accepts besides its architecture options. */
export interface ZooCommonOptions {
  /** Seeds the data split and the weights (default 0). */
  seed?: number;
  /** Cap on MNIST digits used (tests); cap on generated addition training problems. */
  dataLimit?: number;
}

export type ZooOptions = ZooCommonOptions & Record<string, number | string | boolean | undefined>;

/** Defaults overlaid with `options`' architecture keys; each must be a positive integer. */
export function resolveModelOptions(name: ZooModelName, options: ZooOptions = {}): Record<string, number> {
  const defaults = ZOO_DEFAULTS[name];
  const resolved: Record<string, number> = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (key === 'seed' || key === 'dataLimit' || value === undefined) continue;
    if (!(key in defaults)) throw new UsageError(`model option "${key}"`, `not an option of ${name}`, Object.keys(defaults).join(', '));
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`model option "${key}"`, `must be a positive integer (got ${String(value)})`);
    const max = ZOO_LIMITS[name][key] as number;
    if (n > max)
      throw new UsageError(
        `model option "${key}"`,
        `must be <= ${max} for ${name} (got ${String(value)}); the bound keeps the model's weights, gradients and optimizer state within a few GB`,
      );
    resolved[key] = n;
  }
  return resolved;
}
