/**
 * Pipeline phase "measure": the scenario's bench entries, trained for real (or taken from the
 * record store's cache), and its pruning entries, run as one pruning study per model (dense
 * parents, then every method × sparsity × seed) in worker processes. The backend is chosen
 * only when the scenario has bench entries.
 */
import { dirname, join, relative } from 'node:path';
import type { PipelineContext } from './context.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { BenchRecord } from '../bench/record.ts';
import { summarizeStudy, type PruneLevel } from '../bench/prune/summarize.ts';
import type { PruneMethod } from '../bench/prune/experiment.ts';
import { LATENCY_PREFIX, runPruneStudy, type StudyRunOptions } from '../bench/prune/study.ts';
import { atGivenRate, findStoredBenchmark, runBenchmark, type BenchProgress } from '../bench/run.ts';
import { SILENT_PROGRESS, type Progress } from './progress.ts';
import { readRecords } from '../bench/store.ts';
import { planPruneStudy, type PruneStudyOptions } from '../bench/prune/plan.ts';
import { environmentKey } from '../bench/prune/environment.ts';
import { isPruneRecord } from '../bench/prune/record.ts';
import { PRUNE_STUDY_DEFAULTS } from '../bench/prune/options.ts';
import { DEFAULT_LEARNING_RATE, type BenchConfigInput } from '../bench/config.ts';
import type { PruneCell } from '../report/adapters/prune.ts';
import { findDevice } from '../devices/catalog.ts';
import { InputError, nonFiniteFromWorker } from '../errors.ts';
import { initRuntime } from '../runtime/index.ts';

type BenchSpec = Scenario['bench'][number];

/** The harness's config input for a scenario bench entry; the harness fills its own defaults (learning rate, optimizer). */
export function benchConfigOf(spec: BenchSpec): BenchConfigInput {
  return {
    model: spec.model,
    ...(spec.modelOptions ? { modelOptions: spec.modelOptions } : {}),
    batchSize: spec.batch,
    accumulationSteps: spec.accum,
    ...(spec.steps !== undefined ? { maxSteps: spec.steps } : {}),
    ...(spec.targetAccuracy !== undefined ? { targetAccuracy: spec.targetAccuracy } : {}),
    seed: spec.seed,
    ...(spec.pruning ? { pruning: { ...spec.pruning } } : {}),
  };
}

/**
 * How a scenario prices and carbon-counts an entry's record, as `costsim bench --usd-per-hour
 * --grid-region --pue` would: the scenario's `energy:` and the entry's own `usdPerHour`, labelled
 * as scenario input in the cost's provenance. Empty when the scenario gives neither.
 */
export function scenarioPricing(scenario: Scenario, spec: BenchSpec): { grid?: { region: string; pue: number }; usdPerHour?: number; usdPerHourVia?: string } {
  return {
    ...(scenario.energy ? { grid: scenario.energy } : {}),
    ...(spec.usdPerHour !== undefined
      ? { usdPerHour: spec.usdPerHour, usdPerHourVia: `${scenario.file} bench[${scenario.bench.indexOf(spec)}].usdPerHour (assumed: scenario input)` }
      : {}),
  };
}

/** What the measured phase produced: records by bench id, and the pruning study when there was one. */
export interface BenchPhase {
  records: Map<string, BenchRecord>;
  backend?: { name: string; reason: string };
  prune?: { cells: PruneCell[]; levels: PruneLevel[] };
}

/** Inference volume the pruning payoff is priced at (assumed; the break-even volume does not depend on it). */
export const PAYOFF_REQUESTS_PER_MONTH = 1_000_000;

const MODE_TO_METHOD: Record<string, PruneMethod> = { unstructured: 'magnitude', structured: 'structured', random: 'random' };

/** Train (or fetch) every bench entry and run the pruning study. `storePath` is the JSONL record store. */
export async function runScenarioBench(
  scenario: Scenario,
  file: string,
  ctx: PipelineContext,
  options: { storePath: string; backend?: string; workers: number; queue?: string },
): Promise<BenchPhase> {
  const phase: BenchPhase = { records: new Map() };
  if (scenario.bench.length === 0) return phase;
  const choice = await initRuntime({ flag: options.backend, env: ctx.env });
  phase.backend = { name: choice.name, reason: choice.reason };
  // The harness's per-model learning rates (the scenario format has no learning-rate field).
  const progress = ctx.progress ?? SILENT_PROGRESS;
  const dense = scenario.bench.filter((b) => !b.pruning);
  if (dense.length > 0) progress.phase('bench', dense.length, `${dense.length} models to train on ${choice.name} (records already in the store are reused)`);
  for (const spec of dense) {
    let cached = false;
    const onProgress = (p: BenchProgress) => {
      if (p.phase === 'cached') cached = true;
      progress.tick();
    };
    const record = await runBenchmark(
      { ...benchConfigOf(spec), learningRate: DEFAULT_LEARNING_RATE[spec.model] },
      {
        deviceId: spec.device,
        devices: scenario.devices,
        storePath: options.storePath,
        useCache: true,
        backendReason: choice.reason,
        onProgress,
        ...scenarioPricing(scenario, spec),
      },
    );
    // Says which it was: read from the store, or trained now.
    progress.advance(`${spec.id}: ${spec.model}, k=${spec.accum}, ${cached ? 'cached' : `trained, ${record.metrics.wallSeconds.toFixed(1)} s`}`);
    phase.records.set(spec.id, record);
  }
  const pruning = scenario.bench.filter((b) => b.pruning);
  if (pruning.length > 0) phase.prune = await runPruning(scenario, file, pruning, phase, ctx, { ...options, backend: choice.name });
  return phase;
}

/** The pruning study one model's pruning entries describe (dense parent from the model's dense entry). */
export function pruneStudyOptionsFor(scenario: Scenario, model: BenchSpec['model'], group: readonly BenchSpec[], storePath: string): PruneStudyOptions {
  const first = group[0] as BenchSpec;
  const dense = scenario.bench.find((b) => b.model === model && !b.pruning);
  const modelOptions = Object.fromEntries(Object.entries(first.modelOptions ?? {}).filter((kv): kv is [string, number] => typeof kv[1] === 'number'));
  // The schedule as normalised by the scenario schema: a name, or a name with overrides.
  const given = first.pruning?.schedule;
  const kind = typeof given === 'object' ? given.kind : given;
  const { kind: _kind, ...overrides } = typeof given === 'object' ? given : { kind: undefined };
  const schedule = kind === undefined ? PRUNE_STUDY_DEFAULTS.schedule : kind === 'constant' ? 'constant' : 'polynomial';
  // Everything the entries leave out comes from the one defaults table `costsim prune` uses.
  return {
    model,
    modelOptions,
    seeds: [...new Set(group.map((e) => e.seed))],
    sparsities: [...new Set(group.map((e) => e.pruning?.sparsity ?? 0))].sort((a, b) => a - b),
    methods: [...new Set(group.map((e) => MODE_TO_METHOD[e.pruning?.mode ?? 'unstructured'] as PruneMethod))],
    scope: PRUNE_STUDY_DEFAULTS.threshold,
    schedule,
    scheduleOverrides: overrides,
    denseSteps: dense?.steps ?? PRUNE_STUDY_DEFAULTS.denseSteps,
    fineTuneSteps: first.steps ?? PRUNE_STUDY_DEFAULTS.steps,
    batchSize: first.batch,
    learningRate: DEFAULT_LEARNING_RATE[model],
    latencyBatchSize: PRUNE_STUDY_DEFAULTS.latencyBatch,
    latencyRounds: PRUNE_STUDY_DEFAULTS.latencyRounds,
    checkpointDir: join(dirname(storePath), 'prune-checkpoints'),
    // The group's entries agree on device and rate (scenario/check.ts): the first one's pricing is the study's.
    ...scenarioPricing(scenario, first),
  };
}

/** Records already in the store for a scenario's bench entries, and the entries that have none. Trains nothing. */
export interface StoredRecords {
  records: Map<string, BenchRecord>;
  missing: BenchSpec[];
}

/**
 * Look every bench entry up in the store under the cache key training would use on this
 * machine's backend (dense entries: the harness's key; pruned entries: the pruning study's
 * point keys). Nothing is trained or written.
 */
export async function storedScenarioRecords(
  scenario: Scenario,
  ctx: PipelineContext,
  options: { storePath: string; backend?: string },
): Promise<StoredRecords> {
  const found: StoredRecords = { records: new Map(), missing: [] };
  if (scenario.bench.length === 0) return found;
  const choice = await initRuntime({ flag: options.backend, env: ctx.env });
  for (const spec of scenario.bench.filter((b) => !b.pruning)) {
    const record = findStoredBenchmark(
      { ...benchConfigOf(spec), learningRate: DEFAULT_LEARNING_RATE[spec.model] },
      { deviceId: spec.device, devices: scenario.devices, storePath: options.storePath, backendReason: choice.reason, ...scenarioPricing(scenario, spec) },
    );
    if (record) found.records.set(spec.id, record);
    else found.missing.push(spec);
  }
  const pruning = scenario.bench.filter((b) => b.pruning);
  const stored = new Map<string, BenchRecord>();
  if (pruning.length > 0) for (const record of readRecords(options.storePath)) if (isPruneRecord(record)) stored.set(record.cacheKey, record);
  for (const model of [...new Set(pruning.map((e) => e.model))]) {
    const group = pruning.filter((e) => e.model === model);
    const plan = planPruneStudy(pruneStudyOptionsFor(scenario, model, group, options.storePath), environmentKey(choice.name), (group[0] as BenchSpec).device);
    for (const entry of group) {
      const method = MODE_TO_METHOD[entry.pruning?.mode ?? 'unstructured'];
      const cell = plan.cells.find((c) => c.method === method && c.sparsity === entry.pruning?.sparsity && c.seed === entry.seed);
      const record = cell ? stored.get(cell.key) : undefined;
      if (record) found.records.set(entry.id, record);
      else found.missing.push(entry);
    }
  }
  return found;
}

/**
 * Progress of one model's pruning study: a unit per dense parent and level of the sweep, then,
 * when the study times levels again alone after the pool has exited, that serial pass as its
 * own line and a unit per level. `labels` names points by their keys.
 */
export function pruneStudyProgress(
  progress: Progress,
  model: string,
  labels: ReadonlyMap<string, string>,
): Pick<StudyRunOptions, 'onEvent' | 'onSerialPass' | 'onLatencyEvent'> {
  const label = (key: string) => labels.get(key) ?? key;
  const levelLabel = (key: string) => label(key.startsWith(LATENCY_PREFIX) ? key.slice(LATENCY_PREFIX.length) : key);
  return {
    onEvent: (event) => {
      if (event.type === 'finished') progress.advance(`${label(event.key)}, ${event.wallSeconds.toFixed(1)} s`);
      else if (event.type === 'skipped') progress.advance(`${label(event.key)}, cached`);
      else progress.tick();
    },
    onSerialPass: (levels) =>
      progress.phase(
        'prune',
        levels,
        `${model}: ${levels} level(s) timed again, latency then training step, in one worker process alone now that the pool has exited`,
      ),
    onLatencyEvent: (event) => {
      if (event.type === 'finished') progress.advance(`${levelLabel(event.key)} timed alone, ${event.wallSeconds.toFixed(1)} s`);
      else if (event.type === 'failed' && !event.willRetry)
        progress.advance(`${levelLabel(event.key)}: timing alone failed, keeps its in-worker timing (contended): ${event.message}`);
      else progress.tick();
    },
  };
}

/**
 * Starts the 'prune' phase of one study (dense parents and levels, in `pool.workers` processes
 * or the job queue) and returns its progress callbacks, points named by what they are (method,
 * sparsity, seed) rather than by their cache keys. `costsim run` and `costsim prune` both use it.
 */
export function announcePruneStudy(
  progress: Progress,
  options: PruneStudyOptions,
  pool: { backend: string; deviceId: string; workers: number; queue?: string },
): Pick<StudyRunOptions, 'onEvent' | 'onSerialPass' | 'onLatencyEvent'> {
  const { model } = options;
  const plan = planPruneStudy(options, environmentKey(pool.backend), pool.deviceId);
  const labels = new Map<string, string>([
    ...plan.dense.map((p): [string, string] => [p.key, `${model} dense parent, seed ${p.params.spec.seed}`]),
    ...plan.cells.map((c): [string, string] => [c.key, `${model} ${c.method} ${Math.round(100 * c.sparsity)}% seed ${c.seed}`]),
  ]);
  progress.phase(
    'prune',
    plan.dense.length + plan.prune.length,
    `${model}: ${plan.dense.length} dense parent(s) and ${plan.prune.length} pruned levels (method × sparsity × seed) in ${pool.queue ? 'the job queue' : `${pool.workers} worker process(es)`}`,
  );
  return pruneStudyProgress(progress, model, labels);
}

/** One study per model over the pruning entries' methods, sparsities and seeds. */
async function runPruning(
  scenario: Scenario,
  file: string,
  entries: BenchSpec[],
  phase: BenchPhase,
  ctx: PipelineContext,
  options: { storePath: string; backend: string; workers: number; queue?: string },
): Promise<BenchPhase['prune']> {
  const progress = ctx.progress ?? SILENT_PROGRESS;
  const cells: PruneCell[] = [];
  const levels: PruneLevel[] = [];
  for (const model of [...new Set(entries.map((e) => e.model))]) {
    const group = entries.filter((e) => e.model === model);
    const first = group[0] as BenchSpec;
    const device = findDevice(first.device, scenario.devices);
    if (!device) throw new InputError({ file, path: `bench.${first.id}.device` }, `unknown device "${first.device}"`);
    const studyOptions = pruneStudyOptionsFor(scenario, model, group, options.storePath);
    const study = await runPruneStudy(studyOptions, {
      backend: options.backend,
      deviceId: device.id,
      // A scenario's own device is not in the workers' catalogue: they take it whole.
      device,
      storePath: options.storePath,
      workers: options.workers,
      ...(options.queue ? { queue: options.queue } : {}),
      ...announcePruneStudy(progress, studyOptions, { ...options, deviceId: device.id }),
    });
    const failed = study.summary.failed[0];
    if (failed) throw nonFiniteFromWorker(failed.message) ?? new Error(`pruning study point ${failed.key} failed: ${failed.message}`);
    for (const cell of study.plan.cells) {
      const record = study.records.get(cell.key);
      if (record) cells.push({ method: cell.method, sparsity: cell.sparsity, seed: cell.seed, record });
    }
    for (const entry of group) {
      const method = MODE_TO_METHOD[entry.pruning?.mode ?? 'unstructured'];
      const cell = cells.find((c) => c.method === method && c.sparsity === entry.pruning?.sparsity && c.seed === entry.seed);
      if (cell) phase.records.set(entry.id, cell.record);
    }
    // The payoff prices serving at the same rate as the records (this machine's own, when the entries give one), as `costsim prune` does.
    const rated = studyOptions.usdPerHour === undefined ? device : atGivenRate(device, studyOptions.usdPerHour, studyOptions.usdPerHourVia);
    const priced = { id: rated.id, usdPerHour: rated.usdPerHour.value, priceSource: `${rated.usdPerHour.source}, ${rated.usdPerHour.date}` };
    levels.push(...summarizeStudy(study.plan.cells, study.records, { requestsPerMonth: PAYOFF_REQUESTS_PER_MONTH, device: priced }).levels);
  }
  return { cells, levels };
}

/**
 * Records for every bench entry of `scenario`, as `simulate` and `equilibrium` need them. Taken
 * from the store only, unless `train` is set (then trained now, announced on stderr). Entries
 * missing from the store are an InputError that lists them and names the command that
 * produces them. Empty map when the scenario has no bench entries.
 */
export async function scenarioRecords(
  scenario: Scenario,
  file: string,
  ctx: PipelineContext,
  options: { storePath: string; workers: number; train: boolean; backend?: string },
): Promise<Map<string, BenchRecord>> {
  if (scenario.bench.length === 0) return new Map();
  const ids = (list: readonly BenchSpec[]) => list.map((b) => b.id).join(', ');
  if (options.train) {
    ctx.err(
      `costsim: --train: training the ${scenario.bench.length} bench entries of ${file} (${ids(scenario.bench)}); records already in the store are reused`,
    );
    return (await runScenarioBench(scenario, file, ctx, options)).records;
  }
  const { records, missing } = await storedScenarioRecords(scenario, ctx, options);
  if (missing.length === 0) return records;
  throw new InputError(
    { file, path: 'bench' },
    `${missing.length} of ${scenario.bench.length} bench records are not in the store ${relative(ctx.cwd, options.storePath) || options.storePath} (${ids(missing)}); nothing was trained. Produce them with \`costsim run ${file}\`, or add --train to train them now`,
  );
}
