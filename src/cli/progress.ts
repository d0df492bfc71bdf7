/**
 * Progress on stderr for long commands (`run`, `simulate`). On a terminal: one cli-progress
 * multi-bar for the whole run (the overall phase count, and the current phase's n/total, ETA
 * and last item). Otherwise (CI, a pipe, a file): one plain line when each phase starts and a
 * status line at least every `heartbeatMs` (10 s) of long work. `--quiet` silences both;
 * stdout is never touched, so `--json` stays clean.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { SILENT_PROGRESS, type Progress } from '../pipeline/index.ts';

/** Wall clock and timer, passed in so tests can drive them. */
export interface ProgressClock {
  nowMs(): number;
  /** Call `fn` every `ms`; returns a function that stops it. The timer must not keep the process alive. */
  every(ms: number, fn: () => void): () => void;
}

/** The real clock: Date.now and an unref'd interval. */
export const SYSTEM_CLOCK: ProgressClock = {
  nowMs: () => Date.now(),
  every: (ms, fn) => {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** Seconds as `12 s` or `3 min`. */
export function formatSeconds(seconds: number): string {
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/** Plain-line progress (no terminal): a line per phase, a status line at least every `heartbeatMs`. */
export class LineProgress implements Progress {
  private phases: readonly string[] = [];
  private name = '';
  private total = 0;
  private doneUnits = 0;
  private label: string | undefined;
  private phaseStartMs = 0;
  private readonly startMs: number;
  private lastLineMs: number;
  private stop: (() => void) | undefined;

  constructor(
    private readonly err: (text: string) => void,
    private readonly clock: ProgressClock = SYSTEM_CLOCK,
    private readonly heartbeatMs = 10_000,
    private readonly prefix = 'costsim',
  ) {
    this.startMs = clock.nowMs();
    this.lastLineMs = this.startMs;
  }

  plan(phases: readonly string[]): void {
    this.phases = phases;
  }

  phase(name: string, total: number, detail: string): void {
    if (!this.stop) this.stop = this.clock.every(Math.max(1, Math.floor(this.heartbeatMs / 2)), () => this.tick());
    this.name = name;
    this.total = total;
    this.doneUnits = 0;
    this.label = undefined;
    this.phaseStartMs = this.clock.nowMs();
    const index = this.phases.indexOf(name);
    this.line(`${this.prefix}: ${index >= 0 ? `[${index + 1}/${this.phases.length}] ` : ''}${name}: ${detail}`);
  }

  setTotal(total: number): void {
    this.total = total;
  }

  advance(label?: string, n = 1): void {
    this.doneUnits += n;
    if (label !== undefined) this.label = label;
    this.tick();
  }

  tick(): void {
    if (this.name && this.clock.nowMs() - this.lastLineMs >= this.heartbeatMs) this.line(this.status());
  }

  done(): void {
    this.stop?.();
    this.stop = undefined;
    if (this.name) this.line(`${this.prefix}: done in ${formatSeconds((this.clock.nowMs() - this.startMs) / 1000)}`);
    this.name = '';
  }

  /** e.g. `costsim: prune 7/24 (magnitude 80% seed 1), 40 s in this phase, ETA 1 min`. */
  private status(): string {
    const elapsedSeconds = (this.clock.nowMs() - this.phaseStartMs) / 1000;
    const count = this.total > 0 ? ` ${this.doneUnits}/${this.total}` : '';
    const eta =
      this.total > 0 && this.doneUnits > 0 && this.doneUnits < this.total
        ? `, ETA ${formatSeconds((elapsedSeconds / this.doneUnits) * (this.total - this.doneUnits))}`
        : '';
    return `${this.prefix}: ${this.name}${count}${this.label ? ` (last: ${this.label})` : ''}, ${formatSeconds(elapsedSeconds)} in this phase${eta}`;
  }

  private line(text: string): void {
    this.lastLineMs = this.clock.nowMs();
    this.err(text);
  }
}

/** Terminal progress: one multi-bar, the run's phases above the current phase's work. */
export class BarProgress implements Progress {
  private readonly bars: MultiBar;
  private overall: SingleBar | undefined;
  private current: SingleBar | undefined;
  private phases: readonly string[] = [];
  private value = 0;

  constructor(stream: NodeJS.WritableStream = process.stderr) {
    this.bars = new MultiBar(
      {
        stream: stream as NodeJS.WriteStream,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 20,
        format: '{title} {bar} {value}/{total} | {info}',
      },
      Presets.shades_classic,
    );
  }

  plan(phases: readonly string[]): void {
    this.phases = phases;
    this.overall = this.bars.create(phases.length, 0, { title: 'run     ', info: 'starting' });
  }

  phase(name: string, total: number, detail: string): void {
    const index = this.phases.indexOf(name);
    this.overall?.update(Math.max(0, index), { info: `${name}: ${detail}` });
    this.value = 0;
    if (!this.current)
      this.current = this.bars.create(
        Math.max(1, total),
        0,
        { title: name.padEnd(8), info: '' },
        { format: '{title} {bar} {value}/{total} | ETA {eta_formatted} | {info}' },
      );
    else {
      this.current.setTotal(Math.max(1, total));
      this.current.update(0, { title: name.padEnd(8), info: '' });
    }
  }

  setTotal(total: number): void {
    this.current?.setTotal(Math.max(1, total));
  }

  advance(label?: string, n = 1): void {
    this.value += n;
    this.current?.update(this.value, label !== undefined ? { info: label } : {});
  }

  tick(): void {
    this.current?.updateETA();
  }

  done(): void {
    this.overall?.update(this.phases.length, { info: 'done' });
    this.bars.stop();
  }
}

/** The Progress for a command: silent with --quiet, a bar on a terminal, plain lines otherwise. */
export function commandProgress(io: { err(text: string): void; isTTY: boolean }, options: { quiet?: boolean }): Progress {
  if (options.quiet) return SILENT_PROGRESS;
  return io.isTTY ? new BarProgress() : new LineProgress((text) => io.err(text));
}
