/**
 * `npm run bench:harness`: how well the training harness uses the backend, per zoo model,
 * measured in one process so the ratios compare like with like.
 *
 * - overhead: share of step wall time spent outside tfjs kernels (1 − Σ kernel time ÷ wall
 *   time over the same unprofiled steps; kernels timed by src/runtime/kernel-timer.ts).
 *   Goal: under 10%.
 * - utilisation: achieved FLOP/s (traced FLOPs per step ÷ step time) ÷ the backend's GEMM
 *   FLOP/s measured in this run. Goal: at least 0.5 for the MLP at batch 256.
 * - accumulation: peak tensor bytes and seconds per step for several k at a fixed number of
 *   samples per step (the memory/time trade-off).
 *
 * Options: COSTSIM_BACKEND=wasm|cpu|... (default: best available), --json for one JSON object.
 */
import { initRuntime, tf } from '../src/runtime/index.ts';
import { measureGemm } from '../src/runtime/gemm-bench.ts';
import { buildZooModel, type ZooModelName } from '../src/bench/zoo/index.ts';
import { EpochSampler, trainStep, trainableVariables } from '../src/bench/train/loop.ts';
import { profileTrainStep } from '../src/bench/train/profile.ts';
import { measureAccumulation } from '../src/bench/train/accumulation.ts';
import { optimizerKernels, withKernelTiming } from '../src/runtime/index.ts';
import { countFlops } from '../src/bench/flops/analytic.ts';
import { createRng } from '../src/util/rng.ts';
import { nativeAdam } from '../src/runtime/native/adam.ts';

tf.enableProdMode();
const json = process.argv.includes('--json');
const log = (text: string): void => {
  if (!json) process.stdout.write(`${text}\n`);
};

const CASES: Array<{ model: ZooModelName; batch: number; ks: number[] }> = [
  { model: 'mlp', batch: 256, ks: [1, 2, 4, 8] },
  { model: 'cnn', batch: 64, ks: [1, 4] },
  { model: 'transformer', batch: 64, ks: [1, 4] },
];
const TIMED_STEPS = Number(process.env.HARNESS_STEPS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const choice = await initRuntime({ env: process.env });
const gemm = await measureGemm(tf.getBackend() === 'cpu' ? 256 : 1024, 1.0);
log(`backend ${choice.name} (${choice.reason})`);
log(`GEMM ${gemm.n}² fp32: ${gemm.gflops.toFixed(2)} GFLOP/s (measured now, ${gemm.repeats} repeats)\n`);

const results = [];
for (const { model: name, batch, ks } of CASES) {
  const { model, task } = buildZooModel(name, { seed: 0 });
  const optimizer = nativeAdam(1e-3); // fused on the native backend, tf.train.adam elsewhere
  const sampler = new EpochSampler(task.train.count, createRng(0));
  const variables = trainableVariables(model);
  for (let i = 0; i < 2; i++) trainStep(model, task, optimizer, sampler.next(batch), 1, false, variables); // warm-up
  const profiled = await profileTrainStep(model, task, optimizer, sampler.next(batch), 1);
  // The machine is shared: re-measure GEMM right before this model's steps, and take the median step time.
  const localGemm = await measureGemm(tf.getBackend() === 'cpu' ? 256 : 1024, 0.5);
  const stepTimes: number[] = [];
  const start = performance.now();
  const { timing } = await withKernelTiming(
    async () => {
      for (let i = 0; i < TIMED_STEPS; i++) {
        const t0 = performance.now();
        trainStep(model, task, optimizer, sampler.next(batch), 1, false, variables);
        stepTimes.push((performance.now() - t0) / 1000); // cpu, wasm and native kernels are synchronous
      }
      await (variables[0] as tf.Variable).data();
    },
    { alsoTime: optimizerKernels(optimizer) },
  );
  const wallSeconds = (performance.now() - start) / 1000;
  const stepSeconds = median(stepTimes);
  const kernelSecondsPerStep = timing.kernelSeconds / TIMED_STEPS;
  const outsideShare = 1 - timing.kernelSeconds / wallSeconds;
  const achievedGflops = profiled.traced.totalFlops / stepSeconds / 1e9;
  const analytic = countFlops(model, { batchSize: batch }).totals;
  // Where the kernel time goes: the three slowest kernels, with their share of traced FLOPs.
  const topKernels = Object.entries(timing.byKernel)
    .map(([kernel, v]) => ({
      kernel,
      launchesPerStep: v.count / TIMED_STEPS,
      timeShare: v.seconds / timing.kernelSeconds,
      flopShare: (profiled.traced.byKernel[kernel]?.flops ?? 0) / profiled.traced.totalFlops,
    }))
    .sort((a, b) => b.timeShare - a.timeShare)
    .slice(0, 3);
  const accumulation = await measureAccumulation({
    model,
    task,
    samplesPerStep: batch,
    ks,
    timedSteps: Math.max(1, Math.ceil(TIMED_STEPS / 2)),
    rng: createRng(1),
  });
  const row = {
    model: name,
    batch,
    stepSeconds,
    samplesPerSecond: batch / stepSeconds,
    tracedGflopPerStep: profiled.traced.totalFlops / 1e9,
    analyticMatmulGflopPerStep: analytic.matmulTrainStepFlops / 1e9,
    tracedMatmulGflopPerStep: profiled.traced.matmulConvFlops / 1e9,
    kernelSecondsPerStep,
    outsideKernelShare: outsideShare,
    achievedGflops,
    gemmGflops: localGemm.gflops,
    utilisation: achievedGflops / localGemm.gflops,
    topKernels,
    accumulation,
  };
  results.push(row);
  log(`${name} batch ${batch}: ${(stepSeconds * 1000).toFixed(1)} ms/step (median of ${TIMED_STEPS}), ${row.samplesPerSecond.toFixed(0)} samples/s`);
  log(
    `  FLOPs/step traced ${row.tracedGflopPerStep.toFixed(3)} G (matmul/conv ${row.tracedMatmulGflopPerStep.toFixed(3)} G; analytic ${row.analyticMatmulGflopPerStep.toFixed(3)} G)`,
  );
  log(`  outside tfjs kernels: ${(outsideShare * 100).toFixed(1)}% of step time (goal < 10%) ${outsideShare < 0.1 ? 'OK' : 'MISSED'}`);
  log(
    `  slowest kernels: ${topKernels.map((k) => `${k.kernel} ${(k.timeShare * 100).toFixed(0)}% of kernel time for ${(k.flopShare * 100).toFixed(0)}% of FLOPs`).join('; ')}`,
  );
  log(
    `  achieved ${achievedGflops.toFixed(2)} GFLOP/s (median step) = ${row.utilisation.toFixed(3)} × GEMM ${localGemm.gflops.toFixed(2)} GFLOP/s measured just before${name === 'mlp' ? ` (goal ≥ 0.5) ${row.utilisation >= 0.5 ? 'OK' : 'MISSED'}` : ''}`,
  );
  log(
    `  accumulation at ${batch} samples/step: ${accumulation.map((p) => `k=${p.accumulationSteps}: ${(p.peakBytes / 2 ** 20).toFixed(1)} MiB peak, ${(p.stepSeconds * 1000).toFixed(0)} ms/step`).join('; ')}\n`,
  );
  optimizer.dispose();
  model.dispose();
  task.dispose();
}
if (json) process.stdout.write(`${JSON.stringify({ backend: choice.name, backendReason: choice.reason, gemm, results })}\n`);
