/**
 * Progress of a sweep (local pool or job queue) for stderr on a TTY: points done, running,
 * failed and retried, and an ETA from the rate points have finished at so far.
 */
import type { SweepEvent } from './runner.ts';

/** Counts of a sweep's points; `started` drives running, `failed` with willRetry counts as a retry. */
export class SweepProgress {
  done = 0;
  failed = 0;
  retried = 0;
  private readonly running = new Set<string>();
  private firstFinishMs: number | undefined;
  private doneAtFirstFinish = 0;

  constructor(
    readonly label: string,
    /** Points to run (skipped points are subtracted as they are reported). */
    public total: number,
  ) {}

  /** Count one event; `nowMs` is the wall clock in ms (passed in, for tests). */
  update(event: SweepEvent, nowMs: number): void {
    if (event.type === 'skipped') this.total -= 1;
    else if (event.type === 'started') this.running.add(event.key);
    else if (event.type === 'finished') {
      this.running.delete(event.key);
      this.done += 1;
      if (this.firstFinishMs === undefined) {
        this.firstFinishMs = nowMs;
        this.doneAtFirstFinish = this.done;
      }
    } else if (event.type === 'failed') {
      this.running.delete(event.key);
      if (event.willRetry) this.retried += 1;
      else this.failed += 1;
    }
  }

  /**
   * Seconds left at the rate points finished since the first one did (start-up excluded),
   * or undefined until two have finished.
   */
  etaSeconds(nowMs: number): number | undefined {
    if (this.firstFinishMs === undefined || this.done <= this.doneAtFirstFinish || nowMs <= this.firstFinishMs) return undefined;
    const perSecond = (this.done - this.doneAtFirstFinish) / ((nowMs - this.firstFinishMs) / 1000);
    return Math.max(0, this.total - this.done - this.failed) / perSecond;
  }

  /** One status line, e.g. `simulate: 40/100 done, 2 running, 0 failed, 1 retried, ETA 12 s`. */
  line(nowMs: number): string {
    const eta = this.etaSeconds(nowMs);
    return `${this.label}: ${this.done}/${this.total} done, ${this.running.size} running, ${this.failed} failed, ${this.retried} retried${eta === undefined ? '' : `, ETA ${eta < 90 ? `${Math.round(eta)} s` : `${Math.round(eta / 60)} min`}`}`;
  }
}

/** An onEvent that prints the progress line to `err` (at most every `everyMs`) when `isTTY`; else counts silently. */
export function sweepProgressPrinter(
  label: string,
  total: number,
  io: { err(text: string): void; isTTY: boolean },
  everyMs = 500,
): { onEvent: (event: SweepEvent) => void; progress: SweepProgress } {
  const progress = new SweepProgress(label, total);
  let lastPrintMs = 0;
  return {
    progress,
    onEvent: (event) => {
      const now = Date.now();
      progress.update(event, now);
      if (!io.isTTY || event.type === 'log') return;
      if (now - lastPrintMs >= everyMs || progress.done + progress.failed === progress.total) {
        lastPrintMs = now;
        io.err(progress.line(now));
      }
    },
  };
}
