// Progress without a terminal: a line per phase and a status line at least every 10 s of long
// work, driven by a fake clock (timer ticks and work events), so the test takes no wall time.
import { describe, expect, it } from 'vitest';
import { LineProgress, type ProgressClock } from '../../src/cli/progress.ts';

/** A clock the test moves by hand; `every` timers fire as time passes, unless `blocked`. */
function fakeClock() {
  let now = 0;
  const timers: Array<{ ms: number; next: number; fn: () => void }> = [];
  const clock: ProgressClock & { advance(ms: number, blocked?: boolean): void } = {
    nowMs: () => now,
    every: (ms, fn) => {
      const t = { ms, next: now + ms, fn };
      timers.push(t);
      return () => timers.splice(timers.indexOf(t), 1);
    },
    advance: (ms, blocked = false) => {
      const end = now + ms;
      for (;;) {
        const due = blocked ? undefined : timers.filter((t) => t.next <= end).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.ms;
        due.fn();
      }
      now = end;
    },
  };
  return clock;
}

function recorder(clock: ProgressClock) {
  const lines: Array<{ atMs: number; text: string }> = [];
  return { lines, err: (text: string) => lines.push({ atMs: clock.nowMs(), text }) };
}

const maxGapMs = (lines: Array<{ atMs: number }>, endMs: number) =>
  Math.max(...[...lines.map((l) => l.atMs), endMs].map((t, i, all) => (i === 0 ? t : t - (all[i - 1] as number))));

describe('LineProgress (stderr not a terminal)', () => {
  it('prints one line per phase, numbered against the plan', () => {
    const clock = fakeClock();
    const out = recorder(clock);
    const p = new LineProgress(out.err, clock);
    p.plan(['bench', 'market', 'report']);
    p.phase('bench', 2, '2 models to train on cpu');
    p.advance('mlp: cached');
    p.phase('market', 4, '4 Monte Carlo runs');
    p.done();
    expect(out.lines.map((l) => l.text)).toEqual([
      'costsim: [1/3] bench: 2 models to train on cpu',
      'costsim: [2/3] market: 4 Monte Carlo runs',
      'costsim: done in 0 s',
    ]);
  });

  it('during a cold run of 3 minutes, no 15 s pass without a line, whether work reports events or only the timer fires', () => {
    const clock = fakeClock();
    const out = recorder(clock);
    const p = new LineProgress(out.err, clock);
    p.plan(['bench', 'prune', 'market']);
    p.phase('bench', 3, '3 models to train');
    for (let i = 0; i < 3; i++) {
      // training steps report ticks every 2 s for 40 s; the event loop is busy (timers do not fire)
      for (let s = 0; s < 20; s++) {
        clock.advance(2000, true);
        p.tick();
      }
      p.advance(`model ${i}: trained`);
    }
    p.phase('prune', 4, 'four points in worker processes');
    for (let i = 0; i < 4; i++) {
      clock.advance(12_000); // the parent only waits: the heartbeat timer alone must keep the log alive
      p.advance(`mlp magnitude ${50 + 10 * i}% seed 1, 12.0 s`);
    }
    p.phase('market', 0, 'runs');
    clock.advance(12_000);
    const endMs = clock.nowMs();
    p.done();
    expect(endMs).toBeGreaterThanOrEqual(180_000);
    expect(maxGapMs(out.lines, endMs)).toBeLessThanOrEqual(15_000);
    // Status lines say where the work is, and name pruning points by method and sparsity.
    expect(out.lines.some((l) => /^costsim: bench 1\/3 \(last: model 0: trained\), \d+ s in this phase, ETA \d+ (s|min)$/.test(l.text))).toBe(true);
    expect(out.lines.some((l) => /^costsim: prune \d\/4 \(last: mlp magnitude \d+% seed 1, 12\.0 s\)/.test(l.text))).toBe(true);
  });

  it('stops its timer when done: nothing more is printed', () => {
    const clock = fakeClock();
    const out = recorder(clock);
    const p = new LineProgress(out.err, clock);
    p.phase('market', 10, 'runs');
    p.done();
    const count = out.lines.length;
    clock.advance(60_000);
    expect(out.lines.length).toBe(count);
  });
});
