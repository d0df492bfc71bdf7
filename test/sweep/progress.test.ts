import { describe, expect, it } from 'vitest';
import { SweepProgress, sweepProgressPrinter } from '../../src/sweep/progress.ts';

describe('SweepProgress', () => {
  it('counts done, running, failed and retried, and estimates the time left from the finishing rate', () => {
    const p = new SweepProgress('simulate', 10);
    p.update({ type: 'skipped', key: 'a' }, 0);
    for (const key of ['b', 'c']) p.update({ type: 'started', key, workerIndex: 0 }, 0);
    p.update({ type: 'finished', key: 'b', workerIndex: 0, wallSeconds: 1 }, 1000);
    p.update({ type: 'failed', key: 'c', workerIndex: 0, message: 'stalled', willRetry: true }, 1500);
    expect(p.line(1500)).toBe('simulate: 1/9 done, 0 running, 0 failed, 1 retried');
    for (const key of ['c', 'd', 'e']) p.update({ type: 'started', key, workerIndex: 0 }, 1500);
    p.update({ type: 'finished', key: 'c', workerIndex: 0, wallSeconds: 1 }, 2000);
    p.update({ type: 'finished', key: 'd', workerIndex: 0, wallSeconds: 1 }, 3000);
    p.update({ type: 'failed', key: 'e', workerIndex: 0, message: 'bad input', willRetry: false }, 3000);
    // 2 points in the 2 s since the first finished: 1 point/s; 9 − 3 done − 1 failed = 5 left → 5 s.
    expect(p.etaSeconds(3000)).toBe(5);
    expect(p.line(3000)).toBe('simulate: 3/9 done, 0 running, 1 failed, 1 retried, ETA 5 s');
  });

  it('prints only on a TTY, so --json output and logs stay clean', () => {
    const lines: string[] = [];
    const quiet = sweepProgressPrinter('prune', 1, { err: (t) => lines.push(t), isTTY: false });
    quiet.onEvent({ type: 'finished', key: 'a', workerIndex: 0, wallSeconds: 1 });
    expect(lines).toEqual([]);
    expect(quiet.progress.done).toBe(1);
    const loud = sweepProgressPrinter('prune', 1, { err: (t) => lines.push(t), isTTY: true });
    loud.onEvent({ type: 'finished', key: 'a', workerIndex: 0, wallSeconds: 1 });
    expect(lines).toEqual(['prune: 1/1 done, 0 running, 0 failed, 0 retried']);
  });
});
