/**
 * A resumable sweep over independent points, run in worker processes (one per core by
 * default; each process has its own TensorFlow.js engine, so runs do not share state).
 *
 * The parent is the only writer: every result comes back over IPC and is handed to
 * `onResult` (e.g. appended to a JSONL store as one line), so a sweep killed at any moment
 * leaves every finished result on disk and nothing half-written. Resume = run again with
 * `isDone` answering from the store: finished points are skipped. A worker that dies takes
 * only its current point down (reported as failed, retried `retries` times); a fresh
 * process takes its slot.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { ParentMessage, WorkerMessage } from './protocol.ts';
import { isBuiltModule, moduleFile } from '../util/module-file.ts';

/** One point of a sweep: a unique key and JSON parameters for the worker module. */
export interface SweepPoint<P> {
  key: string;
  params: P;
  /**
   * Keys of points of the same sweep that must finish first (e.g. training the model a
   * later point fine-tunes). A point whose dependency failed fails without running.
   */
  after?: readonly string[];
}

/** What happened to one point. */
export type SweepEvent =
  | { type: 'skipped'; key: string }
  | { type: 'started'; key: string; workerIndex: number }
  | { type: 'finished'; key: string; workerIndex: number; wallSeconds: number }
  | { type: 'failed'; key: string; workerIndex: number; message: string; willRetry: boolean }
  | { type: 'log'; key: string; workerIndex: number; line: string };

export interface SweepOptions<P, R> {
  points: readonly SweepPoint<P>[];
  /** Absolute path (or file URL) of a module exporting `runPoint` (see protocol.ts). */
  workerModule: string;
  /** Worker processes; default one per core, never more than the points left. */
  workers?: number;
  /** JSON passed to the module's `setup` once per process. */
  setupArgs?: unknown;
  /** True for points already finished (resume). */
  isDone?: (key: string) => boolean;
  /** Called in the parent, once per finished point, in completion order. */
  onResult: (key: string, result: R) => void;
  onEvent?: (event: SweepEvent) => void;
  /** Extra attempts for a point whose worker threw or died (default 0). */
  retries?: number;
  /** Environment of the workers (default: this process's). */
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /**
   * Run the points through the job queue at this Redis URL (`redis://host:port[/db]`) instead
   * of local worker processes: `costsim worker` processes anywhere run them (src/sweep/queue/).
   * `workers` and `env` then do not apply; results are the same.
   */
  queue?: string;
}

/** The outcome of a sweep. */
export interface SweepSummary {
  ran: string[];
  skipped: string[];
  failed: Array<{ key: string; message: string }>;
  aborted: boolean;
}

/** The worker-process entry point (child.ts); the queue backend's workers fork it too. */
export const CHILD = moduleFile('./child.ts', import.meta.url);

/**
 * Node flags for a forked child: the tsx loader when running from the TypeScript sources or when
 * the worker module it loads is TypeScript (a checkout whose dist/ is built still runs a .ts
 * worker module, e.g. a test's fixture), none when both are built JavaScript.
 */
export function childExecArgv(workerModule?: string): string[] {
  const typescript = !isBuiltModule(import.meta.url) || (workerModule !== undefined && /\.[cm]?ts$/.test(workerModule));
  return typescript ? ['--import', tsxLoader()] : [];
}

/** The tsx loader, so forked children run TypeScript like this process does. */
export function tsxLoader(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  }
}

/** Default worker count: one per core. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** Run the sweep; resolves when every point finished or failed (or the signal aborted it). */
export function runSweep<P, R>(options: SweepOptions<P, R>): Promise<SweepSummary> {
  // Loaded only when asked for: BullMQ and ioredis are not needed by the local pool.
  const queueUrl = options.queue;
  if (queueUrl)
    return Promise.all([import('./queue/submit.ts'), import('./queue/url.ts')]).then(([submit, connection]) =>
      submit.runQueueSweep(options, { target: connection.parseQueueUrl(queueUrl) }),
    );
  const summary: SweepSummary = { ran: [], skipped: [], failed: [], aborted: false };
  const queue: Array<{ point: SweepPoint<P>; attempt: number }> = [];
  const seen = new Set<string>();
  const finished = new Set<string>();
  for (const point of options.points) {
    if (seen.has(point.key)) throw new Error(`runSweep: duplicate point key "${point.key}"`);
    seen.add(point.key);
    if (options.isDone?.(point.key)) {
      summary.skipped.push(point.key);
      finished.add(point.key);
      options.onEvent?.({ type: 'skipped', key: point.key });
    } else queue.push({ point, attempt: 0 });
  }
  for (const { point } of queue) {
    for (const dep of point.after ?? [])
      if (!seen.has(dep)) throw new Error(`runSweep: point "${point.key}" waits for "${dep}", which is not a point of this sweep`);
  }
  const slots = Math.min(queue.length, Math.max(1, options.workers ?? defaultWorkerCount()));
  if (slots === 0) return Promise.resolve(summary);
  const retries = options.retries ?? 0;
  const execArgv = childExecArgv(options.workerModule);

  return new Promise((resolve) => {
    const live = new Map<number, ChildProcess>();
    const busy = new Map<number, { point: SweepPoint<P>; attempt: number }>();
    /** Workers with nothing runnable right now (waiting for dependencies to finish). */
    const idle = new Set<number>();
    const failedKeys = new Set<string>();
    let settled = false;

    const finishIfDone = (): void => {
      if (settled || live.size > 0) return;
      settled = true;
      // Points never handed out (workers died before asking for them, or the sweep was aborted).
      const reason = summary.aborted ? 'sweep aborted before this point ran' : 'no worker process left to run this point';
      for (const { point } of queue.splice(0)) summary.failed.push({ key: point.key, message: reason });
      options.signal?.removeEventListener('abort', abort);
      resolve(summary);
    };
    const fail = (slot: number, message: string): void => {
      const job = busy.get(slot);
      if (!job) return;
      busy.delete(slot);
      const willRetry = job.attempt < retries && !summary.aborted;
      options.onEvent?.({ type: 'failed', key: job.point.key, workerIndex: slot, message, willRetry });
      if (willRetry) queue.push({ point: job.point, attempt: job.attempt + 1 });
      else markFailed(job.point.key, message);
    };
    function markFailed(key: string, message: string): void {
      summary.failed.push({ key, message });
      failedKeys.add(key);
    }
    /** The next point whose dependencies all finished; points behind a failed dependency fail here. */
    const nextReady = (): { point: SweepPoint<P>; attempt: number } | undefined => {
      for (let i = 0; i < queue.length; i++) {
        const job = queue[i] as { point: SweepPoint<P>; attempt: number };
        const deps = job.point.after ?? [];
        const broken = deps.find((d) => failedKeys.has(d));
        if (broken) {
          queue.splice(i--, 1);
          markFailed(job.point.key, `not run: dependency "${broken}" failed`);
        } else if (deps.every((d) => finished.has(d))) {
          queue.splice(i, 1);
          return job;
        }
      }
      return undefined;
    };
    const wakeIdle = (): void => {
      for (const slot of [...idle]) {
        idle.delete(slot);
        dispatch(slot);
      }
    };
    const dispatch = (slot: number): void => {
      const child = live.get(slot);
      if (!child) return;
      const job = summary.aborted ? undefined : nextReady();
      if (!job) {
        // Wait if something running may unblock a queued point; otherwise this worker is done.
        if (queue.length > 0 && busy.size > 0 && !summary.aborted) idle.add(slot);
        else {
          child.send({ type: 'stop' } satisfies ParentMessage);
          wakeIdleToStop();
        }
        return;
      }
      busy.set(slot, job);
      options.onEvent?.({ type: 'started', key: job.point.key, workerIndex: slot });
      child.send({ type: 'run', key: job.point.key, params: job.point.params } satisfies ParentMessage);
    };
    const spawn = (slot: number): void => {
      const child = fork(CHILD, [options.workerModule, String(slot)], {
        execArgv,
        env: options.env ?? process.env,
        // Workers' own output never reaches our stdout (it may carry --json): pipe and forward as events.
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      live.set(slot, child);
      const forward = (chunk: Buffer): void => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim()) options.onEvent?.({ type: 'log', key: busy.get(slot)?.point.key ?? '', workerIndex: slot, line });
        }
      };
      child.stdout?.on('data', forward);
      child.stderr?.on('data', forward);
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'loaded') child.send({ type: 'setup', args: options.setupArgs ?? null } satisfies ParentMessage);
        else if (message.type === 'ready') dispatch(slot);
        else if (message.type === 'setupFailed') {
          // A worker that cannot start would fail every point: stop the sweep and report it.
          for (const { point } of queue.splice(0)) summary.failed.push({ key: point.key, message: `worker setup failed: ${message.message}` });
        } else if (message.type === 'log') options.onEvent?.({ type: 'log', key: message.key, workerIndex: slot, line: message.line });
        else if (message.type === 'result') {
          try {
            options.onResult(message.key, message.result as R);
          } catch (error) {
            // The result cannot be kept (e.g. the store is not writable): stop rather than compute more to lose.
            fail(slot, `result not stored: ${(error as Error).message}`);
            abort();
            return;
          }
          busy.delete(slot);
          finished.add(message.key);
          summary.ran.push(message.key);
          options.onEvent?.({ type: 'finished', key: message.key, workerIndex: slot, wallSeconds: message.wallSeconds });
          dispatch(slot);
          wakeIdle();
        } else if (message.type === 'error') {
          fail(slot, message.message);
          dispatch(slot);
          wakeIdle();
        }
      });
      child.on('exit', (code, signal) => {
        live.delete(slot);
        idle.delete(slot);
        if (busy.has(slot)) {
          fail(slot, `worker process exited (${signal ?? `code ${code}`}) while running the point`);
          if (queue.length > 0 && !summary.aborted) spawn(slot);
          else wakeIdle();
        }
        finishIfDone();
      });
    };
    /** When nothing is left to run, idle workers must be told to stop too. */
    function wakeIdleToStop(): void {
      if (busy.size > 0 && queue.length > 0) return;
      for (const slot of [...idle]) {
        idle.delete(slot);
        live.get(slot)?.send({ type: 'stop' } satisfies ParentMessage);
      }
    }
    const abort = (): void => {
      summary.aborted = true;
      for (const child of live.values()) child.kill('SIGTERM');
    };
    if (options.signal?.aborted) {
      summary.aborted = true;
      resolve(summary);
      return;
    }
    options.signal?.addEventListener('abort', abort, { once: true });
    for (let slot = 0; slot < slots; slot++) spawn(slot);
  });
}
