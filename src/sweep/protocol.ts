/**
 * The contract between the sweep runner (parent) and its worker processes: what a worker
 * module exports and the messages exchanged over the IPC channel. Messages are plain JSON.
 */

/** What the parent tells a worker about itself. */
export interface WorkerContext {
  /** The point's key (e.g. a BenchRecord cache key). */
  key: string;
  /** 0-based slot of the worker process that runs it (stable across respawns of that slot). */
  workerIndex: number;
  /** Send a progress line to the parent (shown on stderr when the CLI is on a TTY). */
  log(line: string): void;
}

/**
 * A module a sweep runs in its workers. `runPoint` gets the point's JSON parameters and
 * returns a JSON-serialisable result; `setup` (optional) runs once per worker process
 * before its first point, with `setupArgs` from the sweep options (e.g. a backend name).
 */
export interface SweepWorkerModule<P, R> {
  setup?(setupArgs: unknown): Promise<void> | void;
  runPoint(params: P, context: WorkerContext): Promise<R> | R;
}

/** Parent → worker. Setup arguments travel over IPC, not argv (argv strings are capped at 128 KiB on Linux). */
export type ParentMessage = { type: 'setup'; args: unknown } | { type: 'run'; key: string; params: unknown } | { type: 'stop' };

/** Worker → parent. `loaded` asks for the setup arguments; `ready` asks for the first point. */
export type WorkerMessage =
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'setupFailed'; message: string }
  | { type: 'result'; key: string; result: unknown; wallSeconds: number }
  | { type: 'error'; key: string; message: string }
  | { type: 'log'; key: string; line: string };
