/**
 * `npm run bench:serve`: the KV-cached tfjs decoder measured on this machine against the
 * serving model's prediction for local-cpu (GEMM rate, matrix-vector bandwidth and op dispatch
 * measured on the spot), per backend, batch and context, as ratios from one run; with the
 * calibration factor per backend fitted on every other batch size and its out-of-sample error.
 *
 * Shapes: GPT-2 small (random weights) and the zoo transformer. Flags: --tiny (a quick check:
 * batches 1,2,4, context 16, 2 steps; batch 1 only on the pure-JS cpu backend, which takes minutes per
 * GPT-2 point on a loaded machine), --json, --backend <name> (one backend only).
 */
import { loadavg } from 'node:os';
import { tf } from '../src/runtime/tf.ts';
import { defaultLoaders, probeBackends } from '../src/runtime/index.ts';
import { measureSweep } from '../src/serve/measure/sweep.ts';
import { GPT2_DECODER, zooTransformerDecoder } from '../src/serve/resolve.ts';

tf.enableProdMode();
const args = process.argv.slice(2);
const json = args.includes('--json');
const tiny = args.includes('--tiny');
const backendArg = args.indexOf('--backend');
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

const available = (await probeBackends(defaultLoaders())).filter((p) => p.available).map((p) => p.name);
const backends = backendArg >= 0 ? [args[backendArg + 1] as string] : available;
const loadBefore = loadavg();
log(`bench:serve backends ${backends.join(', ')}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
const settings = tiny
  ? { batches: [1, 2, 4], contexts: [16], steps: 2, cpuMaxBatch: 1 }
  : { batches: [1, 2, 4, 8, 16, 32, 64], contexts: [64, 256], steps: 8, cpuMaxBatch: 4 };
const shapes = [
  // At most 4,096 prompt tokens at once (b16 at c256): b32 × c256 aborts with a wasm out-of-bounds access (see SweepOptions.maxPrefillTokens).
  { id: 'gpt2', shape: GPT2_DECODER, maxPrefillTokens: 4096 },
  { id: 'transformer', shape: zooTransformerDecoder() },
];
const results = [];
for (const { id, shape, ...limits } of shapes) {
  const r = await measureSweep(shape, id, {
    backends,
    ...settings,
    ...limits,
    onPoint: (p) => log(`${id} ${p.backend} b${p.batch} c${p.contextTokens}: decode ${p.measuredDecodeTokensPerSecond.toPrecision(3)} tok/s`),
  });
  results.push({ model: id, ...r });
}
const loadAfter = loadavg();
if (json) {
  process.stdout.write(`${JSON.stringify({ loadAverage: { before: loadBefore, after: loadAfter }, settings, results })}\n`);
} else {
  for (const r of results) {
    console.log(`\n${r.model}: measured ÷ predicted (raw, before calibration)`);
    console.log('backend  batch  context  prefill  decode  decode calibrated');
    for (const p of r.points) {
      const cal = p.calibratedDecodeTokensPerSecond === null ? 'n/a' : (p.measuredDecodeTokensPerSecond / p.calibratedDecodeTokensPerSecond).toFixed(3);
      console.log(
        `${p.backend.padEnd(8)} ${String(p.batch).padStart(5)} ${String(p.contextTokens).padStart(8)} ${(p.measuredPrefillTokensPerSecond / p.predictedPrefillTokensPerSecond).toFixed(3).padStart(8)} ${(p.measuredDecodeTokensPerSecond / p.predictedDecodeTokensPerSecond).toFixed(3).padStart(7)} ${cal.padStart(8)}${p.inFit ? ' (fit)' : ''}`,
      );
    }
    for (const c of r.calibrations)
      console.log(
        `${c.backend}: decode factor ${c.decodeFactor.toFixed(3)} (fit on ${c.fitBatches.join(',')}), prefill factor ${c.prefillFactor.toFixed(3)}; raw max error ×${c.rawMaxError.toFixed(2)}, out-of-sample ×${c.outOfSampleMaxError.toFixed(2)} on ${c.checkBatches.join(',') || 'none'}, in-sample ×${c.inSampleMaxError.toFixed(2)}`,
      );
  }
  console.log(
    `\nload average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (2 vCPUs: above ~2 the figures are contended)`,
  );
}
