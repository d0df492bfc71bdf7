/**
 * Training-step time of the pruned model against the fine-tuned dense control, timed
 * interleaved in one process: after one warm-up step each, `rounds` rounds of `steps` Adam
 * steps of each model, median seconds per step. It trains both models further, so it runs
 * after everything else that reads them (accuracy, latency). Where it ran and beside how many
 * costsim workers is stated apart (LatencyTiming, the same labels as latency).
 */
import { loadavg } from 'node:os';
import type { LayersModel } from '../../runtime/tf.ts';
import type { Task } from '../zoo/index.ts';

/** Trains `model` for `steps` optimizer updates, calling `onAfterUpdate(step)` after each (0-based). */
export type Trainer = (args: { model: LayersModel; task: Task; steps: number; seed: number; onAfterUpdate?: (step: number) => void }) => Promise<void>;

/** How many interleaved rounds of how many steps per model (default 3 × 3; tests use less). */
export interface TrainStepSettings {
  rounds: number;
  steps: number;
}

export const DEFAULT_TRAIN_STEP_TIMING: TrainStepSettings = { rounds: 3, steps: 3 };

/** Seconds per optimizer step of both models, and how they were timed. */
export interface TrainStepComparison {
  /** Median over rounds of the pruned model's seconds per step. */
  prunedSeconds: number;
  /** Median over rounds of the fine-tuned dense control's seconds per step. */
  denseSeconds: number;
  /** prunedSeconds ÷ denseSeconds. */
  ratio: number;
  /** Interleaved rounds and steps per model per round (absent in older records: 3 × 3). */
  rounds?: number;
  steps?: number;
  /** Wall-clock time (ISO 8601) the warm-up began, and the 1-minute load average then (absent in older records). */
  startedAt?: string;
  loadAverage1m?: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

/** Time both models' training steps interleaved (one warm-up step each first). Trains both further. */
export async function compareTrainStep(
  control: LayersModel,
  pruned: LayersModel,
  task: Task,
  train: Trainer,
  seed: number,
  settings: TrainStepSettings = DEFAULT_TRAIN_STEP_TIMING,
): Promise<TrainStepComparison> {
  const startedAt = new Date().toISOString();
  const loadAverage1m = loadavg()[0] as number;
  const time = async (model: LayersModel, n: number): Promise<number> => {
    const started = performance.now();
    await train({ model, task, steps: n, seed });
    return (performance.now() - started) / 1000 / n;
  };
  await time(control, 1);
  await time(pruned, 1);
  const dense: number[] = [];
  const prunedTimes: number[] = [];
  for (let round = 0; round < settings.rounds; round++) {
    dense.push(await time(control, settings.steps));
    prunedTimes.push(await time(pruned, settings.steps));
  }
  const denseSeconds = median(dense);
  const prunedSeconds = median(prunedTimes);
  return { prunedSeconds, denseSeconds, ratio: prunedSeconds / denseSeconds, rounds: settings.rounds, steps: settings.steps, startedAt, loadAverage1m };
}
