/**
 * The serving cost model: a shape served on `count` devices of one kind, pure arithmetic.
 *
 * Phases of one evaluation (batch B sequences decoding together, mean context c = P + (O+1)/2):
 *   memory   weights (total params × dtype bytes) + B × KV bytes per sequence at P + O tokens
 *            ≤ count × memory × memoryUsable; what does not fit is offloaded to host memory
 *            (only when allowed) and streamed over the host link every step (FlexGen,
 *            llama.cpp partial offload)
 *   decode   step = max(compute, bytes) + collectives + host-link stream, where compute =
 *            B × forward FLOPs at c ÷ (count × peak × decodeCompute) and bytes = (weights read:
 *            dense parts + experts the batch touches; + B × KV at c) ÷ (count × bandwidth ×
 *            memoryBandwidth) (kipply 2022, "Transformer Inference Arithmetic")
 *            + layers × layerOverheadSeconds (op dispatch; 0 on GPUs, measured on local-cpu)
 *   links    2 collectives per layer of B × hidden × 2 bytes: ring all-reduce 2(n−1)/n × bytes ÷
 *            (link × efficiency) + a fixed latency; NVLink inside a node, the network across
 *            nodes, PCIe (host link) where a GPU has no NVLink
 *   prefill  one request's uncached prompt: FLOPs ÷ (count × peak × prefillCompute), at least
 *            one read of the weights; TTFT = prefill + one decode step of the running batch
 *   prices   device USD/s × seconds ÷ tokens: output per decode step, input per prefilled
 *            token (cache miss; prompts batched to prefillBatchTokens), cached input per token of stored KV read back
 */
import type { Device, Sourced } from '../devices/types.ts';
import { usdForSeconds } from '../devices/pricing.ts';
import { computePeak, DTYPE_BYTES, type ServeDtype } from './dtypes.ts';
import { DEFAULT_SERVING_EFFICIENCIES, type ServingEfficiencies } from './efficiency.ts';
import { countParams, expectedExpertsTouched, forwardFlopsPerToken, kvElementsPerToken } from './params.ts';
import type { ModelShape } from './shapes.ts';

/** Tokens per request and the share of prompt tokens served from a prompt cache. */
export interface ServingWorkload {
  promptTokens: number;
  outputTokens: number;
  /** In [0, 1]. */
  cacheHitShare: number;
}

/** Service target; undefined fields do not constrain. */
export interface ServiceTarget {
  minOutputTokensPerSecondPerUser?: number;
  maxTtftSeconds?: number;
}

export interface ServingRequest {
  shape: ModelShape;
  device: Device;
  /** Devices serving one model replica (tensor / expert parallel). */
  count: number;
  dtype: ServeDtype;
  kvDtype: ServeDtype;
  workload: ServingWorkload;
  target: ServiceTarget;
  /** Fixed batch instead of searching for the best one. */
  batch?: number;
  /** Allow weights / KV cache beyond device memory to live in host memory. */
  offload?: boolean;
  efficiencies?: Partial<ServingEfficiencies>;
  /** Largest batch the search tries (default 4096). */
  maxBatch?: number;
}

export type Bottleneck = 'compute' | 'bandwidth' | 'capacity' | 'link' | 'host-link' | 'target';

/** Times of one batch size, before any target is applied. */
export interface BatchEvaluation {
  batch: number;
  decodeStepSeconds: number;
  /** Seconds per decode step by term; memorySeconds includes the cache read unless efficiencies.kvPass puts it in kvPassSeconds. */
  decodeTerms: { computeSeconds: number; memorySeconds: number; linkSeconds: number; hostLinkSeconds: number; kvPassSeconds: number };
  prefillSeconds: number;
  ttftSeconds: number;
  kvCacheBytes: number;
  offloadedBytes: number;
  decodeBottleneck: Bottleneck;
  prefillBottleneck: Bottleneck;
}

/** A serving plan: the JSON fields the issue names, plus why and from what. */
export interface ServingPlan {
  model: string;
  device: string;
  count: number;
  dtype: ServeDtype;
  kvDtype: ServeDtype;
  /** Null when nothing fits or no batch meets the target. */
  batch: number | null;
  fits: boolean;
  meetsTarget: boolean;
  ttftSeconds: number | null;
  tpotSeconds: number | null;
  outputTokensPerSecondPerDevice: number | null;
  inputTokensPerSecondPerDevice: number | null;
  /** Output tokens/s one user sees (1 / TPOT). */
  outputTokensPerSecondPerUser: number | null;
  usdPerMInputTokens: number | null;
  usdPerMCachedInputTokens: number | null;
  usdPerMOutputTokens: number | null;
  /** What bounds decode at the chosen batch (capacity when memory stopped the batch from growing). */
  bottleneck: Bottleneck | null;
  bottlenecks: { decode: Bottleneck | null; prefill: Bottleneck | null; batch: Bottleneck | null };
  memory: { weightsBytes: number; kvCacheBytes: number; capacityBytes: number; offloadedBytes: number; missingBytes: number };
  /** When it does not fit: what would (more devices, a smaller dtype, offload). */
  fitOptions: string[];
  /** When the target is unmeetable: why. */
  unmet?: string;
  label: 'modeled';
  provenance: string[];
}

const ACTIVATION_BYTES = 2;

function linkFor(device: Device, count: number): { bytesPerSecond: number; what: string } | undefined {
  const perNode = device.devicesPerNode?.value ?? 1;
  if (count > perNode) return device.networkBytesPerSecond ? { bytesPerSecond: device.networkBytesPerSecond.value, what: 'network' } : undefined;
  const link = device.deviceLinkBytesPerSecond ?? device.hostLinkBytesPerSecond;
  return link ? { bytesPerSecond: link.value, what: device.deviceLinkBytesPerSecond ? 'device link' : 'host link (PCIe)' } : undefined;
}

/** Everything of a request that does not depend on the batch. */
export function prepare(req: ServingRequest) {
  const eff = { ...DEFAULT_SERVING_EFFICIENCIES, ...req.efficiencies };
  const p = countParams(req.shape);
  const wBytes = DTYPE_BYTES[req.dtype];
  const weightsBytes = p.totalParams * wBytes;
  const kvBytesPerToken = kvElementsPerToken(req.shape) * DTYPE_BYTES[req.kvDtype];
  const { promptTokens: P, outputTokens: O } = req.workload;
  const kvBytesPerSequence = kvBytesPerToken * (P + O);
  const capacityBytes = req.count * req.device.memoryBytes.value * eff.memoryUsable;
  const peak = computePeak(req.device, req.dtype);
  const link = req.count > 1 ? linkFor(req.device, req.count) : undefined;
  const host = req.device.hostLinkBytesPerSecond?.value;
  return { eff, p, weightsBytes, kvBytesPerToken, kvBytesPerSequence, capacityBytes, peak, link, host, P, O };
}
type Prepared = ReturnType<typeof prepare>;

function collectiveSeconds(req: ServingRequest, pre: Prepared, tokens: number): number {
  if (req.count <= 1) return 0;
  if (!pre.link) return Infinity;
  const bytes = tokens * req.shape.hiddenSize * ACTIVATION_BYTES;
  const perCollective = (((2 * (req.count - 1)) / req.count) * bytes) / (pre.link.bytesPerSecond * pre.eff.link) + pre.eff.collectiveLatencySeconds;
  return 2 * req.shape.layers * perCollective;
}

function argmax(terms: Record<string, number>): Bottleneck {
  let best = 'compute';
  let value = -Infinity;
  for (const [k, v] of Object.entries(terms)) if (v > value) [best, value] = [k, v];
  return best as Bottleneck;
}

/** Decode step, prefill and TTFT at batch `batch` (no target applied). */
export function evaluateBatch(req: ServingRequest, batch: number, pre: Prepared = prepare(req)): BatchEvaluation {
  const { eff, p, P, O } = pre;
  const s = req.shape;
  const peakFlops = req.count * pre.peak.flops.value;
  const bandwidth = req.count * req.device.memoryBandwidthBytesPerSecond.value * eff.memoryBandwidth;
  const meanContext = P + (O + 1) / 2;
  const kvCacheBytes = batch * pre.kvBytesPerSequence;
  const offloadedBytes = req.offload ? Math.max(0, pre.weightsBytes + kvCacheBytes - pre.capacityBytes) : 0;
  const hostRate = pre.host === undefined ? 0 : req.count * pre.host * eff.link;
  const hostLinkSeconds = offloadedBytes === 0 ? 0 : hostRate > 0 ? offloadedBytes / hostRate : Infinity;
  // Weights one step reads: everything but the routed experts, plus the experts the batch touches.
  const wBytes = DTYPE_BYTES[req.dtype];
  const touched = s.moe ? expectedExpertsTouched(s.moe.routedExperts, s.moe.expertsPerToken, batch) / s.moe.routedExperts : 1;
  const weightsRead = (p.totalParams - p.routedExpertParams + p.routedExpertParams * touched) * wBytes;
  const kvRead = batch * pre.kvBytesPerToken * meanContext;
  const residentShare = offloadedBytes === 0 ? 1 : Math.max(0, 1 - offloadedBytes / (pre.weightsBytes + kvCacheBytes));
  const rawBandwidth = req.count * req.device.memoryBandwidthBytesPerSecond.value;
  const decodeTerms = {
    computeSeconds: (batch * forwardFlopsPerToken(s, meanContext)) / (peakFlops * eff.decodeCompute),
    memorySeconds: ((weightsRead + (eff.kvPass === undefined ? kvRead : 0)) * residentShare) / bandwidth,
    linkSeconds: collectiveSeconds(req, pre, batch),
    hostLinkSeconds,
    kvPassSeconds: eff.kvPass === undefined ? 0 : (kvRead * residentShare) / (rawBandwidth * eff.kvPass),
  };
  const decodeStepSeconds =
    Math.max(decodeTerms.computeSeconds, decodeTerms.memorySeconds) +
    decodeTerms.kvPassSeconds +
    decodeTerms.linkSeconds +
    decodeTerms.hostLinkSeconds +
    s.layers * eff.layerOverheadSeconds;
  const uncached = P * (1 - req.workload.cacheHitShare);
  const prefill = prefillTimes(req, pre, uncached, P - uncached);
  return {
    batch,
    decodeStepSeconds,
    decodeTerms,
    prefillSeconds: prefill.seconds,
    ttftSeconds: prefill.seconds + decodeStepSeconds,
    kvCacheBytes,
    offloadedBytes,
    decodeBottleneck: argmax({
      compute: decodeTerms.computeSeconds,
      bandwidth: decodeTerms.memorySeconds + decodeTerms.kvPassSeconds,
      link: decodeTerms.linkSeconds,
      'host-link': decodeTerms.hostLinkSeconds,
    }),
    prefillBottleneck: prefill.bottleneck,
  };
}

/** Prefill of `tokens` new prompt tokens after `cachedTokens` already in the cache. */
function prefillTimes(req: ServingRequest, pre: Prepared, tokens: number, cachedTokens: number): { seconds: number; bottleneck: Bottleneck } {
  if (tokens <= 0) return { seconds: 0, bottleneck: 'bandwidth' };
  const compute = (tokens * forwardFlopsPerToken(req.shape, cachedTokens + tokens / 2)) / (req.count * pre.peak.flops.value * pre.eff.prefillCompute);
  const memory = pre.weightsBytes / (req.count * req.device.memoryBandwidthBytesPerSecond.value * pre.eff.memoryBandwidth);
  const offloaded = req.offload ? Math.max(0, pre.weightsBytes - pre.capacityBytes) : 0;
  const host = offloaded === 0 ? 0 : pre.host ? offloaded / (req.count * pre.host * pre.eff.link) : Infinity;
  const link = collectiveSeconds(req, pre, tokens);
  return {
    seconds: Math.max(compute, memory) + link + host + req.shape.layers * pre.eff.layerOverheadSeconds,
    bottleneck: argmax({ compute, bandwidth: memory, link, 'host-link': host }),
  };
}

/**
 * Prefill as a server runs it: prompts batched up to prefillBatchTokens, so the weights are
 * read once per batch while each prompt's FLOPs (attention within its own prompt) add up.
 * Seconds per prompt token (cache miss) and what bounds it.
 */
function batchedPrefill(req: ServingRequest, pre: Prepared): { secondsPerToken: number; bottleneck: Bottleneck } {
  if (pre.P <= 0) return { secondsPerToken: 0, bottleneck: 'compute' };
  const tokens = Math.max(pre.P, pre.eff.prefillBatchTokens);
  const compute = (tokens * forwardFlopsPerToken(req.shape, pre.P / 2)) / (req.count * pre.peak.flops.value * pre.eff.prefillCompute);
  const memory = pre.weightsBytes / (req.count * req.device.memoryBandwidthBytesPerSecond.value * pre.eff.memoryBandwidth);
  const offloaded = req.offload ? Math.max(0, pre.weightsBytes - pre.capacityBytes) : 0;
  const host = offloaded === 0 ? 0 : pre.host ? offloaded / (req.count * pre.host * pre.eff.link) : Infinity;
  const link = collectiveSeconds(req, pre, tokens);
  const seconds = Math.max(compute, memory) + link + host + req.shape.layers * pre.eff.layerOverheadSeconds;
  return { secondsPerToken: seconds / tokens, bottleneck: argmax({ compute, bandwidth: memory, link, 'host-link': host }) };
}

/** Largest batch whose weights + KV fit in device memory (0 when even one sequence does not). */
export function maxBatchThatFits(pre: Prepared): number {
  const free = pre.capacityBytes - pre.weightsBytes;
  return free <= 0 ? 0 : Math.floor(free / pre.kvBytesPerSequence);
}

function meets(e: BatchEvaluation, t: ServiceTarget): boolean {
  if (t.minOutputTokensPerSecondPerUser !== undefined && 1 / e.decodeStepSeconds < t.minOutputTokensPerSecondPerUser) return false;
  if (t.maxTtftSeconds !== undefined && e.ttftSeconds > t.maxTtftSeconds) return false;
  return true;
}

function sourced(what: string, f: Sourced | undefined): string {
  return f ? `${what} ${f.value.toPrecision(4)} (${f.source}, ${f.date})` : `${what}: not in the catalogue`;
}

/** The plan: best batch meeting the target (or the fixed batch), its times, prices and bounds. */
export function planServing(req: ServingRequest): ServingPlan {
  const pre = prepare(req);
  const d = req.device;
  const fitLimit = maxBatchThatFits(pre);
  const searchLimit = req.maxBatch ?? 4096;
  const limit = req.offload ? searchLimit : Math.min(fitLimit, searchLimit);
  const usdPerSecond = usdForSeconds(1, req.count * d.usdPerHour.value);
  const provenance = [
    `modeled: ${req.shape.name} (${req.shape.source}, ${req.shape.date}); ${(pre.p.totalParams / 1e9).toFixed(2)}B params, ${(pre.p.activeParams / 1e9).toFixed(2)}B active, ${req.dtype} weights, ${req.kvDtype} KV (${pre.kvBytesPerToken} B/token)`,
    `${req.count} × ${d.id}: ${sourced(`${pre.peak.peakDtype} peak FLOP/s`, pre.peak.flops)}; ${sourced('memory bandwidth B/s', d.memoryBandwidthBytesPerSecond)}; ${sourced('memory bytes', d.memoryBytes)}; ${sourced('USD/hour', d.usdPerHour)}`,
    ...(pre.link ? [`collectives over the ${pre.link.what} at ${pre.link.bytesPerSecond.toPrecision(4)} B/s`] : []),
    `efficiencies: ${Object.entries(pre.eff)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    'decode step = max(B·FLOPs/(peak·eff), (weights read + B·KV)/(bandwidth·eff)) + collectives + host-link stream; TTFT = prefill + one step',
  ];
  const memory = { weightsBytes: pre.weightsBytes, kvCacheBytes: 0, capacityBytes: pre.capacityBytes, offloadedBytes: 0, missingBytes: 0 };
  const empty = {
    model: req.shape.id,
    device: d.id,
    count: req.count,
    dtype: req.dtype,
    kvDtype: req.kvDtype,
    batch: null,
    ttftSeconds: null,
    tpotSeconds: null,
    outputTokensPerSecondPerDevice: null,
    inputTokensPerSecondPerDevice: null,
    outputTokensPerSecondPerUser: null,
    usdPerMInputTokens: null,
    usdPerMCachedInputTokens: null,
    usdPerMOutputTokens: null,
    bottleneck: null,
    bottlenecks: { decode: null, prefill: null, batch: null },
    label: 'modeled' as const,
    provenance,
  };
  const wanted = req.batch ?? 1;
  if (limit < wanted) {
    const missingBytes = pre.weightsBytes + wanted * pre.kvBytesPerSequence - pre.capacityBytes;
    return {
      ...empty,
      fits: false,
      meetsTarget: false,
      memory: { ...memory, kvCacheBytes: wanted * pre.kvBytesPerSequence, missingBytes },
      fitOptions: fitOptions(req, wanted),
      unmet: `does not fit: ${formatBytes(missingBytes)} missing for batch ${wanted}`,
    };
  }
  let best: BatchEvaluation | undefined;
  let closest: BatchEvaluation | undefined;
  const candidates = req.batch !== undefined ? [req.batch] : Array.from({ length: limit }, (_, i) => i + 1);
  for (const b of candidates) {
    const e = evaluateBatch(req, b, pre);
    if (!closest || e.decodeStepSeconds < closest.decodeStepSeconds) closest = e;
    if (!meets(e, req.target)) continue;
    if (!best || b / e.decodeStepSeconds > (best.batch / best.decodeStepSeconds) * (1 + 1e-12)) best = e;
  }
  if (!best) {
    const c = closest as BatchEvaluation;
    const why = [
      req.target.minOutputTokensPerSecondPerUser !== undefined
        ? `best per-user speed ${(1 / c.decodeStepSeconds).toFixed(2)} tokens/s (batch ${c.batch}) < ${req.target.minOutputTokensPerSecondPerUser} wanted`
        : '',
      req.target.maxTtftSeconds !== undefined ? `TTFT ${c.ttftSeconds.toPrecision(3)} s at batch ${c.batch} vs ${req.target.maxTtftSeconds} s allowed` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return {
      ...empty,
      fits: true,
      meetsTarget: false,
      memory: { ...memory, kvCacheBytes: c.kvCacheBytes },
      fitOptions: [],
      unmet: `no batch meets the target: ${why}`,
    };
  }
  const e = best;
  const uncachedPerRequest = pre.P * (1 - req.workload.cacheHitShare);
  const missPrefill = batchedPrefill(req, pre);
  const secondsPerInputToken = missPrefill.secondsPerToken;
  const secondsPerCachedToken = pre.kvBytesPerToken / (req.count * d.memoryBandwidthBytesPerSecond.value * pre.eff.memoryBandwidth);
  const capacityBound = req.batch === undefined && !req.offload && e.batch === fitLimit && fitLimit < searchLimit;
  const targetBound = req.batch === undefined && e.batch < limit && !capacityBound;
  const batchBound: Bottleneck = capacityBound
    ? 'capacity'
    : targetBound && meets(evaluateBatch(req, e.batch + 1, pre), req.target)
      ? e.decodeBottleneck
      : targetBound
        ? 'target'
        : e.decodeBottleneck;
  return {
    ...empty,
    batch: e.batch,
    fits: true,
    meetsTarget: true,
    ttftSeconds: e.ttftSeconds,
    tpotSeconds: e.decodeStepSeconds,
    outputTokensPerSecondPerDevice: e.batch / e.decodeStepSeconds / req.count,
    inputTokensPerSecondPerDevice: secondsPerInputToken > 0 ? 1 / secondsPerInputToken / req.count : null,
    outputTokensPerSecondPerUser: 1 / e.decodeStepSeconds,
    usdPerMInputTokens: usdPerSecond * secondsPerInputToken * 1e6,
    usdPerMCachedInputTokens: usdPerSecond * secondsPerCachedToken * 1e6,
    usdPerMOutputTokens: (usdPerSecond * e.decodeStepSeconds * 1e6) / e.batch,
    bottleneck: capacityBound ? 'capacity' : e.decodeBottleneck,
    bottlenecks: { decode: e.decodeBottleneck, prefill: missPrefill.bottleneck, batch: batchBound },
    memory: { ...memory, kvCacheBytes: e.kvCacheBytes, offloadedBytes: e.offloadedBytes },
    fitOptions: [],
    provenance: [...provenance, `prompt ${pre.P} tokens (${uncachedPerRequest.toFixed(0)} uncached), output ${pre.O} tokens per request`],
  };
}

/** What would make `batch` sequences fit: more devices, a smaller dtype, offload. */
function fitOptions(req: ServingRequest, batch: number): string[] {
  const options: string[] = [];
  const fitsWith = (r: ServingRequest): boolean => maxBatchThatFits(prepare(r)) >= batch;
  for (let count = req.count + 1; count <= 1024; count++) {
    if (fitsWith({ ...req, count })) {
      const perNode = req.device.devicesPerNode?.value ?? 1;
      options.push(`--count ${count} (${count} × ${req.device.id}${count > perNode ? `, across ${Math.ceil(count / perNode)} nodes over the network` : ''})`);
      break;
    }
  }
  for (const dtype of ['fp8', 'int8', 'int4'] as const) {
    if (DTYPE_BYTES[dtype] < DTYPE_BYTES[req.dtype] && fitsWith({ ...req, dtype, kvDtype: DTYPE_BYTES[req.kvDtype] > 1 ? 'fp8' : req.kvDtype }))
      options.push(`--dtype ${dtype}${DTYPE_BYTES[req.kvDtype] > 1 ? ' (with fp8 KV cache)' : ''}`);
  }
  const missing = prepare(req).weightsBytes + batch * prepare(req).kvBytesPerSequence - prepare(req).capacityBytes;
  options.push(`--offload (${formatBytes(missing)} in host memory, streamed over the host link every step)`);
  return options;
}

/** Bytes in GB with 3 significant digits. */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1e9).toPrecision(3)} GB`;
}
