/**
 * The costsim side of bench:peer: train a zoo model on one backend configuration for a time
 * budget, and profile one step into kernel groups (OpenBLAS GEMM/conv, other native kernels,
 * wasm kernels, fused Adam, and the rest: JS autodiff/layers/allocation overhead). GEMM/conv
 * includes the fused native kernels whose work is GEMMs (attention, the transformer's blocks and
 * whole model: src/bench/flops/traced.ts says which kernels do matmul work).
 */
import { tf } from '../../src/runtime/tf.ts';
import { loadNativeAddon } from '../../src/runtime/native/addon.ts';
import { nativeAdam } from '../../src/runtime/native/adam.ts';
import { nativeKernelConfigs } from '../../src/runtime/native/backend.ts';
import { createZooModel, type Task } from '../../src/bench/zoo/index.ts';
import { EpochSampler, trainSteps, trainStep, trainableVariables } from '../../src/bench/train/loop.ts';
import { createRng } from '../../src/util/rng.ts';
import { kernelFlops, type KernelRecord } from '../../src/bench/flops/traced.ts';

/** One costsim configuration: a backend, its BLAS threads, and which Adam implementation. */
export interface CostsimConfig {
  label: string;
  backend: 'native' | 'wasm' | 'cpu';
  threads?: number;
  adam: 'fused' | 'tfjs';
}

/** Measured throughput of one configuration. */
export interface CostsimRun {
  label: string;
  samplesPerSecond: number;
  steps: number;
  wallSeconds: number;
}

const GEMM_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']);
/** The other kernels the native backend runs itself (the rest of its kernels are the wasm ones). */
const NATIVE_MEMORY_KERNELS = ((state) =>
  new Set(
    state.ok
      ? nativeKernelConfigs(state.addon)
          .map((c) => c.kernelName)
          .filter((k) => !GEMM_KERNELS.has(k))
      : [],
  ))(loadNativeAddon());

async function activate(config: CostsimConfig): Promise<void> {
  if (!(await tf.setBackend(config.backend))) throw new Error(`backend ${config.backend} did not initialise`);
  const state = loadNativeAddon();
  if (state.ok && config.threads) state.addon.setThreads(config.threads);
}

function optimizerFor(config: CostsimConfig): tf.Optimizer {
  return config.adam === 'fused' ? nativeAdam(1e-3) : tf.train.adam(1e-3);
}

/** Train `model` of the zoo on `task` under `config` for about `seconds` (after 3 warm-up steps). */
export async function timeCostsim(name: string, task: Task, batchSize: number, config: CostsimConfig, seconds: number): Promise<CostsimRun> {
  await activate(config);
  const model = createZooModel(name, task, { seed: 0 });
  const optimizer = optimizerFor(config);
  const rng = createRng(1).fork(config.label);
  const sampler = new EpochSampler(task.train.count, rng);
  const common = { model, task, optimizer, batchSize, accumulationSteps: 1, rng, sampler };
  try {
    const warm = await trainSteps({ ...common, steps: 3, lossEvery: 3 });
    const perStep = warm.wallSeconds / 3;
    const steps = Math.max(3, Math.round(seconds / Math.max(perStep, 1e-3)));
    const timed = await trainSteps({ ...common, steps, lossEvery: steps });
    return { label: config.label, samplesPerSecond: timed.samples / timed.wallSeconds, steps: timed.steps, wallSeconds: timed.wallSeconds };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** Where one profiled training step's time went, in milliseconds. */
export interface StepProfile {
  label: string;
  stepMs: number;
  gemmConvMs: number;
  nativeMemoryMs: number;
  wasmKernelsMs: number;
  adamMs: number;
  outsideKernelsMs: number;
  topKernels: Array<{ name: string; ms: number }>;
}

/**
 * Profile a training step (after two warm-up steps) with tf.profile, grouped by kernel kind;
 * of three profiled steps the fastest is kept (the machine is shared: the others carry more noise).
 */
export async function profileStep(name: string, task: Task, batchSize: number, config: CostsimConfig): Promise<StepProfile> {
  await activate(config);
  const model = createZooModel(name, task, { seed: 0 });
  const optimizer = optimizerFor(config);
  const variables = trainableVariables(model);
  const sampler = new EpochSampler(task.train.count, createRng(2));
  let adamMs = 0;
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (gradients) => {
    const start = performance.now();
    apply(gradients);
    adamMs += performance.now() - start;
  };
  const step = (): void => {
    const loss = trainStep(model, task, optimizer, sampler.next(batchSize), 1, true, variables);
    loss?.dataSync();
    loss?.dispose();
  };
  try {
    step();
    step();
    let fastest: { profile: Awaited<ReturnType<typeof tf.profile>>; stepMs: number; adamMs: number } | undefined;
    for (let i = 0; i < 3; i++) {
      adamMs = 0;
      const start = performance.now();
      const profile = await tf.profile(step);
      const ms = performance.now() - start;
      if (!fastest || ms < fastest.stepMs) fastest = { profile, stepMs: ms, adamMs };
    }
    const { profile, stepMs } = fastest as NonNullable<typeof fastest>;
    adamMs = (fastest as NonNullable<typeof fastest>).adamMs;
    const byKernel = new Map<string, number>();
    const matmulKernels = new Set<string>();
    for (const kernel of profile.kernels) {
      // Op wrappers (`__op`) and custom-gradient scopes (named after their scope, not a kernel) list time their kernels also list.
      if (kernel.name.endsWith('__op') || !tf.getKernel(kernel.name, config.backend)) continue;
      byKernel.set(kernel.name, (byKernel.get(kernel.name) ?? 0) + Number(kernel.kernelTimeMs));
      const kind = kernelFlops(kernel as unknown as KernelRecord).kind;
      if (kind === 'matmul' || kind === 'conv') matmulKernels.add(kernel.name);
    }
    const groups = { gemmConvMs: 0, nativeMemoryMs: 0, wasmKernelsMs: 0 };
    for (const [kernel, ms] of byKernel) {
      // GEMM/conv: OpenBLAS GEMMs and convolutions, and the fused native kernels built around them (attention, blocks, the whole transformer).
      if (config.backend === 'native' && (GEMM_KERNELS.has(kernel) || matmulKernels.has(kernel))) groups.gemmConvMs += ms;
      else if (config.backend === 'native' && NATIVE_MEMORY_KERNELS.has(kernel)) groups.nativeMemoryMs += ms;
      else groups.wasmKernelsMs += ms;
    }
    const kernelsMs = groups.gemmConvMs + groups.nativeMemoryMs + groups.wasmKernelsMs;
    // Adam's own ops (tfjs Adam) are kernels already counted; the fused one is not a kernel.
    const fusedAdamMs = config.adam === 'fused' ? adamMs : 0;
    return {
      label: config.label,
      stepMs,
      ...groups,
      adamMs,
      outsideKernelsMs: Math.max(0, stepMs - kernelsMs - fusedAdamMs),
      topKernels: [...byKernel]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([kernel, ms]) => ({ name: kernel, ms })),
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
