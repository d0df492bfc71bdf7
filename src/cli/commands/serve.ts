/**
 * `costsim serve --model <shape id | transformer:...> --device <id> [--count N] [--dtype ...]
 * [--prompt-tokens P] [--output-tokens O] [--cache-hit F] [--min-tokens-per-second S]
 * [--max-ttft-seconds T] [--batch B] [--offload] [--json]` and `... --measure`: what a token
 * costs to serve (modeled), and the measured KV-cached decoder on this machine. Parses flags and
 * calls src/serve; every flag is checked before any work.
 */
import type { Command } from 'commander';
import type { CliContext } from '../context.ts';
import { UsageError } from '../../errors.ts';
import { DEFAULT_LOCAL_INSTANCE, DEVICE_CATALOG, defaultLocalInstance, findDevice, deviceIds, type Device } from '../../devices/index.ts';
import { probeBackends, defaultLoaders, initRuntime, readCpuInfo } from '../../runtime/index.ts';
import {
  planServing,
  type ServingPlan,
  parseCount,
  parseIntegerList,
  parseServeDtype,
  GPT2_DECODER,
  resolveShape,
  zooTransformerDecoder,
} from '../../serve/index.ts';
import { measureLocalServing, measureSweep, type MeasuredPoint, type Calibration, type DecoderShape } from '../../serve/measure/index.ts';

interface ServeOptions {
  model?: string;
  device?: string;
  count: string;
  dtype?: string;
  kvDtype?: string;
  promptTokens: string;
  outputTokens: string;
  cacheHit: string;
  minTokensPerSecond?: string;
  maxTtftSeconds?: string;
  batch?: string;
  offload?: boolean;
  json?: boolean;
  measure?: boolean;
  backend?: string;
  batches: string;
  contexts: string;
  steps: string;
  cpuMaxBatch: string;
  localPrice?: string;
}

const LOCAL = 'local-cpu';
const n = (v: number | null, digits = 3): string => (v === null ? 'n/a' : v.toPrecision(digits));

function formatPlan(p: ServingPlan): string {
  const head = `${p.model} on ${p.count} × ${p.device}, ${p.dtype} weights, ${p.kvDtype} KV (modeled)`;
  const mem = `memory: weights ${(p.memory.weightsBytes / 1e9).toFixed(2)} GB + KV ${(p.memory.kvCacheBytes / 1e9).toFixed(2)} GB of ${(p.memory.capacityBytes / 1e9).toFixed(2)} GB usable${p.memory.offloadedBytes ? `, ${(p.memory.offloadedBytes / 1e9).toFixed(2)} GB offloaded to host` : ''}`;
  if (!p.fits)
    return [head, mem, `does not fit: ${(p.memory.missingBytes / 1e9).toFixed(2)} GB missing. Would fit with:`, ...p.fitOptions.map((o) => `  ${o}`)].join(
      '\n',
    );
  if (!p.meetsTarget) return [head, mem, `target not met: ${p.unmet}`].join('\n');
  return [
    head,
    `batch ${p.batch} (bound by ${p.bottlenecks.batch}); TTFT ${n(p.ttftSeconds)} s, TPOT ${n(p.tpotSeconds)} s (${n(p.outputTokensPerSecondPerUser)} tokens/s per user)`,
    `per device: ${n(p.outputTokensPerSecondPerDevice)} output tokens/s (decode ${p.bottlenecks.decode}-bound), ${n(p.inputTokensPerSecondPerDevice)} prompt tokens/s (prefill ${p.bottlenecks.prefill}-bound)`,
    `USD per 1M tokens: input ${n(p.usdPerMInputTokens)}, cached input ${n(p.usdPerMCachedInputTokens)}, output ${n(p.usdPerMOutputTokens)}`,
    mem,
    ...p.provenance.map((l) => `  ${l}`),
  ].join('\n');
}

function formatMeasured(points: MeasuredPoint[], calibrations: Calibration[]): string {
  const lines = [
    'measured on this machine (KV-cached tfjs decoder) vs modeled local-cpu:',
    'backend  batch  context  prefill tok/s  decode tok/s  predicted  calibrated  measured/predicted',
  ];
  for (const p of points)
    lines.push(
      `${p.backend.padEnd(8)} ${String(p.batch).padStart(5)} ${String(p.contextTokens).padStart(8)} ${n(p.measuredPrefillTokensPerSecond).padStart(14)} ${n(p.measuredDecodeTokensPerSecond).padStart(13)} ${n(p.predictedDecodeTokensPerSecond).padStart(10)} ${n(p.calibratedDecodeTokensPerSecond).padStart(11)} ${(p.measuredDecodeTokensPerSecond / p.predictedDecodeTokensPerSecond).toFixed(3).padStart(8)}${p.inFit ? ' (fit)' : ''}`,
    );
  for (const c of calibrations)
    lines.push(
      `${c.backend}: decode factor ${c.decodeFactor.toFixed(3)} fitted on batches ${c.fitBatches.join(',')}; raw error ×${c.rawMaxError.toFixed(2)}, out-of-sample after calibration ×${c.outOfSampleMaxError.toFixed(2)} (batches ${c.checkBatches.join(',')})`,
    );
  return lines.join('\n');
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description(
      'What an LLM token costs to serve: best batch under a latency target, TTFT/TPOT, tokens/s and USD per 1M input, cached input and output tokens (modeled); --measure times a KV-cached decoder here.',
    )
    .option(
      '--model <id>',
      'model shape: gpt2, qwen2.5-7b, llama-3.1-8b, mixtral-8x7b, llama-3.1-70b, deepseek-v2, deepseek-v3, transformer, or transformer:layers=..,hidden=..,heads=..,seq=..,vocab=..[,kvHeads,ffn,mlp]',
    )
    .option('--device <id>', `catalogue device or ${LOCAL}`)
    .option('--count <n>', 'devices serving one replica (tensor / expert parallel; beyond a node over the network)', '1')
    .option('--dtype <dtype>', 'weight dtype: bf16, fp8, int8, int4 (fp32 on local-cpu by default)')
    .option('--kv-dtype <dtype>', 'KV-cache dtype (default: bf16, or fp32 on local-cpu)')
    .option('--prompt-tokens <n>', 'prompt tokens per request', '1000')
    .option('--output-tokens <n>', 'output tokens per request', '300')
    .option('--cache-hit <fraction>', 'share of prompt tokens served from a prompt cache, in [0, 1]', '0')
    .option('--min-tokens-per-second <s>', 'minimum output tokens/s each user sees')
    .option('--max-ttft-seconds <t>', 'maximum time to first token')
    .option('--batch <b>', 'fix the batch instead of searching for the best one')
    .option('--offload', 'allow weights / KV beyond device memory in host memory, streamed over the host link')
    .option('--measure', `time the KV-cached decoder on every available backend here (with --model gpt2 or transformer[:...], --device ${LOCAL})`)
    .option('--backend <name>', `backend for ${LOCAL} (default: best available; --measure: all available)`)
    .option('--batches <list>', 'batch sizes for --measure', '1,2,4,8,16,32,64')
    .option('--contexts <list>', 'context lengths (prompt tokens) for --measure', '64,256')
    .option('--steps <n>', 'decode steps timed per --measure point', '8')
    .option('--cpu-max-batch <n>', 'largest batch measured on the pure-JS cpu backend', '4')
    .option(
      '--local-price <id>',
      `catalogue CPU instance that prices ${LOCAL} (default: the one with this machine's vCPU count and CPU vendor, e.g. aws-c6i.large on 2 Intel vCPUs; else ${DEFAULT_LOCAL_INSTANCE})`,
    )
    .option('--json', 'print { plans, measured? } as JSON on stdout')
    .action(async (options: ServeOptions) => {
      // Check every flag before any work.
      if (!options.model) throw new UsageError('--model', 'is required');
      if (!options.device) throw new UsageError('--device', 'is required', `${LOCAL}, ${deviceIds().join(', ')}`);
      const shape = resolveShape(options.model, '--model');
      const isLocal = options.device === LOCAL;
      const catalogued = isLocal ? undefined : findDevice(options.device);
      if (!isLocal && !catalogued) throw new UsageError('--device', `unknown device "${options.device}"`, `${LOCAL}, ${deviceIds().join(', ')}`);
      const localPrice = options.localPrice ?? defaultLocalInstance(readCpuInfo()).id;
      const instance = findDevice(localPrice);
      if (!instance || instance.kind !== 'cpu')
        throw new UsageError(
          '--local-price',
          `"${localPrice}" is not a catalogue CPU instance`,
          DEVICE_CATALOG.filter((d) => d.kind === 'cpu')
            .map((d) => d.id)
            .join(', '),
        );
      const count = parseCount(options.count, '--count', { integer: true, min: 1, max: 4096 });
      const dtype = parseServeDtype(options.dtype ?? (isLocal ? 'fp32' : 'bf16'), '--dtype');
      const kvDtype = parseServeDtype(options.kvDtype ?? (isLocal ? 'fp32' : 'bf16'), '--kv-dtype');
      const promptTokens = parseCount(options.promptTokens, '--prompt-tokens', { integer: true, min: 0, max: 1e8 });
      const outputTokens = parseCount(options.outputTokens, '--output-tokens', { integer: true, min: 1, max: 1e8 });
      const cacheHitShare = parseCount(options.cacheHit, '--cache-hit', { min: 0, max: 1 });
      const target = {
        ...(options.minTokensPerSecond !== undefined
          ? { minOutputTokensPerSecondPerUser: parseCount(options.minTokensPerSecond, '--min-tokens-per-second') }
          : {}),
        ...(options.maxTtftSeconds !== undefined ? { maxTtftSeconds: parseCount(options.maxTtftSeconds, '--max-ttft-seconds') } : {}),
      };
      const batch = options.batch === undefined ? undefined : parseCount(options.batch, '--batch', { integer: true, min: 1, max: 1e6 });
      let measureShape: DecoderShape | undefined;
      let sweep: { batches: number[]; contexts: number[]; steps: number; cpuMaxBatch: number } | undefined;
      if (options.measure) {
        if (!isLocal) throw new UsageError('--measure', `measures this machine: use --device ${LOCAL} (GPU figures are modeled)`);
        if (options.model === 'gpt2') measureShape = GPT2_DECODER;
        else if (options.model === 'transformer') measureShape = zooTransformerDecoder();
        else if (options.model.startsWith('transformer:'))
          measureShape = { layers: shape.layers, hidden: shape.hiddenSize, heads: shape.heads, ffn: shape.intermediateSize, vocab: shape.vocabSize };
        else
          throw new UsageError(
            '--model',
            `--measure runs a decoder here: "${options.model}" is too large for this machine`,
            'gpt2, transformer, transformer:...',
          );
        sweep = {
          batches: parseIntegerList(options.batches, '--batches', 1024),
          contexts: parseIntegerList(options.contexts, '--contexts', 1 << 16),
          steps: parseCount(options.steps, '--steps', { integer: true, min: 1, max: 10_000 }),
          cpuMaxBatch: parseCount(options.cpuMaxBatch, '--cpu-max-batch', { integer: true, min: 1, max: 1024 }),
        };
      }

      let device = catalogued as Device;
      let efficiencies = {};
      if (isLocal) {
        await initRuntime({ flag: options.backend, env: ctx.env });
        const local = await measureLocalServing(instance);
        device = local.device;
        efficiencies = { layerOverheadSeconds: local.layerOverheadSeconds };
      }
      const plan = planServing({
        shape,
        device,
        count,
        dtype,
        kvDtype,
        workload: { promptTokens, outputTokens, cacheHitShare },
        target,
        efficiencies,
        ...(batch !== undefined ? { batch } : {}),
        offload: options.offload === true,
      });
      let measured: { points: MeasuredPoint[]; calibrations: Calibration[] } | undefined;
      if (measureShape && sweep) {
        const available = (await probeBackends(defaultLoaders())).filter((p) => p.available).map((p) => p.name);
        const backends = options.backend ? [options.backend] : available;
        measured = await measureSweep(measureShape, options.model, {
          backends,
          ...sweep,
          instance,
          onPoint: (p) => {
            if (!options.json || ctx.isTTY)
              ctx.err(`measured ${p.backend} batch ${p.batch} context ${p.contextTokens}: decode ${p.measuredDecodeTokensPerSecond.toPrecision(3)} tokens/s`);
          },
        });
      }
      if (options.json) ctx.out(JSON.stringify({ plans: [plan], ...(measured ? { measured: measured.points } : {}) }));
      else ctx.out([formatPlan(plan), ...(measured ? [formatMeasured(measured.points, measured.calibrations)] : [])].join('\n\n'));
    });
}
