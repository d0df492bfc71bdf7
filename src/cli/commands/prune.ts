/**
 * `costsim prune --model cnn --sparsity 0,0.5,0.75,0.9 --mode unstructured|structured|random
 *   --schedule constant|polynomial [--volume N] [--device ID] [--accuracy-floor A] [--json]`:
 * prune for real (dense parent per seed, then every level fine-tuned and measured in worker
 * processes, latency and training step timed again serially once the pool has exited when several
 * workers ran; progress on stderr as in `costsim run`),
 * store each result as a BenchRecord, and print accuracy, size, FLOPs, latency and the payoff
 * per level. Reruns reuse stored levels.
 */
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  atGivenRate,
  DEFAULT_LEARNING_RATE,
  defaultStorePath,
  numberFlag,
  parsePruneFlags,
  PRUNE_DEFAULTS,
  type PruneFlags,
  LATENCY_PREFIX,
  runPruneStudy,
  type StudyResult,
  summarizeStudy,
  formatStudy,
  type StudyHeader,
} from '../../bench/index.ts';
import type { CliContext } from '../context.ts';
import { CostsimError, UsageError } from '../../errors.ts';
import {
  DEFAULT_LOCAL_INSTANCE,
  defaultLocalInstance,
  deviceIds,
  findDevice,
  gridRegions,
  instanceMismatch,
  measuredPricingProblem,
} from '../../devices/index.ts';
import { initRuntime, readCpuInfo } from '../../runtime/index.ts';
import { resolveWorkerCount, resolveQueueUrl } from '../../sweep/index.ts';
import { announcePruneStudy } from '../../pipeline/index.ts';
import { commandProgress } from '../progress.ts';

/** The device that prices results when --device is not given and the catalogue has no twin of this machine (defaultLocalInstance). */
export const DEFAULT_PRUNE_DEVICE = DEFAULT_LOCAL_INSTANCE;
const DEFAULT_VOLUME = 1_000_000;

interface PruneCommandFlags extends PruneFlags {
  volume?: string;
  device?: string;
  accuracyFloor?: string;
  workers?: string;
  queue?: string;
  store?: string;
  backend?: string;
  json?: boolean;
  quiet?: boolean;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * `--json`'s counts of levels this invocation timed again in the serial pass (one worker
 * process alone, after the pool had exited), read from the stored records: `latencyRetimed`
 * levels whose latency is now the serial pass's, `trainStepRetimed` those whose training step
 * is. The pass times both for each level and a level's record is replaced only when both
 * succeeded, so the two are equal unless a record was replaced since; a failed serial point
 * counts in neither (it is in `latencyFailed`), and levels taken from the store (a rerun) count 0.
 */
export function retimedCounts(study: Pick<StudyResult, 'latency' | 'records'>): { latencyRetimed: number; trainStepRetimed: number } {
  const retimed = study.latency.ran.map((key) => study.records.get(key.slice(LATENCY_PREFIX.length))?.prune);
  return {
    latencyRetimed: retimed.filter((p) => p?.latencyTiming?.where === 'serial').length,
    trainStepRetimed: retimed.filter((p) => p?.trainStepTiming?.where === 'serial').length,
  };
}

export function registerPrune(program: Command, ctx: CliContext): void {
  program
    .command('prune')
    .description('Prune zoo models for real (magnitude, structured, random), fine-tune, and measure accuracy, FLOPs, latency and whether it pays off.')
    .option('--model <name>', `zoo model: mlp, cnn, transformer (default ${PRUNE_DEFAULTS.model})`)
    .option('--opt <key=value>', 'model option, repeatable (e.g. --opt filters1=8)', collect)
    .option('--sparsity <list>', `comma-separated sparsity levels in [0,1) (default ${PRUNE_DEFAULTS.sparsity})`)
    .option('--mode <list>', `unstructured, structured, random; comma-separated for several (default ${PRUNE_DEFAULTS.mode})`)
    .option('--threshold <scope>', 'unstructured magnitude threshold: layer or global (default layer)')
    .option('--schedule <kind>', 'constant or polynomial (TFMOT semantics; default constant)')
    .option('--begin-step <n>', 'first fine-tuning step that prunes (default 0)')
    .option('--end-step <n>', 'last step that updates masks (polynomial default: begin + 10 × frequency)')
    .option('--frequency <n>', 'steps between mask updates (constant default 100; polynomial default ≈ 6% of --steps)')
    .option('--power <p>', 'polynomial decay exponent (default 3)')
    .option('--initial-sparsity <s>', 'polynomial starting sparsity (default 0)')
    .option('--steps <n>', `fine-tuning steps per level (default ${PRUNE_DEFAULTS.steps})`)
    .option('--dense-steps <n>', `training steps of the dense parent (default ${PRUNE_DEFAULTS.denseSteps})`)
    .option('--batch-size <n>', `training batch size (default ${PRUNE_DEFAULTS.batchSize})`)
    .option(
      '--learning-rate <lr>',
      `Adam learning rate (default: the harness's per-model rate, ${Object.entries(DEFAULT_LEARNING_RATE)
        .map(([m, r]) => `${m} ${r}`)
        .join(', ')})`,
    )
    .option('--seeds <list>', `comma-separated seeds; levels report mean ± std over them (default ${PRUNE_DEFAULTS.seeds})`)
    .option('--volume <requests>', `inference requests per month for the payoff (default ${DEFAULT_VOLUME.toLocaleString('en-US')})`)
    .option(
      '--device <id>',
      `catalogue CPU instance whose $/hour prices runs and serving (default: the one with this machine's vCPU count and CPU vendor, e.g. aws-c6i.large on 2 Intel vCPUs, aws-c6a.large on 2 AMD ones; else ${DEFAULT_PRUNE_DEVICE})`,
    )
    .option('--usd-per-hour <rate>', "this machine's own rate (USD per hour) for the measured seconds, instead of the --device instance's catalogue price")
    .option(
      '--grid-region <id>',
      `electricity grid the carbon is computed for: ${gridRegions().join(', ')} (default world; cited table in src/devices/carbon.ts)`,
    )
    .option('--pue <x>', "data-centre power usage effectiveness, 1 to 3, multiplying the energy for carbon (default 1, CodeCarbon's)")
    .option('--accuracy-floor <a>', 'flag levels whose test accuracy falls below this (0–1)')
    .option('--latency-batch <n>', `the "large batch" for latency (default ${PRUNE_DEFAULTS.latencyBatch})`)
    .option('--latency-rounds <n>', `interleaved timing rounds (default ${PRUNE_DEFAULTS.latencyRounds})`)
    .option('--latency-ms <ms>', 'how long each latency timing lasts (default 200)')
    .option('--data-limit <n>', 'use only the first N examples (quick runs)')
    .option('--workers <n>', 'worker processes (default: one per core)')
    .option(
      '--queue <url>',
      'run the points on a Redis job queue, redis://host:port[/db], served by `costsim worker` (default: COSTSIM_QUEUE; else local workers)',
    )
    .option('--store <path>', 'BenchRecord store (default .costsim/records.jsonl)')
    .option('--backend <name>', 'force a backend (tensorflow, native, wasm, cpu)')
    .option('--json', 'print one JSON object on stdout')
    .option('--quiet', 'no progress on stderr (by default: a bar on a terminal, else a line per phase and one at least every 10 s)')
    .action(async (flags: PruneCommandFlags) => {
      const storePath = flags.store ? resolve(ctx.cwd, flags.store) : defaultStorePath(ctx.cwd);
      const options = parsePruneFlags(flags, join(dirname(storePath), 'prune-checkpoints'));
      // Unnamed, the instance is the catalogue's twin of this machine (vCPUs and CPU vendor), else the default.
      const deviceId = flags.device ?? defaultLocalInstance(readCpuInfo()).id;
      const instance = findDevice(deviceId);
      if (!instance) throw new UsageError('--device', `unknown device "${deviceId}"`, deviceIds().join(', '));
      // The payoff prices serving at the same rate as the records (this machine's own, when given).
      const device = options.usdPerHour === undefined ? instance : atGivenRate(instance, options.usdPerHour);
      const notHere = measuredPricingProblem(device);
      if (notHere) throw new UsageError('--device', notHere);
      const requestsPerMonth = numberFlag('--volume', flags.volume, { min: 0 }) ?? DEFAULT_VOLUME;
      const accuracyFloor = numberFlag('--accuracy-floor', flags.accuracyFloor, { min: 0, max: 1 });
      const workers = resolveWorkerCount(numberFlag('--workers', flags.workers, { integer: true, min: 1 }), ctx.env);
      const queue = resolveQueueUrl(flags.queue, ctx.env);
      const choice = await initRuntime({ flag: flags.backend, env: ctx.env });
      // The same progress as `costsim run`'s pruning phase: the sweep, then the serial pass as its own line.
      const progress = commandProgress(ctx, { ...(flags.quiet ? { quiet: true } : {}) });
      const pool = { backend: choice.name, deviceId: device.id, workers, ...(queue ? { queue } : {}) };
      const study = await runPruneStudy(options, {
        ...pool,
        storePath,
        ...announcePruneStudy(progress, options, pool),
      }).finally(() => progress.done());
      const priced = { id: device.id, usdPerHour: device.usdPerHour.value, priceSource: `${device.usdPerHour.source}, ${device.usdPerHour.date}` };
      const { levels, missing } = summarizeStudy(study.plan.cells, study.records, {
        requestsPerMonth,
        device: priced,
        ...(accuracyFloor !== undefined ? { accuracyFloor } : {}),
      });
      const failed = study.summary.failed;
      const latencyFailed = study.latency.failed;
      const problems = [
        ...failed.map((f) => `${f.key} failed: ${f.message}`),
        ...latencyFailed.map(
          (f) => `${f.key} failed (that level keeps the latency timed in its sweep worker, beside other workers; a rerun times it again): ${f.message}`,
        ),
        ...missing.map((m) => `no result for ${m.mode} at sparsity ${m.sparsity}`),
      ];
      const header: StudyHeader = {
        model: options.model,
        modelOptions: options.modelOptions,
        backend: choice.name,
        seeds: options.seeds,
        denseSteps: options.denseSteps,
        fineTuneSteps: options.fineTuneSteps,
        schedule: options.schedule,
        scope: options.scope,
        device: { id: device.id, usdPerHour: device.usdPerHour.value, source: priced.priceSource },
        requestsPerMonth,
        ...(accuracyFloor !== undefined ? { accuracyFloor } : {}),
      };
      const ran = [...study.records.values()][0]?.environment;
      const mismatch =
        options.usdPerHour === undefined && ran !== undefined ? instanceMismatch(device, { cores: ran.cpuCores, model: ran.cpuModel }) : undefined;
      if (mismatch) ctx.err(`costsim prune: warning: ${mismatch}`);
      if (flags.json) {
        const { latencyRetimed, trainStepRetimed } = retimedCounts(study);
        ctx.out(
          JSON.stringify({
            ...header,
            backendReason: choice.reason,
            store: storePath,
            skipped: study.prune.skipped.length,
            latencyRetimed,
            trainStepRetimed,
            levels,
            missing,
            failed,
            latencyFailed,
          }),
        );
      } else {
        ctx.out(formatStudy(header, levels, problems));
      }
      if (levels.length === 0) throw new CostsimError(`no pruning level produced a result: ${problems.join('; ')}`);
    });
}
