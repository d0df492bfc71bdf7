/**
 * One worker process of a queue worker, speaking costsim's child protocol (protocol.ts):
 * CPU-heavy points run there, so the queue worker's own event loop stays free to renew
 * BullMQ's job locks. The process is set up once per sweep and kept for the sweep's next
 * points; a point of another sweep restarts it with that sweep's module and setup.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { CHILD, childExecArgv } from '../runner.ts';
import type { ParentMessage, WorkerMessage } from '../protocol.ts';

/** Why a point did not produce a result: the module threw (its input), or the process died (retry). */
export class PointError extends Error {
  constructor(
    message: string,
    readonly kind: 'threw' | 'died' | 'setup',
  ) {
    super(message);
  }
}

/** One child process slot. */
export class ChildSlot {
  private child: ChildProcess | undefined;
  private sweepId: string | undefined;
  private ready: Promise<void> | undefined;
  private pending: { resolve: (result: unknown) => void; reject: (error: PointError) => void } | undefined;

  constructor(
    readonly slot: number,
    private readonly onLog: (line: string) => void,
  ) {}

  /** The child's pid (undefined before the first point). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Run one point of sweep `sweepId` (starting the process for that sweep if needed). */
  async run(sweepId: string, workerModule: string, setupArgs: unknown, key: string, params: unknown): Promise<{ result: unknown; pid: number }> {
    if (this.sweepId !== sweepId || !this.child) this.start(sweepId, workerModule, setupArgs);
    await this.ready;
    const child = this.child as ChildProcess;
    const result = await new Promise<unknown>((resolve, reject) => {
      this.pending = { resolve, reject };
      child.send({ type: 'run', key, params } satisfies ParentMessage);
    });
    return { result, pid: child.pid as number };
  }

  /** Stop the process (it exits when told, or when this process goes away). */
  stop(): void {
    this.child?.send({ type: 'stop' } satisfies ParentMessage, () => undefined);
    this.child = undefined;
    this.sweepId = undefined;
  }

  private start(sweepId: string, workerModule: string, setupArgs: unknown): void {
    this.stop();
    const child = fork(CHILD, [workerModule, String(this.slot)], { execArgv: childExecArgv(workerModule), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child = child;
    this.sweepId = sweepId;
    const forward = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.onLog(line);
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    this.ready = new Promise<void>((resolve, reject) => {
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'loaded') child.send({ type: 'setup', args: setupArgs ?? null } satisfies ParentMessage);
        else if (message.type === 'ready') resolve();
        else if (message.type === 'setupFailed') reject(new PointError(`worker setup failed: ${message.message}`, 'setup'));
        else if (message.type === 'log') this.onLog(message.line);
        else if (message.type === 'result') this.settle((p) => p.resolve(message.result));
        else if (message.type === 'error') this.settle((p) => p.reject(new PointError(message.message, 'threw')));
      });
      child.on('exit', (code, signal) => {
        if (this.child === child) {
          this.child = undefined;
          this.sweepId = undefined;
        }
        const error = new PointError(`worker process exited (${signal ?? `code ${code}`}) while running the point`, 'died');
        reject(error);
        this.settle((p) => p.reject(error));
      });
    });
    this.ready.catch(() => undefined);
  }

  private settle(action: (pending: NonNullable<ChildSlot['pending']>) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) action(pending);
  }
}
