/**
 * The model zoo: `buildZooModel(name, options)` → a seeded tf.LayersModel and the task it
 * trains on. Options are plain numbers so they fit BenchConfig.modelOptions and the CLI's
 * `--opt key=value`; unknown or bad options are a UsageError naming the option.
 */
import type { LayersModel } from '../../runtime/tf.ts';
import { UsageError } from '../../errors.ts';
import { createRng } from '../../util/rng.ts';
import { additionLayout, additionProblemCount } from '../data/addition.ts';
import { additionTask, mnistTask, type Task } from './task.ts';
import { buildCnn, buildMlp, buildTransformer } from './models.ts';
import { ZOO_DEFAULTS, ZOO_MODELS, resolveModelOptions, type ZooCommonOptions, type ZooModelName, type ZooOptions } from './options.ts';

export { ZOO_DEFAULTS, ZOO_LIMITS, ZOO_MODELS, resolveModelOptions, type ZooCommonOptions, type ZooModelName, type ZooOptions } from './options.ts';

export type { EvalSplit, Task, TaskSplit } from './task.ts';
export { CausalSelfAttention, LayerNorm, PositionEmbedding } from './layers.ts';

/** True for a zoo model name. */
export function isZooModel(name: string): name is ZooModelName {
  return (ZOO_MODELS as readonly string[]).includes(name);
}

function checkName(name: string): ZooModelName {
  if (!isZooModel(name)) throw new UsageError('--model', `unknown model "${name}"`, ZOO_MODELS.join(', '));
  return name;
}

/** The task a zoo model trains on, split/generated with `seed`. The caller owns (disposes) it. */
export function loadTask(name: ZooModelName | string, options: ZooCommonOptions & { digits?: number } = {}): Task {
  const model = checkName(name);
  const rng = createRng(options.seed ?? 0).fork('data');
  if (model === 'transformer') {
    const digits = options.digits ?? (ZOO_DEFAULTS.transformer.digits as number);
    // Train and test problems are distinct unordered pairs {a, b}: small digit counts cap the
    // default of 10,000 training-side problems (2 digits: 5,050 problems → 4,590 training side,
    // 459 test); a tenth of the training side (459) is held out as validation.
    const pairCapacity = additionProblemCount(digits);
    const trainCount = Math.min(options.dataLimit ?? 10_000, Math.floor(pairCapacity / 1.1));
    const testCount = Math.min(Math.max(100, Math.round(trainCount / 10)), pairCapacity - trainCount);
    return additionTask(rng, { digits, trainCount, testCount, validationCount: Math.max(1, Math.round(trainCount / 10)) });
  }
  return mnistTask(rng, { layout: model === 'mlp' ? 'flat' : 'image', ...(options.dataLimit ? { limit: options.dataLimit } : {}) });
}

/** Build only the model for `task` (lets several models share one loaded task). */
export function createZooModel(name: ZooModelName | string, task: Task, options: ZooOptions = {}): LayersModel {
  const model = checkName(name);
  const o = resolveModelOptions(model, options);
  const seed = createRng(options.seed ?? 0)
    .fork('weights')
    .int(1_000_000);
  const get = (key: string): number => o[key] as number;
  if (model === 'mlp') return buildMlp(task.inputShape[0] as number, task.numClasses, { width: get('width'), depth: get('depth') }, seed);
  if (model === 'cnn') return buildCnn(task.inputShape, task.numClasses, { filters1: get('filters1'), filters2: get('filters2'), dense: get('dense') }, seed);
  if (get('dModel') % get('heads') !== 0) throw new UsageError('model option "dModel"', `must be divisible by heads (${get('dModel')} % ${get('heads')} ≠ 0)`);
  return buildTransformer(
    additionLayout(get('digits')).inputLength,
    task.numClasses,
    { dModel: get('dModel'), heads: get('heads'), layers: get('layers'), mlpRatio: get('mlpRatio') },
    seed,
  );
}

/** A seeded zoo model and its task. The caller disposes both (model.dispose(), task.dispose()). */
export function buildZooModel(name: ZooModelName | string, options: ZooOptions = {}): { model: LayersModel; task: Task } {
  const model = checkName(name);
  const resolved = resolveModelOptions(model, options);
  const task = loadTask(model, {
    seed: options.seed ?? 0,
    ...(options.dataLimit ? { dataLimit: options.dataLimit } : {}),
    ...(model === 'transformer' ? { digits: resolved.digits } : {}),
  });
  try {
    return { model: createZooModel(model, task, options), task };
  } catch (error) {
    task.dispose();
    throw error;
  }
}
