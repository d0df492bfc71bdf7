/**
 * How the pipeline reports progress: phases, units of work done within a phase, and ticks
 * during long work inside one unit (training steps), so a reporter can print a heartbeat. The
 * CLI implements it (src/cli/progress.ts: a bar on a terminal, plain lines otherwise); nothing
 * here prints.
 */

/** A progress reporter, passed in through the pipeline context. */
export interface Progress {
  /** The phases this run will go through, in order (for an overall count). */
  plan(phases: readonly string[]): void;
  /** Phase `name` starts with `total` units of work (0 when not counted); `detail` says what it does. */
  phase(name: string, total: number, detail: string): void;
  /** The current phase's total, once it is known (e.g. the number of charts). */
  setTotal(total: number): void;
  /** `n` more units of the current phase are done; `label` names the last one (a pruning point, a chart). */
  advance(label?: string, n?: number): void;
  /** Still working inside the current unit (e.g. a training step finished). */
  tick(): void;
  /** The run is over (success or failure): stop timers and bars. */
  done(): void;
}

/** A Progress that reports nothing (the default when the caller passes none). */
export const SILENT_PROGRESS: Progress = { plan: () => {}, phase: () => {}, setTotal: () => {}, advance: () => {}, tick: () => {}, done: () => {} };
