/**
 * A real Redis for tests: `redis-server` on a free loopback port, no persistence, stopped
 * after the tests. `redisServerPath` is undefined where the binary is missing (tests then
 * skip, saying so; `.ci/run` installs it so CI never skips).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Path of redis-server, or undefined if it is not installed. */
export const redisServerPath: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : undefined;
})();

/** Why queue tests are skipped here (shown in the test name). */
export const redisSkipReason = redisServerPath ? '' : ' (SKIPPED: redis-server is not installed; apt-get install redis-server)';

/**
 * A free TCP port on 127.0.0.1 below Linux's ephemeral range (32768–60999), for a server that is
 * stopped and started again on the same port: the OS never hands such a port to another test's
 * freePort() in between (it could hand out an ephemeral port the moment it is freed, and a client
 * reconnecting to it would then reach another test's Redis).
 */
export async function fixedFreePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Spread by process (vitest runs files in several) and attempt; a port in use is skipped.
    const port = 20_000 + ((process.pid * 7_919 + attempt * 104_729) % 10_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 20000–29999');
}

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A running test Redis. */
export interface TestRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Start redis-server on a free loopback port (or `port`); resolves once it accepts connections.
 * With `dir` it keeps an append-only file there, so a restart on the same port and dir has the data back.
 */
export async function startRedis(options: { port?: number; dir?: string } = {}): Promise<TestRedis> {
  if (!redisServerPath) throw new Error('redis-server is not installed');
  const port = options.port ?? (await freePort());
  const persistence = options.dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', options.dir] : ['--appendonly', 'no'];
  const child: ChildProcess = spawn(redisServerPath, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (code ${code}) before it was ready:\n${output}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
