import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSweep, type SweepEvent } from '../../src/sweep/runner.ts';

const worker = fileURLToPath(new URL('./fixtures/square-worker.ts', import.meta.url));
type Result = { n: number; square: number; pid: number; setup: unknown; workerIndex: number };

describe('runSweep', () => {
  it('runs every point once across worker processes and hands results to the parent', async () => {
    const results = new Map<string, Result>();
    const points = Array.from({ length: 6 }, (_, n) => ({ key: `k${n}`, params: { n, delayMs: 20 } }));
    const summary = await runSweep<{ n: number }, Result>({
      points,
      workerModule: worker,
      workers: 2,
      setupArgs: { backend: 'cpu', blob: 'x'.repeat(300_000) },
      onResult: (k, r) => results.set(k, r),
    });
    expect(summary.failed).toEqual([]);
    expect(summary.ran.sort()).toEqual(points.map((p) => p.key).sort());
    for (const p of points) expect(results.get(p.key)?.square).toBe(p.params.n ** 2);
    const pids = new Set([...results.values()].map((r) => r.pid));
    // At most two processes (which one gets how many points depends on start-up time under load).
    expect(pids.size).toBeLessThanOrEqual(2);
    expect(pids.has(process.pid)).toBe(false);
    // Setup arguments larger than an argv string may be (128 KiB) arrive intact.
    expect([...results.values()].every((r) => (r.setup as { blob: string }).blob.length === 300_000)).toBe(true);
  });

  it('fails every point, naming the cause, when the worker module cannot load', async () => {
    const summary = await runSweep({
      points: [
        { key: 'a', params: {} },
        { key: 'b', params: {} },
      ],
      workerModule: '/nonexistent/worker.ts',
      workers: 2,
      onResult: () => undefined,
    });
    expect(summary.ran).toEqual([]);
    expect(summary.failed.map((f) => f.key).sort()).toEqual(['a', 'b']);
    expect(summary.failed[0]?.message).toMatch(/worker setup failed|no worker/);
  });

  it('runs a point only after the points it waits for, and fails it when one of them failed', async () => {
    const order: string[] = [];
    const points: Array<{ key: string; params: { n: number; delayMs?: number; fail?: 'throw' }; after?: string[] }> = [
      { key: 'base', params: { n: 1, delayMs: 300 } },
      { key: 'child1', params: { n: 2 }, after: ['base'] },
      { key: 'child2', params: { n: 3 }, after: ['base'] },
      { key: 'broken', params: { n: 4, fail: 'throw' } },
      { key: 'orphan', params: { n: 5 }, after: ['broken'] },
    ];
    const summary = await runSweep({ points, workerModule: worker, workers: 2, onResult: (k) => order.push(k) });
    expect(order.indexOf('base')).toBe(0);
    expect(order.slice(1).sort()).toEqual(['child1', 'child2']);
    expect(summary.failed.map((f) => f.key).sort()).toEqual(['broken', 'orphan']);
    expect(summary.failed.find((f) => f.key === 'orphan')?.message).toMatch(/dependency "broken" failed/);
    // A finished (skipped) dependency counts as done on resume.
    const resumed: string[] = [];
    await runSweep({ points: points.slice(0, 2), workerModule: worker, workers: 2, isDone: (k) => k === 'base', onResult: (k) => resumed.push(k) });
    expect(resumed).toEqual(['child1']);
  });

  it('skips finished points (resume)', async () => {
    const ran: string[] = [];
    const points = [0, 1, 2].map((n) => ({ key: `k${n}`, params: { n } }));
    const summary = await runSweep({ points, workerModule: worker, workers: 1, isDone: (k) => k !== 'k1', onResult: (k) => ran.push(k) });
    expect(ran).toEqual(['k1']);
    expect(summary.skipped).toEqual(['k0', 'k2']);
  });

  it('reports a point that throws or kills its worker, and still finishes the others', async () => {
    const events: SweepEvent[] = [];
    const points: Array<{ key: string; params: { n: number; fail?: 'throw' | 'exit' } }> = [
      { key: 'ok1', params: { n: 1 } },
      { key: 'throws', params: { n: 2, fail: 'throw' } },
      { key: 'dies', params: { n: 3, fail: 'exit' } },
      { key: 'ok4', params: { n: 4 } },
      { key: 'ok5', params: { n: 5 } },
    ];
    const summary = await runSweep({ points, workerModule: worker, workers: 2, onResult: () => undefined, onEvent: (e) => events.push(e) });
    expect(summary.ran.sort()).toEqual(['ok1', 'ok4', 'ok5']);
    expect(summary.failed.map((f) => f.key).sort()).toEqual(['dies', 'throws']);
    expect(summary.failed.find((f) => f.key === 'throws')?.message).toMatch(/point 2 refused/);
    expect(summary.failed.find((f) => f.key === 'dies')?.message).toMatch(/exited \(code 3\)/);
    expect(events.some((e) => e.type === 'log' && e.line === 'squared 4')).toBe(true);
  });

  it('a sweep killed part-way leaves a valid store, and a rerun runs only what is missing', async () => {
    const store = join(mkdtempSync(join(tmpdir(), 'sweep-')), 'results.jsonl');
    const script = fileURLToPath(new URL('./fixtures/run-jsonl-sweep.ts', import.meta.url));
    const tsx = import.meta.resolve('tsx');
    const start = () => spawn(process.execPath, ['--import', tsx, script, store, '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const first = start();
    // Kill it as soon as some, but not all, results are on disk.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const lines = existsSync(store) ? readFileSync(store, 'utf8').split('\n').filter(Boolean) : [];
        if (lines.length >= 2) {
          clearInterval(poll);
          first.kill('SIGKILL');
          resolve();
        }
      }, 10);
    });
    await new Promise((r) => first.on('exit', r));
    const afterKill = readFileSync(store, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key: string });
    expect(afterKill.length).toBeGreaterThanOrEqual(2);
    expect(afterKill.length).toBeLessThan(8);
    const second = start();
    let out = '';
    second.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => second.on('exit', r));
    const summary = JSON.parse(out) as { ran: string[]; skipped: string[] };
    expect(summary.skipped.sort()).toEqual(afterKill.map((r) => r.key).sort());
    const all = readFileSync(store, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key: string });
    expect(all.map((r) => r.key).sort()).toEqual(Array.from({ length: 8 }, (_, n) => `p${n}`).sort());
  });
});
