import { describe, expect, it } from 'vitest';
import type { CostGraph } from '../../src/placement/graph.ts';
import type { PlannerDevice } from '../../src/placement/roofline.ts';
import { transferSeconds, toPlannerDevice } from '../../src/placement/roofline.ts';
import { optimalPlan } from '../../src/placement/dp.ts';
import { planPlacements } from '../../src/placement/planner.ts';
import { evaluatePlan } from '../../src/placement/plan.ts';
import { parseTransformerShape, transformerGraph } from '../../src/placement/transformer.ts';
import { findDevice } from '../../src/devices/catalog.ts';

function device(overrides: Partial<PlannerDevice> & Pick<PlannerDevice, 'id' | 'kind'>): PlannerDevice {
  return {
    peakFlopsPerSecond: 1,
    peakSource: 'test',
    memoryBandwidthBytesPerSecond: 1,
    capacityBytes: Infinity,
    usdPerHour: 1,
    computeEfficiency: 1,
    memoryEfficiency: 1,
    provenance: 'modeled',
    ...overrides,
  };
}

// Two fp32 SGD layers (8 B/param resident, 12 B/param optimizer traffic): a heavy one and a light one.
const twoLayers: CostGraph = {
  name: 'two-layer',
  dtype: 'fp32',
  optimizer: 'sgd',
  tokensPerStep: 1000,
  tokenUnit: 'samples',
  inputBytes: 0,
  derivation: 'hand-made',
  layers: [
    { name: 'heavy', className: 'Dense', params: 1e8, forwardFlops: 1e11, backwardFlops: 2e11, outputBytes: 1e8, activationBytes: 0 },
    { name: 'light', className: 'Dense', params: 1e8, forwardFlops: 1e10, backwardFlops: 2e10, outputBytes: 0, activationBytes: 0 },
  ],
};
const cpu = device({ id: 'cpu', kind: 'cpu', peakFlopsPerSecond: 1e10, memoryBandwidthBytesPerSecond: 1e10, capacityBytes: 1e12, usdPerHour: 1 });
// Room for one layer's 8e8 bytes, not two; a slow link makes offloading unattractive.
const gpu = device({
  id: 'gpu',
  kind: 'gpu',
  peakFlopsPerSecond: 1e12,
  memoryBandwidthBytesPerSecond: 1e11,
  hostLinkBytesPerSecond: 1e8,
  capacityBytes: 1e9,
  usdPerHour: 10,
});

describe('optimal plan of a two-layer model (hand-computed)', () => {
  // heavy on GPU: pass max(3e11/1e12, 1.4e9/1e11) = 0.3; SGD step max(2e8/1e12, 1.2e9/1e11) = 0.012
  // light on CPU: pass max(3e10/1e10, 1.2e9/1e10) = 3; step max(2e8/1e10, 1.2e9/1e10) = 0.12
  // boundary: 1e8 B forward + 1e8 B gradient back over the 1e8 B/s link = 2
  const gpuThenCpu = 0.3 + 0.012 + 3 + 0.12 + 2;
  // all on CPU: heavy 30 + 0.12, light 3 + 0.12
  const allCpu = 30 + 0.12 + 3 + 0.12;

  it('minimising time puts the heavy layer on the GPU and the light one on the CPU', () => {
    const plan = optimalPlan(twoLayers, [cpu, gpu], 'time');
    expect(plan?.layers.map((l) => l.deviceId)).toEqual(['gpu', 'cpu']);
    expect(plan?.layers.every((l) => l.optimizerDeviceId === l.deviceId)).toBe(true);
    expect(plan?.stepSeconds).toBeCloseTo(gpuThenCpu, 9);
    expect(plan?.transferSeconds).toBeCloseTo(2, 9);
    expect(plan?.devices.find((d) => d.id === 'gpu')?.bytesUsed).toBe(8e8);
  });

  it('minimising dollars keeps everything on the $1/h CPU (33.24 s × $1 < 5.432 s × $11)', () => {
    const plan = optimalPlan(twoLayers, [cpu, gpu], 'cost');
    expect(plan?.layers.map((l) => l.deviceId)).toEqual(['cpu', 'cpu']);
    expect(plan?.stepSeconds).toBeCloseTo(allCpu, 9);
    expect(plan?.usdPerStep).toBeCloseTo((allCpu * 1) / 3600, 12);
    expect(plan?.usdPerMTokens).toBeCloseTo((allCpu / 3600 / 1000) * 1e6, 9);
  });

  it('no plan beats the optimum, and all-gpu reports the 6e8 bytes it misses', () => {
    const result = planPlacements(twoLayers, [cpu, gpu], 'time');
    const best = result.plans[0];
    expect(best?.strategy).toBe('optimal-dp');
    for (const p of result.plans.filter((x) => x.fits)) expect(p.stepSeconds).toBeGreaterThanOrEqual((best?.stepSeconds ?? 0) - 1e-12);
    const allGpu = result.plans.find((p) => p.strategy === 'all-gpu');
    expect(allGpu?.fits).toBe(false);
    expect(allGpu?.missingBytes).toBe(16e8 - 1e9);
  });

  it('gradient accumulation over 4 micro-batches: passes and boundaries ×4, one optimizer step', () => {
    const accumulated = { ...twoLayers, microBatches: 4, tokensPerStep: 4000 };
    const placements = [
      { device: 1, offloadOptimizer: false },
      { device: 0, offloadOptimizer: false },
    ];
    const plan = evaluatePlan(accumulated, [cpu, gpu], placements, { strategy: 'fixed', label: 'heavy on gpu, light on cpu' });
    expect(plan.stepSeconds).toBeCloseTo(4 * 0.3 + 0.012 + 4 * 3 + 0.12 + 4 * 2, 9);
    expect(plan.devices.find((d) => d.id === 'gpu')?.bytesUsed).toBe(8e8); // memory of one micro-batch
    expect(plan.usdPerMTokens).toBeCloseTo(((plan.stepSeconds * 11) / 3600 / 4000) * 1e6, 9);
  });

  it('returns undefined when nothing fits, and the planner says how much is missing', () => {
    const tiny = device({ ...cpu, id: 'tiny', capacityBytes: 1e8 });
    expect(optimalPlan(twoLayers, [tiny], 'time')).toBeUndefined();
    expect(planPlacements(twoLayers, [tiny], 'time').fitsNowhere?.missingBytes).toBe(16e8 - 1e8);
  });
});

describe('a 7B fine-tune too large for a 24 GB L4 must offload its optimizer', () => {
  const g = transformerGraph(parseTransformerShape('transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000,recompute=full'));
  const P = 32 * (12 * 4096 ** 2 + 4 * 4096) + 2 * 32000 * 4096 + 2 * 4096; // hand count: blocks, embedding + head, final norm
  const tokens = 2048;
  const activations = 32 * 2 * tokens * 4096 + (tokens * 4096 * 2 + tokens * 32000 * 4); // checkpointed blocks keep 2·s·b·h bytes (Korthikanti et al.) + head input and fp32 logits
  const devices = ['l4', 'aws-r6a.4xlarge'].map((id) => toPlannerDevice(findDevice(id)!, 'bf16'));
  const result = planPlacements(g, devices, 'time');

  it('all-gpu misses 16 B/param + activations − 24 GB', () => {
    const allGpu = result.plans.find((p) => p.strategy === 'all-gpu');
    expect(allGpu?.fits).toBe(false);
    expect(allGpu?.missingBytes).toBeCloseTo(16 * P + activations - 24e9, -3);
  });

  it('ZeRO-Offload fits: 2 B/param + activations on the GPU, 16 B/param on the host', () => {
    const offload = result.plans.find((p) => p.strategy === 'optimizer-offload');
    expect(offload?.fits).toBe(true);
    expect(offload?.devices.find((d) => d.id === 'l4')?.bytesUsed).toBeCloseTo(2 * P + activations, -3);
    expect(offload?.devices.find((d) => d.id === 'aws-r6a.4xlarge')?.bytesUsed).toBeCloseTo(16 * P, -3);
    // every parameter's bf16 gradient goes down and its weight comes back over PCIe 4.0 x16 (31.5 GB/s)
    expect(offload?.transferSeconds).toBeGreaterThanOrEqual((2 * 2 * P) / 31.5e9);
    expect(result.plans[0]?.fits).toBe(true);
  });
});

describe('transfer time of a known tensor', () => {
  it('1 GiB over PCIe 4.0 x16 takes 2^30 / 31.5e9 s; 0 on the same device', () => {
    const l4 = toPlannerDevice(findDevice('l4')!, 'bf16');
    const host = toPlannerDevice(findDevice('aws-c6a.large')!, 'bf16');
    expect(transferSeconds(2 ** 30, host, l4)).toBeCloseTo(2 ** 30 / 31.5e9, 12);
    expect(transferSeconds(2 ** 30, l4, l4)).toBe(0);
    const t4 = toPlannerDevice(findDevice('t4')!, 'fp16');
    // GPU to GPU through the host runs at the slower link (T4: PCIe 3.0 x16, 15.75 GB/s)
    expect(transferSeconds(2 ** 30, t4, l4)).toBeCloseTo(2 ** 30 / 15.75e9, 12);
  });
});
