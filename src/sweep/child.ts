/**
 * Entry point of one sweep worker process (forked by runner.ts). Loads the worker module
 * named in argv, runs its `setup` once with the arguments the parent sends, then runs
 * points one at a time as the parent sends them. Exits when the parent says stop or goes away (so a killed sweep leaves no orphans).
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { ParentMessage, SweepWorkerModule, WorkerMessage } from './protocol.ts';

const [modulePath, workerIndexText] = process.argv.slice(2);

function send(message: WorkerMessage): void {
  process.send?.(message);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function main(): Promise<void> {
  if (!modulePath || !process.send) throw new Error('sweep child: start me through runSweep (needs a module path and an IPC channel)');
  process.on('disconnect', () => process.exit(1));
  const workerIndex = Number(workerIndexText ?? 0);
  const specifier = isAbsolute(modulePath) ? pathToFileURL(modulePath).href : modulePath;
  let worker: SweepWorkerModule<unknown, unknown>;
  const failSetup = (error: unknown): void => {
    send({ type: 'setupFailed', message: errorText(error) });
    process.disconnect();
  };
  try {
    worker = (await import(specifier)) as SweepWorkerModule<unknown, unknown>;
    if (typeof worker.runPoint !== 'function') throw new Error(`${modulePath} does not export runPoint(params, context)`);
  } catch (error) {
    failSetup(error);
    return;
  }
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') {
      process.disconnect();
      return;
    }
    if (message.type === 'setup') {
      Promise.resolve()
        .then(() => worker.setup?.(message.args ?? undefined))
        .then(() => send({ type: 'ready' }), failSetup);
      return;
    }
    const { key, params } = message;
    const started = performance.now();
    const context = { key, workerIndex, log: (line: string) => send({ type: 'log', key, line }) };
    Promise.resolve()
      .then(() => worker.runPoint(params, context))
      .then(
        (result) => send({ type: 'result', key, result, wallSeconds: (performance.now() - started) / 1000 }),
        (error: unknown) => send({ type: 'error', key, message: errorText(error) }),
      );
  });
  send({ type: 'loaded' });
}

await main();
