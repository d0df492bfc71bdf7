/**
 * `npm run bench:peer`: costsim's training throughput against PyTorch CPU on this machine, in
 * one run. The zoo's MLP (784-512-512-10, batch 256), CNN (conv32-conv64-fc64, batch 64) and
 * transformer (batch 64) train with Adam on every costsim backend configuration available
 * (native OpenBLAS kernels at 1 and 2 BLAS threads, plain wasm) and in PyTorch (the same
 * architectures rebuilt in perf/peer_torch.py) at 1 and 2 threads; samples/s and the ratio
 * costsim / PyTorch are printed, then GEMM 1024² against numpy (same OpenBLAS) and a profile of
 * one native training step (GEMM/conv kernels vs other kernels vs fused Adam vs JS overhead).
 * Then the transformer at the GPT-2-small shape (perf/peer/transformer.ts): training samples/s
 * and KV-cached decode tokens/s at batch 1 and 16 on the native configurations against the
 * PyTorch twins (perf/peer_torch.py), and for every transformer row where its time goes
 * (inside kernels vs outside them, src/runtime/kernel-timer.ts).
 *
 * Flags: --models mlp,cnn,transformer  --seconds 3 (per measurement)  --rounds 1 (best of)
 *        --threads 1,2  --backends native,wasm  --no-torch  --no-install  --no-profile  --json
 *        --no-gpt2  --gpt2-shape layers,hidden,heads,ffn,vocab,sequence,trainBatch (default GPT-2 small, 128 tokens, batch 4)
 *        --decode-batches 1,16  --decode-context 128  --decode-steps 16
 * Measured numbers only; the machine is shared, so compare ratios from the same run.
 */
import { cpus, loadavg } from 'node:os';
import { initRuntime, tf } from '../src/runtime/index.ts';
import { measureGemm } from '../src/runtime/gemm-bench.ts';
import { loadNativeAddon } from '../src/runtime/native/addon.ts';
import { loadTask, resolveModelOptions, type ZooModelName } from '../src/bench/zoo/index.ts';
import { additionLayout, ADDITION_VOCAB_SIZE } from '../src/bench/data/addition.ts';
import { profileStep, timeCostsim, type CostsimConfig, type StepProfile } from './peer/costsim.ts';
import { GPT2_SMALL, timeDecode, timeGptTraining, zooStepSplit, type GptShape, type TimeSplit } from './peer/transformer.ts';
import { findTorchPython, runTorch, torchDefaultThreads, type TorchReport } from './peer/torch.ts';

const BATCH: Record<ZooModelName, number> = { mlp: 256, cnn: 64, transformer: 64 };

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
const has = (name: string): boolean => process.argv.includes(`--${name}`);
const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const models = list(flag('models') ?? 'mlp,cnn,transformer') as ZooModelName[];
const seconds = Number(flag('seconds') ?? 3);
const rounds = Number(flag('rounds') ?? 1);
const threadCounts = list(flag('threads') ?? '1,2').map(Number);
const backends = list(flag('backends') ?? 'native,wasm');
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const gpt2Shape = ((value?: string): GptShape => {
  if (!value) return GPT2_SMALL;
  const [layers, hidden, heads, ffn, vocab, sequence, trainBatch] = list(value).map(Number) as number[];
  return { layers, hidden, heads, ffn, vocab, sequence, trainBatch } as GptShape;
})(flag('gpt2-shape'));
const decodeBatches = list(flag('decode-batches') ?? '1,16').map(Number);
const decodeContext = Number(flag('decode-context') ?? 128);
const decodeSteps = Number(flag('decode-steps') ?? 16);

/** The PyTorch twin of a zoo model: architecture numbers read from the zoo's own defaults. */
function torchSpec(name: ZooModelName): object {
  const o = resolveModelOptions(name);
  if (name === 'mlp') return { name, batch: BATCH.mlp, inputSize: 784, classes: 10, width: o.width, depth: o.depth };
  if (name === 'cnn') return { name, batch: BATCH.cnn, side: 28, classes: 10, filters1: o.filters1, filters2: o.filters2, dense: o.dense };
  const layout = additionLayout(o.digits as number);
  return {
    name,
    batch: BATCH.transformer,
    length: layout.inputLength,
    vocab: ADDITION_VOCAB_SIZE,
    answerLength: layout.answerLength,
    dModel: o.dModel,
    heads: o.heads,
    layers: o.layers,
    mlpRatio: o.mlpRatio,
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const choice = await initRuntime({});
  const available = new Set(choice.probes.filter((p) => p.available).map((p) => p.name));
  const native = loadNativeAddon();
  const configs: CostsimConfig[] = [];
  if (backends.includes('native') && available.has('native')) {
    for (const threads of threadCounts) configs.push({ label: `native ${threads}t`, backend: 'native', threads, adam: 'fused' });
    configs.push({ label: `native ${Math.max(...threadCounts)}t tf-adam`, backend: 'native', threads: Math.max(...threadCounts), adam: 'tfjs' });
  } else if (backends.includes('native')) {
    log(`bench:peer: native backend unavailable: ${native.ok ? 'not loaded' : native.reason}`);
  }
  if (backends.includes('wasm') && available.has('wasm')) configs.push({ label: 'wasm', backend: 'wasm', adam: 'tfjs' });
  if (backends.includes('cpu')) configs.push({ label: 'cpu', backend: 'cpu', adam: 'tfjs' });

  const torchPython = has('no-torch') ? { why: '--no-torch' } : findTorchPython(log, !has('no-install'));
  if (!torchPython.python) log(`bench:peer: PyTorch side skipped: ${torchPython.why}`);
  const torchInfo: Partial<TorchReport> = torchPython.python ? { defaultThreads: torchDefaultThreads(torchPython.python) } : {};

  // samples/s per model per configuration, best over rounds.
  const results: Record<string, Record<string, number>> = {};
  const best = (model: string, label: string, value: number): void => {
    results[model] ??= {};
    results[model][label] = Math.max(results[model][label] ?? 0, value);
  };
  const gemm: Record<string, number> = {};
  const profiles: StepProfile[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const name of models) {
      const task = loadTask(name, { seed: 0, ...(name === 'transformer' ? { digits: resolveModelOptions(name).digits } : {}) });
      for (const config of configs) {
        log(`round ${round + 1}/${rounds}: ${name} on ${config.label}...`);
        const run = await timeCostsim(name, task, BATCH[name], config, seconds);
        best(name, config.label, run.samplesPerSecond);
      }
      if (round === 0 && !has('no-profile')) {
        for (const config of configs.filter((c) => c.backend === 'native' && (c.threads === 1 || c.adam === 'tfjs'))) {
          profiles.push({ ...(await profileStep(name, task, BATCH[name], config)), label: `${name} ${config.label}` });
        }
      }
      task.dispose();
      if (torchPython.python) {
        for (const threads of threadCounts) {
          log(`round ${round + 1}/${rounds}: ${name} in PyTorch, ${threads} thread(s)...`);
          const report = runTorch(torchPython.python, threads, { seconds, gemm: false, models: [torchSpec(name)] });
          Object.assign(torchInfo, { torch: report.torch, numpy: report.numpy });
          for (const r of report.runs) best(name, `torch ${threads}t`, r.samplesPerSecond ?? 0);
        }
      }
    }
    // GEMM 1024²: native (tf.matMul on the native backend) against numpy on the same OpenBLAS.
    for (const threads of threadCounts) {
      if (available.has('native') && native.ok) {
        await tf.setBackend('native');
        native.addon.setThreads(threads);
        gemm[`native ${threads}t`] = Math.max(gemm[`native ${threads}t`] ?? 0, (await measureGemm(1024, seconds / 2)).gflops);
      }
      if (torchPython.python) {
        const report = runTorch(torchPython.python, threads, { seconds, gemm: true, models: [] });
        gemm[`numpy ${threads}t`] = Math.max(gemm[`numpy ${threads}t`] ?? 0, report.runs[0]?.gflops ?? 0);
      }
    }
    if (available.has('wasm')) {
      await tf.setBackend('wasm');
      gemm.wasm = Math.max(gemm.wasm ?? 0, (await measureGemm(1024, seconds / 2)).gflops);
    }
  }
  const { gpt, splits } = await transformerRows(configs, torchPython.python);
  const loadAfter = loadavg();
  const report = {
    machine: { cpu: cpus()[0]?.model, vcpus: cpus().length, loadBefore, loadAfter },
    blas: native.ok ? native.blas : undefined,
    torch: torchInfo,
    seconds,
    rounds,
    results,
    gemm,
    profiles,
    gpt2Shape,
    gpt,
    splits,
  };
  if (has('json')) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  printTables(report);
}

/**
 * The transformer rows: the zoo transformer's step split (batch 64), and at the GPT-2-small shape
 * training samples/s and decode tokens/s per native configuration and PyTorch thread count.
 * A row that fails (e.g. out of wasm memory) is logged and left out; the run goes on.
 */
async function transformerRows(
  configs: CostsimConfig[],
  python: string | undefined,
): Promise<{ gpt: Record<string, Record<string, number>>; splits: Array<{ label: string; split: TimeSplit }> }> {
  const gpt: Record<string, Record<string, number>> = {};
  const splits: Array<{ label: string; split: TimeSplit }> = [];
  const nativeConfigs = configs.filter((c) => c.backend === 'native' && c.adam === 'fused');
  const attempt = async (what: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      log(`bench:peer: ${what} failed: ${(error as Error).message.split('\n')[0]}`);
    }
  };
  if (models.includes('transformer')) {
    const task = loadTask('transformer', { seed: 0, digits: resolveModelOptions('transformer').digits });
    for (const config of nativeConfigs) {
      await attempt(`transformer split on ${config.label}`, async () => {
        splits.push({
          label: `transformer b${BATCH.transformer} train ${config.label}`,
          split: await zooStepSplit('transformer', task, BATCH.transformer, config),
        });
      });
    }
    task.dispose();
  }
  if (has('no-gpt2')) return { gpt, splits };
  const s = gpt2Shape;
  const trainRow = `train b${s.trainBatch}×${s.sequence}`;
  for (const config of nativeConfigs) {
    log(`GPT-2-small shape: training on ${config.label}...`);
    await attempt(`GPT-2-small training on ${config.label}`, async () => {
      const run = await timeGptTraining(s, config, seconds);
      (gpt[trainRow] ??= {})[config.label] = run.samplesPerSecond;
      splits.push({ label: `gpt2 ${trainRow} ${config.label}`, split: run.split });
    });
    for (const batch of decodeBatches) {
      log(`GPT-2-small shape: decode batch ${batch} on ${config.label}...`);
      await attempt(`GPT-2-small decode b${batch} on ${config.label}`, async () => {
        const run = await timeDecode(s, batch, decodeContext, decodeSteps, config);
        (gpt[`decode b${batch} (tokens/s)`] ??= {})[config.label] = run.tokensPerSecond;
        splits.push({ label: `gpt2 decode b${batch} ${config.label}`, split: run.split });
      });
    }
  }
  if (python) {
    const base = { layers: s.layers, hidden: s.hidden, heads: s.heads, ffn: s.ffn, vocab: s.vocab };
    const train = {
      name: 'transformer',
      label: 'gpt2-train',
      batch: s.trainBatch,
      length: s.sequence,
      vocab: s.vocab,
      answerLength: s.sequence,
      dModel: s.hidden,
      heads: s.heads,
      layers: s.layers,
      mlpRatio: s.ffn / s.hidden,
    };
    const decodes = decodeBatches.map((batch) => ({ name: 'decode', label: `decode-b${batch}`, ...base, batch, context: decodeContext, steps: decodeSteps }));
    for (const threads of threadCounts) {
      log(`GPT-2-small shape in PyTorch, ${threads} thread(s)...`);
      await attempt(`GPT-2-small in PyTorch at ${threads} thread(s)`, async () => {
        const report = runTorch(python, threads, { seconds, gemm: false, models: [train, ...decodes] });
        for (const r of report.runs) {
          const row = r.what === 'gpt2-train' ? trainRow : `decode b${r.what.replace('decode-b', '')} (tokens/s)`;
          (gpt[row] ??= {})[`torch ${threads}t`] = r.tokensPerSecond ?? r.samplesPerSecond ?? 0;
        }
      });
    }
  }
  return { gpt, splits };
}

function printTables(r: {
  machine: { cpu?: string; vcpus: number; loadBefore: number[]; loadAfter: number[] };
  blas?: string;
  torch: Partial<TorchReport>;
  results: Record<string, Record<string, number>>;
  gemm: Record<string, number>;
  profiles: StepProfile[];
  gpt2Shape: GptShape;
  gpt: Record<string, Record<string, number>>;
  splits: Array<{ label: string; split: TimeSplit }>;
}): void {
  const out = (line = ''): void => void process.stdout.write(`${line}\n`);
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  out(
    `bench:peer (measured now): ${r.machine.cpu}, ${r.machine.vcpus} vCPUs; load average before ${load(r.machine.loadBefore)}, after ${load(r.machine.loadAfter)}`,
  );
  out(
    `OpenBLAS: ${r.blas ?? 'native addon not loaded'}; PyTorch ${r.torch.torch ?? '-'} (default threads ${r.torch.defaultThreads ?? '-'}), numpy ${r.torch.numpy ?? '-'}`,
  );
  out();
  out('training samples/s (Adam, best of rounds)');
  const labels = [...new Set(Object.values(r.results).flatMap((row) => Object.keys(row)))];
  out(['model'.padEnd(12), ...labels.map((l) => l.padStart(18)), 'costsim/PyTorch'.padStart(17)].join(''));
  for (const [model, row] of Object.entries(r.results)) {
    const costsim = Math.max(
      0,
      ...Object.entries(row)
        .filter(([l]) => !l.startsWith('torch'))
        .map(([, v]) => v),
    );
    const torch = Math.max(
      0,
      ...Object.entries(row)
        .filter(([l]) => l.startsWith('torch'))
        .map(([, v]) => v),
    );
    const cells = labels.map((l) => (row[l] === undefined ? '-' : (row[l] as number).toFixed(0)).padStart(18));
    out([`${model} b${BATCH[model as ZooModelName]}`.padEnd(12), ...cells, (torch ? (costsim / torch).toFixed(2) : '-').padStart(17)].join(''));
  }
  out('(ratio: best costsim configuration / best PyTorch thread count)');
  out();
  out('GEMM 1024² float32, GFLOP/s');
  out(
    Object.entries(r.gemm)
      .map(([k, v]) => `${k}: ${v.toFixed(1)}`)
      .join('   '),
  );
  for (const t of threadCounts) {
    const n = r.gemm[`native ${t}t`];
    const p = r.gemm[`numpy ${t}t`];
    if (n && p) out(`  native/numpy at ${t} thread(s): ${(n / p).toFixed(2)}`);
  }
  if (r.profiles.length) {
    out();
    out('one profiled training step, ms (tf.profile; fused Adam is not a kernel, so it is timed apart)');
    out(
      ['step'.padEnd(30), 'total', 'GEMM/conv+fused', 'other native', 'wasm kernels', 'Adam', 'outside kernels']
        .map((s, i) => (i ? s.padStart(16) : s))
        .join(''),
    );
    for (const p of r.profiles) {
      out(
        [
          p.label.padEnd(30),
          ...[p.stepMs, p.gemmConvMs, p.nativeMemoryMs, p.wasmKernelsMs, p.adamMs, p.outsideKernelsMs].map((v) => v.toFixed(1).padStart(16)),
        ].join(''),
      );
      out(`${''.padEnd(30)}top kernels: ${p.topKernels.map((k) => `${k.name} ${k.ms.toFixed(1)}`).join(', ')}`);
    }
  }
  const g = r.gpt2Shape;
  if (Object.keys(r.gpt).length) {
    out();
    out(
      `GPT-2-small shape (${g.layers} layers, ${g.hidden} wide, ${g.heads} heads, FFN ${g.ffn}, vocab ${g.vocab}): training samples/s, KV-cached decode tokens/s after ${decodeContext} tokens`,
    );
    const labels = [...new Set(Object.values(r.gpt).flatMap((row) => Object.keys(row)))];
    out(['row'.padEnd(24), ...labels.map((l) => l.padStart(18)), 'costsim/PyTorch'.padStart(17)].join(''));
    for (const [name, row] of Object.entries(r.gpt)) {
      const costsim = Math.max(
        0,
        ...Object.entries(row)
          .filter(([l]) => !l.startsWith('torch'))
          .map(([, v]) => v),
      );
      const torch = Math.max(
        0,
        ...Object.entries(row)
          .filter(([l]) => l.startsWith('torch'))
          .map(([, v]) => v),
      );
      out(
        [
          name.padEnd(24),
          ...labels.map((l) => (row[l] === undefined ? '-' : (row[l] as number).toFixed(1)).padStart(18)),
          (torch ? (costsim / torch).toFixed(2) : '-').padStart(17),
        ].join(''),
      );
    }
  }
  if (r.splits.length) {
    out();
    out(
      'where the time goes (kernel timer, per step: the mean of n steady-state steps timed together): wall ms, inside kernels ms (incl. fused Adam), outside kernels %, n',
    );
    for (const { label, split } of r.splits) {
      out(
        `${label.padEnd(44)}${(split.wallSeconds * 1000).toFixed(1).padStart(10)}${(split.kernelSeconds * 1000).toFixed(1).padStart(10)}${(split.outsideFraction * 100).toFixed(1).padStart(8)}%${String(split.repeats).padStart(6)}`,
      );
      out(
        `${''.padEnd(44)}top kernels (ms×launches per step): ${split.topKernels.map((k) => `${k.name} ${k.ms.toFixed(1)}×${Number(k.count.toFixed(2))}`).join(', ')}`,
      );
    }
  }
}

await main();
