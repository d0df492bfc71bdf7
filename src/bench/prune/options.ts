/**
 * `costsim prune` flags → a validated PruneStudyOptions (pure). Every problem is a
 * UsageError naming the flag and what is allowed (exit code 2), raised before any work runs.
 */
import { LATENCY_ALPHA, minimumSignificantRounds } from './interval.ts';
import { UsageError } from '../../errors.ts';
import { DEFAULT_LEARNING_RATE } from '../config.ts';
import { checkGridOptions, checkUsdPerHour } from '../run.ts';
import { isZooModel, resolveModelOptions, ZOO_MODELS, type ZooModelName } from '../zoo/index.ts';
import type { PruneMethod } from './experiment.ts';
import type { PruneStudyOptions } from './plan.ts';
import { scheduleFor } from './plan.ts';
import { lastMaskUpdateStep, SCHEDULE_KINDS } from './schedule.ts';
import { MODE_METHODS, type PruneMode } from './summarize.ts';
import { THRESHOLD_SCOPES, type ThresholdScope } from './unstructured.ts';

/** Raw flag values as commander hands them over (strings; `opt` repeatable). */
export interface PruneFlags {
  model?: string;
  opt?: string[];
  sparsity?: string;
  mode?: string;
  threshold?: string;
  schedule?: string;
  beginStep?: string;
  endStep?: string;
  frequency?: string;
  power?: string;
  initialSparsity?: string;
  steps?: string;
  denseSteps?: string;
  batchSize?: string;
  learningRate?: string;
  seeds?: string;
  latencyBatch?: string;
  latencyRounds?: string;
  latencyMs?: string;
  dataLimit?: string;
  usdPerHour?: string;
  gridRegion?: string;
  pue?: string;
}

/**
 * The one defaults table of a pruning study: `costsim prune` flags and a scenario's pruning
 * entries (src/pipeline/measure.ts) both fill what they leave out from here, so the same model
 * with no overrides runs the same study either way. Small enough for a laptop-scale run,
 * stated in `costsim prune --help`. The learning rate is the harness's per-model default
 * (DEFAULT_LEARNING_RATE in src/bench/config.ts).
 */
export const PRUNE_STUDY_DEFAULTS = {
  threshold: 'layer',
  schedule: 'constant',
  steps: 100,
  denseSteps: 300,
  batchSize: 64,
  latencyBatch: 256,
  latencyRounds: 7,
} as const;

/** `costsim prune`'s defaults: the study defaults plus what only the command picks (which model, levels, seeds). */
export const PRUNE_DEFAULTS = {
  ...PRUNE_STUDY_DEFAULTS,
  model: 'cnn',
  sparsity: '0,0.5,0.75,0.9',
  mode: 'unstructured',
  seeds: '0',
} as const;

function list(flag: string, value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(flag, 'must list at least one value (comma-separated)');
  return items;
}

/** A number flag; `integer` and bounds checked; undefined when absent. */
export function numberFlag(
  flag: string,
  value: string | undefined,
  o: { integer?: boolean; min?: number; max?: number; maxExclusive?: boolean } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const ok =
    value.trim() !== '' &&
    Number.isFinite(n) &&
    (!o.integer || Number.isInteger(n)) &&
    (o.min === undefined || n >= o.min) &&
    (o.max === undefined || (o.maxExclusive ? n < o.max : n <= o.max));
  if (!ok) {
    const range = `${o.min ?? '-∞'} ≤ x ${o.maxExclusive ? '<' : '≤'} ${o.max ?? '∞'}`;
    throw new UsageError(flag, `must be ${o.integer ? 'an integer' : 'a number'} with ${range} (got "${value}")`);
  }
  return n;
}

/** Sparsity levels: a non-empty comma list of numbers in [0, 1), duplicates dropped, order kept. */
export function parseSparsities(value: string): number[] {
  const levels = list('--sparsity', value).map((s) => numberFlag('--sparsity', s, { min: 0, max: 1, maxExclusive: true }) as number);
  return [...new Set(levels)];
}

function parseModes(value: string): PruneMethod[] {
  return [
    ...new Set(
      list('--mode', value).map((m) => {
        if (!(m in MODE_METHODS)) throw new UsageError('--mode', `unknown mode "${m}"`, Object.keys(MODE_METHODS).join(', '));
        return MODE_METHODS[m as PruneMode];
      }),
    ),
  ];
}

function parseModelOptions(opts: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of opts) {
    const [key, raw] = o.split('=');
    if (!key || raw === undefined) throw new UsageError('--opt', `expected key=value (got "${o}")`);
    out[key] = numberFlag(`--opt ${key}`, raw, { integer: true, min: 1 }) as number;
  }
  return out;
}

const SCHEDULE_FIELD_FLAGS: Record<string, string> = {
  beginStep: '--begin-step',
  endStep: '--end-step',
  frequency: '--frequency',
  power: '--power',
  initialSparsity: '--initial-sparsity',
  targetSparsity: '--sparsity',
  finalSparsity: '--sparsity',
};

/** Validate the flags into study options (everything but where to run it). */
export function parsePruneFlags(flags: PruneFlags, checkpointDir: string): PruneStudyOptions {
  const modelName = flags.model ?? PRUNE_DEFAULTS.model;
  if (!isZooModel(modelName)) throw new UsageError('--model', `unknown model "${modelName}"`, ZOO_MODELS.join(', '));
  const model: ZooModelName = modelName;
  const modelOptions = parseModelOptions(flags.opt ?? []);
  resolveModelOptions(model, modelOptions); // rejects options the model does not have
  const schedule = flags.schedule ?? PRUNE_DEFAULTS.schedule;
  if (!(SCHEDULE_KINDS as readonly string[]).includes(schedule))
    throw new UsageError('--schedule', `unknown schedule "${schedule}"`, SCHEDULE_KINDS.join(', '));
  const scope = flags.threshold ?? PRUNE_DEFAULTS.threshold;
  if (!(THRESHOLD_SCOPES as readonly string[]).includes(scope))
    throw new UsageError('--threshold', `unknown threshold scope "${scope}"`, THRESHOLD_SCOPES.join(', '));
  const int = (flag: string, value: string | undefined, min: number) => numberFlag(flag, value, { integer: true, min });
  const fineTuneSteps = int('--steps', flags.steps, 1) ?? PRUNE_DEFAULTS.steps;
  const scheduleOverrides: PruneStudyOptions['scheduleOverrides'] = {};
  const begin = int('--begin-step', flags.beginStep, 0);
  const end = int('--end-step', flags.endStep, schedule === 'constant' ? -1 : 0);
  const frequency = int('--frequency', flags.frequency, 1);
  const power = numberFlag('--power', flags.power, { min: Number.MIN_VALUE });
  const initial = numberFlag('--initial-sparsity', flags.initialSparsity, { min: 0, max: 1, maxExclusive: true });
  if (begin !== undefined) scheduleOverrides.beginStep = begin;
  if (end !== undefined) scheduleOverrides.endStep = end;
  if (frequency !== undefined) scheduleOverrides.frequency = frequency;
  if (power !== undefined) scheduleOverrides.power = power;
  if (initial !== undefined) scheduleOverrides.initialSparsity = initial;
  const sparsities = parseSparsities(flags.sparsity ?? PRUNE_DEFAULTS.sparsity);
  const options: PruneStudyOptions = {
    model,
    modelOptions,
    seeds: [...new Set(list('--seeds', flags.seeds ?? PRUNE_DEFAULTS.seeds).map((s) => int('--seeds', s, 0) as number))],
    sparsities,
    methods: parseModes(flags.mode ?? PRUNE_DEFAULTS.mode),
    scope: scope as ThresholdScope,
    schedule: schedule as PruneStudyOptions['schedule'],
    scheduleOverrides,
    denseSteps: int('--dense-steps', flags.denseSteps, 1) ?? PRUNE_DEFAULTS.denseSteps,
    fineTuneSteps,
    batchSize: int('--batch-size', flags.batchSize, 1) ?? PRUNE_DEFAULTS.batchSize,
    learningRate: numberFlag('--learning-rate', flags.learningRate, { min: Number.MIN_VALUE, max: 10 }) ?? DEFAULT_LEARNING_RATE[model],
    latencyBatchSize: int('--latency-batch', flags.latencyBatch, 2) ?? PRUNE_DEFAULTS.latencyBatch,
    latencyRounds: int('--latency-rounds', flags.latencyRounds, 3) ?? PRUNE_DEFAULTS.latencyRounds,
    checkpointDir,
  };
  const needed = minimumSignificantRounds();
  if (options.latencyRounds < needed) {
    throw new UsageError(
      '--latency-rounds',
      `${options.latencyRounds} rounds can never show a latency difference: the sign test's smallest two-sided p-value with n rounds is 2/2^n (${options.latencyRounds} rounds: ${(2 / 2 ** options.latencyRounds).toFixed(4)} ≥ ${LATENCY_ALPHA})`,
      `${needed} or more rounds`,
    );
  }
  const latencyMs = numberFlag('--latency-ms', flags.latencyMs, { min: 1 });
  if (latencyMs !== undefined) options.latencyTargetMs = latencyMs;
  const dataLimit = int('--data-limit', flags.dataLimit, 100);
  if (dataLimit !== undefined) options.dataLimit = dataLimit;
  // Pricing and carbon as `costsim bench` takes them, checked by the same functions.
  const usdPerHour = numberFlag('--usd-per-hour', flags.usdPerHour);
  if (usdPerHour !== undefined) options.usdPerHour = checkUsdPerHour(usdPerHour);
  const pue = numberFlag('--pue', flags.pue);
  const grid = checkGridOptions({ ...(flags.gridRegion !== undefined ? { region: flags.gridRegion } : {}), ...(pue !== undefined ? { pue } : {}) });
  if (grid) options.grid = grid;
  // Build every level's schedule now so a bad one fails before any training, naming the flag.
  for (const s of sparsities) {
    try {
      const built = scheduleFor(options, s);
      if (built.beginStep > fineTuneSteps)
        throw new UsageError('--begin-step', `pruning would begin at step ${built.beginStep}, after the last fine-tuning step (${fineTuneSteps})`, '≤ --steps');
      const last = lastMaskUpdateStep(built);
      if (last !== undefined && last > fineTuneSteps) {
        throw new UsageError(
          '--end-step',
          `the schedule's last mask update (step ${last}) is after the last fine-tuning step (${fineTuneSteps}), so the final sparsity would never be reached`,
          `≤ --steps`,
        );
      }
    } catch (error) {
      if (error instanceof UsageError && error.flag in SCHEDULE_FIELD_FLAGS)
        throw new UsageError(SCHEDULE_FIELD_FLAGS[error.flag] as string, error.message.slice(error.flag.length + 2));
      throw error;
    }
  }
  return options;
}
