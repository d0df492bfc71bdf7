import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { freePort, redisServerPath, redisSkipReason, startRedis } from '../../helpers/redis.ts';

function capture(env: Record<string, string | undefined> = {}): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, isTTY: false, cwd: process.cwd() };
}

describe('costsim worker', () => {
  it('needs a queue URL, from --queue or COSTSIM_QUEUE, and says which one is malformed (exit 2)', async () => {
    const none = capture();
    expect(await main(['worker'], none)).toBe(2);
    expect(none.stderr.join('\n')).toMatch(/--queue: is required \(or set COSTSIM_QUEUE\)/);
    const badEnv = capture({ COSTSIM_QUEUE: 'localhost:6379' });
    expect(await main(['worker'], badEnv)).toBe(2);
    expect(badEnv.stderr.join('\n')).toMatch(/COSTSIM_QUEUE: "localhost:6379" must start with redis:\/\//);
  });

  it('fails at once, naming the URL, when nothing listens there (exit 1, no reconnect loop)', async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const ctx = capture();
    expect(await main(['worker', '--queue', url], ctx)).toBe(1);
    expect(ctx.stderr.join('\n')).toContain(`costsim: cannot reach the job queue at ${url} (ECONNREFUSED)`);
    expect(ctx.stdout).toEqual([]);
  });
});

describe.skipIf(!redisServerPath)(`costsim simulate --queue${redisSkipReason}`, () => {
  it('prints byte-identical --json through a queue worker (flag or COSTSIM_QUEUE) and with local workers', async () => {
    const redis = await startRedis();
    const worker = capture();
    const running = main(['worker', '--queue', redis.url, '--lock-seconds', '1', '--json'], worker);
    try {
      const args = ['simulate', 'scenarios/startup-vs-incumbent.yaml', '--runs', '4', '--periods', '12', '--json'];
      const local = capture();
      expect(await main([...args, '--workers', '2'], local)).toBe(0);
      const queued = capture();
      expect(await main([...args, '--queue', redis.url], queued)).toBe(0);
      const fromEnv = capture({ COSTSIM_QUEUE: redis.url });
      expect(await main(args, fromEnv)).toBe(0);
      expect(queued.stdout).toEqual(local.stdout);
      expect(fromEnv.stdout).toEqual(local.stdout);
      // The runs were computed by the queue worker (once: the second submission found them stored).
      const finished = worker.stdout.map((l) => JSON.parse(l) as { type: string; stored?: boolean }).filter((e) => e.type === 'finished');
      expect(finished.filter((e) => e.stored)).toHaveLength(4);
    } finally {
      // The worker command stops on SIGTERM, as it would from a service manager.
      process.emit('SIGTERM');
      expect(await running).toBe(0);
      await redis.stop();
    }
  });
});
