/**
 * `costsim bench --model mlp|cnn|transformer [--steps N | --target-accuracy A] [--batch B]
 * [--accum K] [--backend X] [--seed S] [--device ID] [--runs N] [--json]`: N seeded training
 * runs (default 5 with a target accuracy, else 1) scored as MLPerf Training scores
 * time-to-train, priced on the machine that ran them, one record appended to the store.
 */
import type { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import type { CliContext } from '../context.ts';
import { parseAccumSweep, runAccumulationSweep } from '../../pipeline/index.ts';
import { UsageError } from '../../errors.ts';
import { initRuntime, readCpuInfo } from '../../runtime/index.ts';
import {
  DEFAULT_LOCAL_INSTANCE,
  defaultLocalInstance,
  measuredPricingProblem,
  deviceIds,
  findDevice,
  gridRegions,
  instanceMismatch,
} from '../../devices/index.ts';
import { isAbsolute, join } from 'node:path';
import {
  type BenchConfig,
  type BenchRecord,
  makeBenchConfig,
  type BenchConfigInput,
  runBenchmark,
  checkGridOptions,
  checkUsdPerHour,
  type BenchProgress,
  defaultBenchRuns,
  TARGET_RUNS_DEFAULT,
} from '../../bench/index.ts';

/** The device that prices a run when --device is not given and the catalogue has no twin of this machine (defaultLocalInstance). Printed with every run and recorded in it. */
export const DEFAULT_BENCH_DEVICE = DEFAULT_LOCAL_INSTANCE;
/** How --help states the default instance. */
const DEFAULT_DEVICE_HELP = `default: the catalogue instance with this machine's vCPU count and CPU vendor, e.g. aws-c6i.large on 2 Intel vCPUs, aws-c6a.large on 2 AMD ones; else ${DEFAULT_BENCH_DEVICE}`;

const description =
  'Train a zoo model for real (to a target validation accuracy or a step budget) and record wall time, ' +
  "FLOPs (analytic and traced), utilisation against this backend's GEMM rate, peak memory, energy and dollars " +
  `on a catalogue CPU instance (${DEFAULT_DEVICE_HELP}). Appends a BenchRecord to the JSONL store.`;

interface BenchFlags {
  model?: string;
  steps?: string;
  targetAccuracy?: string;
  batch?: string;
  accum?: string;
  backend?: string;
  seed?: string;
  lr?: string;
  optimizer?: string;
  device?: string;
  opt: string[];
  store?: string;
  cache?: boolean;
  evalEvery?: string;
  runs?: string;
  accumSweep?: string;
  checkpoint?: boolean;
  gridRegion?: string;
  pue?: string;
  usdPerHour?: string;
  json?: boolean;
}

/** A number from a flag; anything else is a UsageError naming the flag. */
function parseNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(flag, `must be a number (got "${value}")`);
  return n;
}

/** `--opt key=value` pairs into model options (values must be numbers). */
function parseModelOptions(pairs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(pair);
    if (!match) throw new UsageError('--opt', `expected key=value (got "${pair}")`, 'e.g. --opt width=256');
    out[match[1] as string] = parseNumber(match[2], `--opt ${match[1]}`) as number;
  }
  return out;
}

/** The BenchConfig the flags ask for (validated later by makeBenchConfig). */
export function configFromFlags(flags: BenchFlags): BenchConfigInput {
  if (!flags.model) throw new UsageError('--model', 'is required', 'mlp, cnn, transformer');
  const config: BenchConfigInput = { model: flags.model, modelOptions: parseModelOptions(flags.opt) };
  const set = <K extends keyof BenchConfig>(key: K, value: BenchConfig[K] | undefined): void => {
    if (value !== undefined) (config as Partial<BenchConfig>)[key] = value;
  };
  set('maxSteps', parseNumber(flags.steps, '--steps'));
  set('targetAccuracy', parseNumber(flags.targetAccuracy, '--target-accuracy'));
  set('batchSize', parseNumber(flags.batch, '--batch'));
  set('accumulationSteps', parseNumber(flags.accum, '--accum'));
  set('seed', parseNumber(flags.seed, '--seed'));
  set('learningRate', parseNumber(flags.lr, '--lr'));
  set('optimizer', flags.optimizer);
  if (flags.checkpoint) config.checkpoint = true;
  return config;
}

function formatRecord(record: BenchRecord, deviceNote: string, storePath: string | undefined): string {
  const m = record.metrics;
  const c = record.config;
  const e = record.environment;
  const g = (flops: number): string => `${(flops / 1e9).toFixed(3)} GFLOP`;
  const target = c.targetAccuracy !== undefined ? ` (target ${c.targetAccuracy}: ${m.reachedTarget ? 'reached' : 'not reached'})` : '';
  const kind = (path: string): string => record.provenance[path]?.kind ?? 'measured';
  return [
    `model ${c.model} ${JSON.stringify(c.modelOptions)}, micro-batch ${c.batchSize} × ${c.accumulationSteps} accumulation, ${c.optimizer} lr ${c.learningRate}, seed ${c.seed}`,
    `backend ${e.backend} (${e.backendReason}); device ${e.deviceId}${deviceNote}${e.usdPerHourGiven !== undefined ? `, priced at this machine's own ${e.usdPerHourGiven} USD/h (--usd-per-hour)` : ''}`,
    `${m.validationAccuracy !== undefined ? `validation accuracy ${m.validationAccuracy.toFixed(4)}${target} (decides stopping), ` : ''}test accuracy ${m.testAccuracy.toFixed(4)}${m.validationAccuracy === undefined ? target : ' (reported only)'} after ${m.steps} steps, ${m.samples} samples`,
    `wall ${m.wallSeconds.toFixed(2)} s (measured${(record.runs?.length ?? 1) >= 3 ? `, mean of ${(record.runs?.length ?? 0) - 2} runs after dropping the fastest and slowest of ${record.runs?.length}` : ''})` +
      (m.wallSecondsCi95 ? `, 95% interval [${m.wallSecondsCi95[0].toFixed(2)}, ${m.wallSecondsCi95[1].toFixed(2)}] s` : '') +
      `, ${(m.stepSeconds * 1000).toFixed(1)} ms/step`,
    ...(record.runs && record.runs.length > 1
      ? [
          `runs: ${record.runs.map((r) => `seed ${r.seed} ${r.wallSeconds.toFixed(2)} s${c.targetAccuracy !== undefined ? (r.reachedTarget ? '' : ' (missed target)') : ''}`).join(', ')}`,
        ]
      : []),
    `FLOPs per step: analytic ${g(m.flops.analyticTrainStep)}, traced ${g(m.flops.tracedTrainStep)}; forward ${(m.flops.forwardPerSample / 1e6).toFixed(3)} MFLOP/sample`,
    `achieved ${m.achievedGflops.toFixed(2)} GFLOP/s = ${(m.utilisation * 100).toFixed(1)}% of ${m.gemmGflops.toFixed(2)} GFLOP/s GEMM (both measured now)`,
    `peak tensor memory ${(m.peakBytes / 2 ** 20).toFixed(1)} MiB (tfjs logical bytes)` +
      (m.physicalMemory
        ? `; process peak RSS ${(m.physicalMemory.peakRssBytes / 2 ** 20).toFixed(1)} MiB${m.physicalMemory.wasmHeapBytes !== undefined ? `, wasm heap ${(m.physicalMemory.wasmHeapBytes / 2 ** 20).toFixed(1)} MiB` : ''} (physical, process high-water)`
        : '') +
      `; params ${m.params}`,
    ...(m.checkpoint ? [checkpointLine(m.checkpoint)] : []),
    ...(m.accumulationEquivalence
      ? [
          `accumulation is not one batch of ${c.batchSize * c.accumulationSteps}: batch norm per micro-batch changes the update by ${(100 * m.accumulationEquivalence.updateRelativeDifference).toFixed(2)}% and the moving statistics by ${(100 * m.accumulationEquivalence.movingStatsRelativeDifference).toFixed(1)}% (measured, relative L2)`,
        ]
      : []),
    `energy ${m.energyJoules.toFixed(1)} J (${kind('metrics.energyJoules')}); carbon ${(m.carbonGrams ?? Number.NaN).toFixed(3)} g CO2e (${kind('metrics.carbonGrams')}, grid ${record.environment.grid ? `${record.environment.grid.region}, PUE ${record.environment.grid.pue}` : 'world average, PUE 1'}); cost $${m.costUsd.toFixed(6)} (${kind('metrics.costUsd')})`,
    storePath ? `record ${record.id} appended to ${storePath}` : `record ${record.id}`,
  ].join('\n');
}

/** One line: checkpointed vs plain, measured, and the placement model's prediction. */
function checkpointLine(c: NonNullable<BenchRecord['metrics']['checkpoint']>): string {
  const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
  const predicted = c.predicted
    ? `; placement model (recompute=full) predicts activations ×${c.predicted.activationBytesRatio.toFixed(2)}, FLOPs ×${c.predicted.stepFlopsRatio.toFixed(2)} (modeled)`
    : '';
  return (
    `checkpointing: peak tensor memory ${mib(c.checkpointed.peakBytes)} vs ${mib(c.plain.peakBytes)} plain (transient ${mib(c.checkpointed.transientPeakBytes)} vs ${mib(c.plain.transientPeakBytes)}; tfjs logical bytes), ` +
    `step ${(c.checkpointed.stepSeconds * 1000).toFixed(1)} vs ${(c.plain.stepSeconds * 1000).toFixed(1)} ms (measured); gradients differ by at most ${c.gradientMaxRelativeDifference.toExponential(1)} (relative)${predicted}`
  );
}

/** A progress bar on stderr (TTY only): steps, loss, accuracy, ETA. */
function progressBar(maxSteps: number): { update(p: BenchProgress): void; stop(): void } {
  const bar = new SingleBar({
    stream: process.stderr,
    format: 'bench {bar} {value}/{total} steps | loss {loss} | acc {acc} | {phase} | ETA {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(maxSteps, 0, { loss: '-', acc: '-', phase: 'setup' });
  return {
    update: (p) =>
      bar.update(p.step, {
        phase: p.phase,
        ...(p.loss !== undefined ? { loss: p.loss.toFixed(4) } : {}),
        ...(p.testAccuracy !== undefined ? { acc: p.testAccuracy.toFixed(3) } : {}),
      }),
    stop: () => bar.stop(),
  };
}

export function registerBench(program: Command, ctx: CliContext): void {
  program
    .command('bench')
    .description(description)
    .option('--model <name>', 'zoo model: mlp, cnn, transformer')
    .option('--steps <n>', 'optimizer steps (the budget when --target-accuracy is set; default 200, or 2000 with a target)')
    .option(
      '--target-accuracy <a>',
      'stop when validation accuracy (a split held out of the training data) reaches a, in (0, 1]; the test split is only reported',
    )
    .option('--batch <b>', 'micro-batch size (default 64)')
    .option('--accum <k>', 'micro-batches per optimizer step (gradient accumulation; default 1)')
    .option('--backend <name>', 'force a backend (tensorflow, native, wasm, cpu)')
    .option('--seed <s>', 'seed of data split, weights and sample order (default 0)')
    .option('--lr <rate>', 'learning rate (default per model)')
    .option('--optimizer <name>', 'adam or sgd (default adam)')
    .option('--device <id>', `CPU instance this machine is priced as (${DEFAULT_DEVICE_HELP}); a GPU is refused: it never ran the job`)
    .option(
      '--opt <key=value>',
      'model option, repeatable (mlp: width, depth; cnn: filters1, filters2, dense; transformer: dModel, heads, layers, mlpRatio, digits)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('--store <path>', 'JSONL record store (default .costsim/records.jsonl)')
    .option('--cache', 'reuse a stored record with the same config and environment instead of training')
    .option('--eval-every <n>', 'evaluate every n steps when a target is set (default 25)')
    .option(
      '--runs <n>',
      `seeded runs (seed, seed + 1, ...) scored as MLPerf Training does: fastest and slowest dropped, mean with a 95% interval (default ${TARGET_RUNS_DEFAULT} with --target-accuracy, else 1 so a plain run stays fast)`,
    )
    .option(
      '--checkpoint',
      "gradient checkpointing: recompute each block during backward; the record sets it against plain training (memory, step time, gradients) and the placement model's recompute=full prediction",
    )
    .option('--accum-sweep <ks>', 'instead of a run: peak memory and time per step for each k (e.g. 1,2,4,8) at --batch samples per step')
    .option('--usd-per-hour <rate>', "this machine's own rate (USD per hour) for the measured seconds, instead of the --device instance's catalogue price")
    .option(
      '--grid-region <id>',
      `electricity grid the carbon is computed for: ${gridRegions().join(', ')} (default world; cited table in src/devices/carbon.ts)`,
    )
    .option('--pue <x>', "data-centre power usage effectiveness, 1 to 3, multiplying the energy for carbon (default 1, CodeCarbon's)")
    .option('--json', 'print the BenchRecord as one JSON object on stdout')
    .action(async (flags: BenchFlags) => {
      const config = makeBenchConfig(configFromFlags(flags)); // bad flags fail before any backend loads
      const evalEvery = parseNumber(flags.evalEvery, '--eval-every');
      if (evalEvery !== undefined && !(Number.isInteger(evalEvery) && evalEvery > 0))
        throw new UsageError('--eval-every', `must be a positive integer (got ${evalEvery})`);
      const runs = parseNumber(flags.runs, '--runs') ?? defaultBenchRuns(config.targetAccuracy !== undefined);
      if (!(Number.isInteger(runs) && runs >= 1 && runs <= 50))
        throw new UsageError('--runs', `must be an integer from 1 to 50 (got ${runs})`, 'MLPerf Training scores 5 or more runs');
      // Unnamed, the instance is the catalogue's twin of this machine (vCPUs and CPU vendor), else the default.
      const deviceId = flags.device ?? defaultLocalInstance(readCpuInfo()).id;
      const pricedOn = findDevice(deviceId);
      if (!pricedOn) throw new UsageError('--device', `unknown device "${deviceId}"`, deviceIds().join(', '));
      const notHere = measuredPricingProblem(pricedOn);
      if (notHere) throw new UsageError('--device', notHere);
      const deviceNote = flags.device ? '' : ' (default; choose another with --device)';
      const pue = parseNumber(flags.pue, '--pue');
      const usdPerHourFlag = parseNumber(flags.usdPerHour, '--usd-per-hour');
      const usdPerHour = usdPerHourFlag === undefined ? undefined : checkUsdPerHour(usdPerHourFlag);
      const grid = checkGridOptions({ ...(flags.gridRegion !== undefined ? { region: flags.gridRegion } : {}), ...(pue !== undefined ? { pue } : {}) });
      const storePath = flags.store ? (isAbsolute(flags.store) ? flags.store : join(ctx.cwd, flags.store)) : join(ctx.cwd, '.costsim', 'records.jsonl');

      if (flags.accumSweep !== undefined) {
        const ks = parseAccumSweep(flags.accumSweep, config.batchSize);
        await initRuntime({ flag: flags.backend, env: ctx.env });
        await runAccumulationSweep(config, ks, flags.steps !== undefined ? config.maxSteps : 3, ctx, Boolean(flags.json));
        return;
      }
      const choice = await initRuntime({ flag: flags.backend, env: ctx.env });
      if (!flags.json && ctx.isTTY) ctx.err(`costsim bench: ${config.model} on ${choice.name}, priced on device ${deviceId}${deviceNote}`);
      const bar = ctx.isTTY ? progressBar(config.maxSteps) : undefined;
      let record: BenchRecord;
      try {
        record = await runBenchmark(config, {
          deviceId,
          storePath,
          useCache: Boolean(flags.cache),
          runs,
          backendReason: choice.reason,
          cwd: ctx.cwd,
          ...(grid ? { grid } : {}),
          ...(usdPerHour !== undefined ? { usdPerHour } : {}),
          ...(evalEvery !== undefined ? { evalEvery } : {}),
          ...(bar ? { onProgress: bar.update } : {}),
        });
      } finally {
        bar?.stop();
      }
      const mismatch =
        record.environment.usdPerHourGiven === undefined
          ? instanceMismatch(pricedOn, { cores: record.environment.cpuCores, model: record.environment.cpuModel })
          : undefined;
      if (mismatch) ctx.err(`costsim bench: warning: ${mismatch}`);
      ctx.out(flags.json ? JSON.stringify(record) : formatRecord(record, deviceNote, storePath));
    });
}
