import { describe, expect, it } from 'vitest';
import { createConcurrencyTracker, describeLatencyTiming, latencyTiming } from '../../../src/bench/prune/latency-timing.ts';
import type { SweepEvent } from '../../../src/sweep/runner.ts';

const started = (key: string): SweepEvent => ({ type: 'started', key, workerIndex: 0 });
const finished = (key: string): SweepEvent => ({ type: 'finished', key, workerIndex: 0, wallSeconds: 1 });

describe('createConcurrencyTracker', () => {
  it('gives each point the most points that ran at once while it ran (hand-made event order)', () => {
    const tracker = createConcurrencyTracker();
    // a ─────┐        b overlaps a and c; c overlaps b only; d runs after everything; e never started.
    // b   ───────┐
    // c        ─────┐
    // d               ──
    const order: SweepEvent[] = [
      started('a'),
      started('b'),
      finished('a'),
      started('c'),
      { type: 'failed', key: 'b', workerIndex: 1, message: 'x', willRetry: false },
      { type: 'log', key: 'c', workerIndex: 0, line: 'ignored' },
      finished('c'),
      started('d'),
    ];
    for (const e of order) tracker.observe(e);
    expect(['a', 'b', 'c', 'd', 'e'].map((k) => tracker.peak(k))).toEqual([2, 2, 2, 1, undefined]);
    expect(tracker.running()).toBe(1);
  });
});

describe('latencyTiming', () => {
  it('is alone only when one process existed and one point ran; unknown counts are not alone', () => {
    expect(latencyTiming('serial', 1, 1).timedAlone).toBe(true);
    expect(latencyTiming('pool-worker', 1, 1).timedAlone).toBe(true);
    expect(latencyTiming('pool-worker', 2, 1).timedAlone).toBe(false);
    expect(latencyTiming('pool-worker', 2, 2).timedAlone).toBe(false);
    expect(latencyTiming('queue-worker', null, null).timedAlone).toBe(false);
    expect(describeLatencyTiming(latencyTiming('queue-worker', null, null))).toMatch(/not known.*does not re-time serially/);
    expect(describeLatencyTiming(undefined)).toMatch(/not recorded/);
  });
});
