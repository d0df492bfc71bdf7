import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { freePort } from '../../helpers/redis.ts';

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
