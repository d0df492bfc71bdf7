/**
 * `costsim bench --model M --batch B --accum-sweep 1,2,4,8`: the memory/time trade-off of
 * gradient accumulation at B samples per optimizer step (micro-batch B/k for each k).
 * Prints one row per k, or with --json one object { model, samplesPerStep, backend, points }.
 */
import { UsageError } from '../errors.ts';
import type { PipelineContext as CliContext } from './context.ts';
import type { BenchConfig } from '../bench/record.ts';
import { tf } from '../runtime/tf.ts';
import { buildZooModel } from '../bench/zoo/index.ts';
import { measureAccumulation } from '../bench/train/accumulation.ts';
import { createRng } from '../util/rng.ts';

/** Parse "1,2,4" into distinct positive integers that divide `samplesPerStep`. */
export function parseAccumSweep(text: string, samplesPerStep: number): number[] {
  const ks = text.split(',').map((part) => Number(part.trim()));
  for (const k of ks) {
    if (!Number.isInteger(k) || k <= 0) throw new UsageError('--accum-sweep', `every entry must be a positive integer (got "${text}")`, 'e.g. 1,2,4,8');
    if (samplesPerStep % k !== 0)
      throw new UsageError('--accum-sweep', `${k} does not divide --batch ${samplesPerStep} (the samples per step)`, `divisors of ${samplesPerStep}`);
  }
  return [...new Set(ks)];
}

/** Measure the sweep for `config` (its batchSize is the samples per step) and print it. */
export async function runAccumulationSweep(config: BenchConfig, ks: number[], timedSteps: number, ctx: CliContext, json: boolean): Promise<void> {
  const { model, task } = buildZooModel(config.model, { ...config.modelOptions, seed: config.seed });
  try {
    const points = await measureAccumulation({
      model,
      task,
      samplesPerStep: config.batchSize,
      ks,
      timedSteps,
      rng: createRng(config.seed),
      learningRate: config.learningRate,
    });
    if (json) {
      ctx.out(
        JSON.stringify({
          model: config.model,
          modelOptions: config.modelOptions,
          samplesPerStep: config.batchSize,
          backend: tf.getBackend(),
          timedSteps,
          provenance: 'measured: peak bytes from tf.profile of one step (data set excluded), seconds per step over the timed steps',
          points,
        }),
      );
      return;
    }
    ctx.out(`${config.model} at ${config.batchSize} samples per step on ${tf.getBackend()} (measured, ${timedSteps} timed steps per k):`);
    for (const p of points) {
      ctx.out(
        `  k=${String(p.accumulationSteps).padEnd(3)} micro-batch ${String(p.microBatchSize).padEnd(5)} peak ${(p.peakBytes / 2 ** 20).toFixed(1).padStart(7)} MiB  ${(p.stepSeconds * 1000).toFixed(1).padStart(8)} ms/step`,
      );
    }
  } finally {
    model.dispose();
    task.dispose();
  }
}
