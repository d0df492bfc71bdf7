/**
 * `npm run bench:prune`: what pruning does to inference speed on this backend, as ratios
 * measured side by side in one process (no training: pruning is applied one-shot to the
 * seeded zoo models, which does not change timing).
 *
 * - unstructured magnitude pruning at 50/90/95%: latency ratio vs the dense model. Expected
 *   ≈ 1.0 (dense kernels multiply the zeros); the FLOPs ratio beside it is what an ideal
 *   sparse kernel would give (modeled).
 * - structured pruning at 50/75/90%: the rebuilt, smaller model's latency ratio vs dense.
 * - mask overhead: seconds to re-apply masks after an update ÷ seconds of a training step.
 *
 * Options: COSTSIM_BACKEND=wasm|cpu|... (default: best available), --json for one JSON object.
 */
import { initRuntime, tf } from '../src/runtime/index.ts';
import type { LayersModel } from '../src/runtime/tf.ts';
import { buildZooModel, createZooModel, type ZooModelName } from '../src/bench/zoo/index.ts';
import { countFlops } from '../src/bench/flops/analytic.ts';
import { compareLatency, inputBatch } from '../src/bench/prune/latency.ts';
import { applyMasks } from '../src/bench/prune/prunable.ts';
import { pruneOnce } from '../src/bench/prune/pruner.ts';
import { unstructuredPolicy } from '../src/bench/prune/unstructured.ts';
import { structuredPolicy } from '../src/bench/prune/structured-plan.ts';
import { rebuildStructured } from '../src/bench/prune/structured.ts';
import { EpochSampler, trainStep } from '../src/bench/train/loop.ts';
import { createRng } from '../src/util/rng.ts';

tf.enableProdMode();
const json = process.argv.includes('--json');
const log = (text: string): void => {
  if (!json) process.stdout.write(`${text}\n`);
};

const CASES: Array<{ model: ZooModelName; options: Record<string, number> }> = [
  { model: 'mlp', options: { width: 512, depth: 2 } },
  { model: 'cnn', options: { filters1: 8, filters2: 16, dense: 64 } },
];
const LARGE_BATCH = 256;

const choice = await initRuntime({ env: process.env });
log(`backend ${choice.name} (${choice.reason})`);
const results: Record<string, unknown>[] = [];

for (const c of CASES) {
  const { model: dense, task } = buildZooModel(c.model, { ...c.options, seed: 0, dataLimit: 2000 });
  const copy = (): LayersModel => {
    const m = createZooModel(c.model, task, { ...c.options, seed: 0 });
    m.setWeights(dense.getWeights());
    return m;
  };
  const x = inputBatch(task.test.x, LARGE_BATCH);
  const denseFlops = countFlops(dense, { batchSize: 1 }).totals.forwardFlops;
  for (const sparsity of [0.5, 0.9, 0.95]) {
    const pruned = copy();
    pruneOnce(unstructuredPolicy(pruned, { criterion: 'magnitude', scope: 'layer' }), sparsity);
    const cmp = compareLatency(dense, pruned, x);
    const flopsRatio = countFlops(pruned, { batchSize: 1 }).totals.effectiveForwardFlops / denseFlops;
    results.push({ model: c.model, mode: 'unstructured', sparsity, latencyRatio: cmp.ratio, verdict: cmp.verdict, modeledFlopsRatio: flopsRatio });
    log(`${c.model} unstructured ${sparsity}: latency ×${cmp.ratio.toFixed(2)} (${cmp.verdict}), modeled FLOPs ×${flopsRatio.toFixed(2)}`);
    pruned.dispose();
  }
  for (const sparsity of [0.5, 0.75, 0.9]) {
    const masked = copy();
    const policy = structuredPolicy(masked);
    pruneOnce(policy, sparsity);
    const smaller = await rebuildStructured(masked, policy.plan, policy.lastKept() as number[][]);
    const cmp = compareLatency(dense, smaller, x);
    const flopsRatio = countFlops(smaller, { batchSize: 1 }).totals.forwardFlops / denseFlops;
    results.push({ model: c.model, mode: 'structured', sparsity, latencyRatio: cmp.ratio, verdict: cmp.verdict, modeledFlopsRatio: flopsRatio });
    log(`${c.model} structured ${sparsity}: latency ×${cmp.ratio.toFixed(2)} (${cmp.verdict}), FLOPs ×${flopsRatio.toFixed(2)}`);
    masked.dispose();
    smaller.dispose();
  }
  // Mask re-application cost relative to one Adam step at batch 64.
  const trained = copy();
  const masks = pruneOnce(unstructuredPolicy(trained, { criterion: 'magnitude', scope: 'layer' }), 0.9);
  const optimizer = tf.train.adam(0.001);
  const sampler = new EpochSampler(task.train.count, createRng(0));
  const time = (fn: () => void, n: number): number => {
    const started = performance.now();
    for (let i = 0; i < n; i++) fn();
    return (performance.now() - started) / n;
  };
  time(() => trainStep(trained, task, optimizer, sampler.next(64), 1, false), 2);
  const stepMs = time(() => trainStep(trained, task, optimizer, sampler.next(64), 1, false), 5);
  const maskMs = time(() => applyMasks(masks), 20);
  results.push({ model: c.model, maskOverheadRatio: maskMs / stepMs, stepMs, maskMs });
  log(`${c.model} mask re-application: ${maskMs.toFixed(2)} ms vs train step ${stepMs.toFixed(1)} ms (×${(maskMs / stepMs).toFixed(3)})`);
  optimizer.dispose();
  trained.dispose();
  x.dispose();
  dense.dispose();
  task.dispose();
}
if (json) process.stdout.write(`${JSON.stringify({ backend: choice.name, largeBatch: LARGE_BATCH, results })}\n`);
