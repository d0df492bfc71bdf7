/**
 * `npm run bench:placement`: the planner against reality on this machine.
 *
 * 1. Calibration: an MLP (zoo `mlp`, real MNIST digits) run for real with its layers spread
 *    over the tfjs backends present (cpu, wasm, native when built), forward and training step,
 *    each beside the planner's prediction for the same plan from figures measured here.
 * 2. The 7B fine-tune comparison (modeled): one 24 GB L4 with CPU offload vs one 80 GB A100.
 * 3. Planner speed: the optimal DP vs greedy fill on a 13B shape over three devices, as ratios
 *    measured in one run.
 *
 * Flags: --json (one JSON object on stdout), --steps N (timed steps per plan at least, default 3;
 * fast plans keep stepping for 1.5 s so their medians are stable on a shared machine).
 */
import { tf } from '../src/runtime/tf.ts';
import { defaultLoaders, initRuntime, probeBackends } from '../src/runtime/index.ts';
import { buildZooModel } from '../src/bench/zoo/index.ts';
import { findDevice } from '../src/devices/catalog.ts';
import { measureLocalCpu, pricingFromInstance } from '../src/devices/local.ts';
import { calibrate, formatCalibration } from '../src/placement/calibrate.ts';
import { parseTransformerShape, transformerGraph } from '../src/placement/transformer.ts';
import { toPlannerDevice } from '../src/placement/roofline.ts';
import { planPlacements } from '../src/placement/planner.ts';
import { optimalPlan } from '../src/placement/dp.ts';
import { greedyPlan } from '../src/placement/strategies.ts';

tf.enableProdMode();
const json = process.argv.includes('--json');
const stepsArg = process.argv.indexOf('--steps');
const steps = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 3;
const log = (text: string): void => {
  if (!json) process.stdout.write(`${text}\n`);
};

// 1. calibration
const probes = await probeBackends(defaultLoaders());
const tfjsNames: Record<string, string> = { tensorflow: 'tensorflow', native: 'native', wasm: 'wasm', cpu: 'cpu' };
const present = probes.filter((p) => p.available).map((p) => tfjsNames[p.name] as string);
await initRuntime({ flag: present.includes('wasm') ? 'wasm' : 'cpu' });
const { model, task } = buildZooModel('mlp', { width: 256, depth: 2, seed: 0, dataLimit: 512 });
const batchSize = 128;
const input = task.train.x.slice([0, 0], [batchSize, -1]).dataSync() as Float32Array;
const labels = Int32Array.from(tf.tidy(() => tf.argMax(task.train.y.slice([0, 0], [batchSize, -1]), 1)).dataSync());
const fast = present.filter((b) => b !== 'cpu');
const plans: string[][] = [];
for (const b of present) plans.push([b, b, b]);
if (present.includes('cpu') && present.includes('wasm')) plans.push(['wasm', 'cpu', 'wasm'], ['cpu', 'wasm', 'wasm']);
if (fast.length >= 2) plans.push([fast[0] as string, fast[1] as string, fast[0] as string]);
const base = await measureLocalCpu({ gemmN: 256, gemmSeconds: 0.2 });
const calibration = await calibrate({
  model,
  input,
  labels,
  batchSize,
  plans,
  modes: ['forward', 'train'],
  steps,
  budgetSeconds: 1.5,
  base,
  pricing: pricingFromInstance(findDevice('aws-c6a.large')!),
});
model.dispose();
task.dispose();
log(`backends present: ${present.join(', ')} (machine shared with other jobs: ratios within this run are what count)`);
log(formatCalibration(calibration));

// 1b. why backward runs transposes explicitly: matMul with transpose flags vs transpose + matMul
const transposeRatios: Record<string, number> = {};
for (const backend of present) {
  await tf.setBackend(backend);
  const n = backend === 'cpu' ? 128 : 256;
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const timeOp = (f: () => tf.Tensor): number => {
    f().dispose();
    const start = performance.now();
    for (let i = 0; i < 5; i++) {
      const r = f();
      r.dataSync();
      r.dispose();
    }
    return performance.now() - start;
  };
  const flags = timeOp(() => tf.matMul(a, b, true, false));
  const explicit = timeOp(() => tf.tidy(() => tf.matMul(tf.transpose(a), b)));
  transposeRatios[backend] = flags / explicit;
  tf.dispose([a, b]);
}
log(
  `matMul(aᵀ·b) with transposeA flag ÷ explicit transpose + matMul, ${'per backend'}: ${Object.entries(transposeRatios)
    .map(([k, v]) => `${k} ${v.toFixed(1)}×`)
    .join(', ')}`,
);

// 2. the 7B fine-tune, modeled
const setups: Record<string, string[]> = {
  'L4 24 GB + host (offload)': ['l4', 'aws-r6a.4xlarge'],
  'A100 80 GB alone': ['a100-80gb'],
  'A100 80 GB + host (offload)': ['a100-80gb', 'aws-r6a.4xlarge'],
};
const sevenB: Record<string, unknown> = {};
for (const accum of [1, 16]) {
  const seven = transformerGraph(parseTransformerShape(`transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000,recompute=full,accum=${accum}`));
  log(`\n7B fine-tune (${seven.name}), modeled:`);
  for (const [setup, ids] of Object.entries(setups)) {
    const label = `${setup}, accum ${accum}`;
    const devices = ids.map((id) => toPlannerDevice(findDevice(id)!, seven.dtype));
    const result = planPlacements(seven, devices, 'time');
    const rows = result.plans.map((p) => ({
      strategy: p.strategy,
      fits: p.fits,
      stepSeconds: p.stepSeconds,
      usdPerMTokens: p.usdPerMTokens,
      devices: p.devices.map((d) => ({ id: d.id, bytesUsed: d.bytesUsed, capacityBytes: d.capacityBytes })),
    }));
    sevenB[label] = rows;
    log(`  ${label}:`);
    for (const r of rows) {
      const mem = r.devices.map((d) => `${d.id} ${(d.bytesUsed / 1e9).toFixed(1)}/${(d.capacityBytes / 1e9).toFixed(1)} GB`).join(', ');
      log(
        `    ${r.strategy.padEnd(17)} ${r.fits ? 'fits  ' : 'NO FIT'} ${r.stepSeconds.toFixed(2).padStart(8)} s/step  $${r.usdPerMTokens.toFixed(2).padStart(7)}/1M tokens  ${mem}`,
      );
    }
  }
}

// 3. planner speed: optimal DP vs greedy on a 13B shape over three devices (same process, same load)
const thirteen = transformerGraph(parseTransformerShape('transformer:layers=40,hidden=5120,heads=40,seq=2048,vocab=32000,recompute=full'));
const devices13 = ['l4', 'a100-80gb', 'aws-r6a.4xlarge'].map((id) => toPlannerDevice(findDevice(id)!, thirteen.dtype));
const time = (f: () => unknown): number => {
  const start = performance.now();
  f();
  return (performance.now() - start) / 1000;
};
const greedySeconds = time(() => greedyPlan(thirteen, devices13));
let dp: ReturnType<typeof optimalPlan>;
const dpSeconds = time(() => (dp = optimalPlan(thirteen, devices13, 'time')));
const greedyStep = greedyPlan(thirteen, devices13)?.stepSeconds ?? NaN;
log(
  `\nplanner on a 13B shape (42 layers; l4, a100-80gb, host: 5 options per layer): DP ${dpSeconds.toFixed(2)} s vs greedy ${greedySeconds.toFixed(4)} s ` +
    `(${(dpSeconds / greedySeconds).toFixed(0)}× slower); step ${dp?.stepSeconds.toFixed(2)} s vs ${greedyStep.toFixed(2)} s (${(greedyStep / (dp?.stepSeconds ?? NaN)).toFixed(1)}× faster plan)` +
    `${dp?.notes.some((n) => n.includes('thinned')) ? ' [frontier thinned: near-optimal]' : ''}`,
);

if (json)
  process.stdout.write(
    `${JSON.stringify({ calibration: { ...calibration, graph: undefined }, transposeRatios, sevenB, plannerSeconds: { dp: dpSeconds, greedy: greedySeconds } })}\n`,
  );
