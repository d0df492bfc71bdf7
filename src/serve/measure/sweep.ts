/**
 * The measured sweep: the KV-cached decoder timed on each backend over batch sizes and
 * context lengths, beside the serving model's prediction for this machine from the GEMM rate
 * and memory bandwidth measured on the spot, and a calibration factor per backend fitted on
 * some batch sizes and checked on the others (out of sample).
 */
import { initRuntime, tf } from '../../runtime/index.ts';
import { measureLocalCpu, localCpuDevice, pricingFromInstance } from '../../devices/local.ts';
import { DEFAULT_LOCAL_INSTANCE, findDevice } from '../../devices/catalog.ts';
import type { Device } from '../../devices/types.ts';
import { evaluateBatch } from '../model.ts';
import type { ModelShape } from '../shapes.ts';
import { createDecoder, disposeCache, disposeDecoder, forward, type DecoderShape } from './decoder.ts';
import { fitCalibration, type Calibration } from './calibrate.ts';

/** One measured point: the JSON fields the issue names plus the raw ratio. */
export interface MeasuredPoint {
  backend: string;
  batch: number;
  contextTokens: number;
  measuredPrefillTokensPerSecond: number;
  measuredDecodeTokensPerSecond: number;
  predictedPrefillTokensPerSecond: number;
  predictedDecodeTokensPerSecond: number;
  /** predicted × the backend's calibration factor (null when the backend has no fit points). */
  calibratedDecodeTokensPerSecond: number | null;
  /** Whether this batch size was used to fit the factor (false = out of sample). */
  inFit: boolean;
  /**
   * The model's decode step at efficiency 1, by term (seconds): compute (FLOPs ÷ measured GEMM
   * rate), the weight stream and the KV-cache read (bytes ÷ measured matrix-vector bandwidth)
   * and op dispatch (layers × measured per-layer overhead). The calibration fits an efficiency
   * to each (src/serve/measure/calibrate.ts).
   */
  decodeTerms?: { computeSeconds: number; weightsSeconds: number; kvSeconds: number; overheadSeconds: number };
}

export interface SweepOptions {
  backends: string[];
  batches: number[];
  contexts: number[];
  /** Decode steps timed per point. */
  steps: number;
  /** Largest batch on the pure-JS cpu backend (it is ~100× slower than native). */
  cpuMaxBatch: number;
  /** Catalogue CPU instance that prices this machine (default aws-c6a.large; the CLI and `costsim run` pass this machine's twin, defaultLocalInstance). */
  instance?: Device;
  /** Called after each point, for progress on stderr. */
  onPoint?: (p: MeasuredPoint) => void;
  /**
   * Largest batch × context prefilled at once (default: no limit); larger points are skipped (and
   * not fitted), never attempted. Not the logits: prefill computes them for the last position only
   * (test/serve/decoder.test.ts). GPT-2 at 32 × 256 still aborts on `native` with a wasm "memory
   * access out of bounds" (2026-12-02; weights 0.5 GB + a 0.6 GB KV cache held twice while a step
   * concatenates, on the wasm heap the addon's tensors live in), cause not yet isolated.
   */
  maxPrefillTokens?: number;
}

export interface SweepResult {
  points: MeasuredPoint[];
  calibrations: Calibration[];
  devices: Record<string, Device>;
  /** Measured layerOverheadSeconds per backend. */
  overheads: Record<string, number>;
}

/** The measured decoder's shape as a serving-model shape (fp32, tied embeddings, no biases). */
export function decoderAsShape(d: DecoderShape, id: string): ModelShape {
  return {
    id,
    name: id,
    layers: d.layers,
    hiddenSize: d.hidden,
    heads: d.heads,
    kvHeads: d.heads,
    headDim: d.hidden / d.heads,
    intermediateSize: d.ffn,
    mlp: 'plain',
    vocabSize: d.vocab,
    tiedEmbeddings: true,
    positionEmbeddings: 0,
    norm: 'rmsnorm',
    biases: 'none',
    maxContextTokens: 1 << 20,
    source: 'the measured tfjs decoder (src/serve/measure/decoder.ts)',
    date: 'n/a',
    published: { totalParams: 0, source: 'none: a measurement shape' },
  };
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

/** Prefill `context` tokens for `batch` sequences, then `steps` decode steps; tokens/s of each. */
async function timePoint(d: ReturnType<typeof createDecoder>, batch: number, context: number, steps: number): Promise<{ prefill: number; decode: number }> {
  const prompt = Array.from({ length: batch }, (_, b) => Array.from({ length: context }, (_, t) => (b * 31 + t * 7) % d.shape.vocab));
  let start = performance.now();
  const first = forward(d, prompt, undefined);
  const logits = first.logits;
  let cache = first.cache;
  await logits.data();
  const prefillSeconds = seconds(start);
  let next = (await tf.argMax(logits, -1).array()) as number[];
  logits.dispose();
  start = performance.now();
  for (let i = 0; i < steps; i++) {
    const out = forward(
      d,
      next.map((t) => [t]),
      cache,
    );
    disposeCache(cache);
    cache = out.cache;
    const ids = tf.argMax(out.logits, -1);
    next = (await ids.array()) as number[];
    ids.dispose();
    out.logits.dispose();
  }
  const decodeSeconds = seconds(start);
  disposeCache(cache);
  return { prefill: (batch * context) / prefillSeconds, decode: (batch * steps) / decodeSeconds };
}

/**
 * A point timed again until MIN_POINT_SECONDS have passed (at most MAX_REPEATS times), keeping
 * the fastest prefill and decode: a sub-millisecond decode step timed once over a few steps is
 * mostly scheduler noise (the zoo transformer's 1 ms steps varied by ×2 between neighbouring
 * batch sizes); GPT-2's points take longer than that and are timed once.
 */
const MIN_POINT_SECONDS = 0.5;
const MAX_REPEATS = 7;
async function timeBest(d: ReturnType<typeof createDecoder>, batch: number, context: number, steps: number): Promise<{ prefill: number; decode: number }> {
  const start = performance.now();
  let best = await timePoint(d, batch, context, steps);
  for (let i = 1; i < MAX_REPEATS && seconds(start) < MIN_POINT_SECONDS; i++) {
    const m = await timePoint(d, batch, context, steps);
    best = { prefill: Math.max(best.prefill, m.prefill), decode: Math.max(best.decode, m.decode) };
  }
  return best;
}

/** Run the sweep at `shape` on each backend in `options.backends` (skipping ones that fail to load). */
export async function measureSweep(shape: DecoderShape, shapeId: string, options: SweepOptions): Promise<SweepResult> {
  const points: MeasuredPoint[] = [];
  const devices: Record<string, Device> = {};
  const overheads: Record<string, number> = {};
  const serveShape = decoderAsShape(shape, shapeId);
  const instance = options.instance ?? (findDevice(DEFAULT_LOCAL_INSTANCE) as Device);
  for (const backend of options.backends) {
    const local = await measureLocalServing(instance, backend);
    const device = { ...local.device, id: `local-cpu@${backend}` };
    devices[backend] = device;
    overheads[backend] = local.layerOverheadSeconds;
    const decoder = createDecoder(shape, 1);
    const batches = options.batches.filter((b) => backend !== 'cpu' || b <= options.cpuMaxBatch);
    try {
      await timePoint(decoder, 1, 4, 1); // warm-up: kernel compilation and first allocations are not serving
      for (const context of options.contexts) {
        for (const batch of batches) {
          if (options.maxPrefillTokens !== undefined && batch * context > options.maxPrefillTokens) continue;
          const m = await timeBest(decoder, batch, context, options.steps);
          const request = {
            shape: serveShape,
            device,
            count: 1,
            dtype: 'fp32' as const,
            kvDtype: 'fp32' as const,
            workload: { promptTokens: context, outputTokens: options.steps, cacheHitShare: 0 },
            target: {},
            efficiencies: { prefillCompute: 1, decodeCompute: 1, memoryBandwidth: 1, layerOverheadSeconds: local.layerOverheadSeconds },
          };
          const e = evaluateBatch(request, batch);
          // The same step with the cache read as a pass of its own: splits the memory term into weights and cache.
          const split = evaluateBatch({ ...request, efficiencies: { ...request.efficiencies, kvPass: 1 } }, batch).decodeTerms;
          const point: MeasuredPoint = {
            backend,
            batch,
            contextTokens: context,
            measuredPrefillTokensPerSecond: m.prefill,
            measuredDecodeTokensPerSecond: m.decode,
            predictedPrefillTokensPerSecond: (batch * context) / (e.prefillSeconds * batch),
            predictedDecodeTokensPerSecond: batch / e.decodeStepSeconds,
            calibratedDecodeTokensPerSecond: null,
            inFit: false,
            decodeTerms: {
              computeSeconds: e.decodeTerms.computeSeconds,
              weightsSeconds: split.memorySeconds,
              kvSeconds: split.kvPassSeconds,
              overheadSeconds: shape.layers * local.layerOverheadSeconds,
            },
          };
          points.push(point);
          options.onPoint?.(point);
        }
      }
    } finally {
      disposeDecoder(decoder);
    }
  }
  const calibrations = fitCalibration(points);
  return { points, calibrations, devices, overheads };
}

/** This machine as the serving model sees it, measured now on the active backend. */
export interface LocalServing {
  device: Device;
  /** Op-dispatch time per layer per step (efficiency layerOverheadSeconds). */
  layerOverheadSeconds: number;
}

/**
 * Measure this machine on the active (or given) backend: fp32 GEMM rate (peak), the bandwidth
 * a matrix-vector product streams its weights at (what a decode step does; replaces the JS
 * triad figure, which does not go through the backend) and the fixed time of one step of a
 * 1-layer width-8 decoder (op dispatch). Priced as the catalogue CPU `instance`.
 */
export async function measureLocalServing(instance: Device, backend?: string): Promise<LocalServing> {
  if (backend) await initRuntime({ flag: backend });
  const base = localCpuDevice(await measureLocalCpu({ gemmSeconds: 0.5 }), pricingFromInstance(instance), 'local-cpu');
  const gemv = await measureGemvBandwidth();
  const device: Device = {
    ...base,
    memoryBandwidthBytesPerSecond: { value: gemv.bytesPerSecond, source: gemv.method, date: base.memoryBandwidthBytesPerSecond.date },
  };
  return { device, layerOverheadSeconds: await measureLayerOverhead() };
}

/** Weights streamed per second by [1, k] × [k, n] matmuls on a 64 MiB fp32 matrix (beyond the caches). */
async function measureGemvBandwidth(k = 4096, n = 4096, budgetSeconds = 0.5): Promise<{ bytesPerSecond: number; method: string }> {
  const w = tf.randomNormal([k, n], 0, 1, 'float32', 3);
  const x = tf.randomNormal([1, k], 0, 1, 'float32', 4);
  const once = async (): Promise<void> => {
    const y = tf.matMul(x, w);
    await y.data();
    y.dispose();
  };
  await once();
  let reps = 0;
  const start = performance.now();
  do {
    await once();
    reps++;
  } while (seconds(start) < budgetSeconds);
  const s = seconds(start);
  w.dispose();
  x.dispose();
  const bytesPerSecond = (reps * k * n * 4) / s;
  return {
    bytesPerSecond,
    method: `measured: tfjs ${tf.getBackend()} matrix-vector product [1,${k}]×[${k},${n}] fp32 (${((k * n * 4) / 2 ** 20).toFixed(0)} MiB of weights), ${reps} repeats in ${s.toFixed(2)} s`,
  };
}

/** Seconds of one decode step of a 1-layer, width-8 decoder: the fixed cost per layer of dispatching its ops. */
async function measureLayerOverhead(budgetSeconds = 0.3): Promise<number> {
  const d = createDecoder({ layers: 1, hidden: 8, heads: 1, ffn: 8, vocab: 8 }, 5);
  const first = forward(d, [[1]], undefined);
  first.logits.dispose();
  const step = async (): Promise<void> => {
    const out = forward(d, [[2]], first.cache);
    await out.logits.data();
    out.logits.dispose();
    disposeCache(out.cache);
  };
  await step();
  let reps = 0;
  const start = performance.now();
  do {
    await step();
    reps++;
  } while (seconds(start) < budgetSeconds);
  const s = seconds(start) / reps;
  disposeCache(first.cache);
  disposeDecoder(d);
  return s;
}
