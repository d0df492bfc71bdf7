// `costsim run`'s pruning progress without a terminal: plain lines on stderr, including the
// serial pass that times levels again alone after the pool has exited. Driven by scripted sweep
// events and a clock the test moves, so it takes no wall time.
import { describe, expect, it } from 'vitest';
import { LineProgress, type ProgressClock } from '../../src/cli/progress.ts';
import { pruneStudyProgress } from '../../src/pipeline/measure.ts';

/** A clock moved by hand; timers never fire on their own (the status lines come from ticks). */
function handClock(): ProgressClock & { advance(ms: number): void } {
  let now = 0;
  return { nowMs: () => now, every: () => () => {}, advance: (ms) => (now += ms) };
}

describe('pruneStudyProgress (stderr not a terminal)', () => {
  it('prints the sweep, then a line when the serial pass starts, then its levels by name', () => {
    const clock = handClock();
    const lines: string[] = [];
    const progress = new LineProgress((t) => lines.push(t), clock);
    progress.plan(['prune', 'market']);
    const labels = new Map([
      ['dense-a', 'mlp dense parent, seed 0'],
      ['prune-b', 'mlp magnitude 50% seed 0'],
      ['prune-c', 'mlp structured 50% seed 0'],
    ]);
    const study = pruneStudyProgress(progress, 'mlp', labels);
    progress.phase('prune', 3, 'mlp: 1 dense parent(s) and 2 pruned levels (method × sparsity × seed) in 2 worker process(es)');
    for (const key of ['dense-a', 'prune-b', 'prune-c']) study.onEvent?.({ type: 'finished', key, workerIndex: 0, wallSeconds: 2 });
    study.onSerialPass?.(2);
    study.onLatencyEvent?.({ type: 'started', key: 'latency-prune-b', workerIndex: 0 });
    study.onLatencyEvent?.({ type: 'finished', key: 'latency-prune-b', workerIndex: 0, wallSeconds: 1.2 });
    clock.advance(11_000);
    study.onLatencyEvent?.({ type: 'started', key: 'latency-prune-c', workerIndex: 0 });
    study.onLatencyEvent?.({ type: 'failed', key: 'latency-prune-c', workerIndex: 0, message: 'worker exited', willRetry: false });
    clock.advance(11_000);
    study.onLatencyEvent?.({ type: 'log', key: 'latency-prune-c', workerIndex: 0, line: 'x' });
    progress.done();
    expect(lines).toEqual([
      'costsim: [1/2] prune: mlp: 1 dense parent(s) and 2 pruned levels (method × sparsity × seed) in 2 worker process(es)',
      'costsim: [1/2] prune: mlp: 2 level(s) timed again, latency then training step, in one worker process alone now that the pool has exited',
      'costsim: prune 1/2 (last: mlp magnitude 50% seed 0 timed alone, 1.2 s), 11 s in this phase, ETA 11 s',
      'costsim: prune 2/2 (last: mlp structured 50% seed 0: timing alone failed, keeps its in-worker timing (contended): worker exited), 22 s in this phase',
      'costsim: done in 22 s',
    ]);
  });
});
