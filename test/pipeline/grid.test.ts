/**
 * The grid sweep (`simulate --sweep`, src/pipeline/grid.ts): a grid point equals a plain
 * simulation of the scenario with that value written into the YAML (a second path through
 * the code: text edit → parse → simulate → summary), the local pool and the job queue give
 * byte-identical rows, and bad axes are UsageErrors naming --sweep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runGridSweep } from '../../src/pipeline/grid.ts';
import { parseSweepAxes } from '../../src/scenario/grid.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { simulateRuns } from '../../src/market/montecarlo.ts';
import { summarizeRuns } from '../../src/market/summary.ts';
import { runQueueWorker } from '../../src/sweep/queue/worker.ts';
import { parseQueueUrl } from '../../src/sweep/queue/url.ts';
import { UsageError } from '../../src/errors.ts';
import { redisServerPath, redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.ts';

const file = fileURLToPath(new URL('../../scenarios/startup-vs-incumbent.yaml', import.meta.url));
const text = readFileSync(file, 'utf8');
const loaded = { scenario: parseScenario(text, 'startup-vs-incumbent.yaml'), text };
const ctx = { out: () => undefined, err: () => undefined, env: {}, isTTY: false, cwd: process.cwd() };
const base = { runs: 4, periods: 10, records: new Map(), plans: new Map() };
const axes = () => parseSweepAxes(['demand.mu=0.2,0.45', 'providers[1].cash=1e6,4e6']);

describe('grid sweep', () => {
  it('a grid point is the plain simulation of the scenario with that value written in', async () => {
    const grid = await runGridSweep(loaded, axes(), ctx, { ...base, workers: 1 });
    expect(grid.rows).toHaveLength(4 * 3);
    // Point 1 = mu 0.2, cash 4e6 (the first axis varies slowest). Write those into the YAML text instead.
    const edited = text.replace('mu: 0.3', 'mu: 0.2').replace('cash: { dist: uniform, min: 1000000, max: 5000000 }', 'cash: 4000000');
    expect(edited).not.toBe(text);
    const scenario = parseScenario(edited, 'edited.yaml');
    const runs = simulateRuns(
      scenario,
      new Map(),
      Array.from({ length: 4 }, (_, i) => i),
      10,
    );
    const names = scenario.market?.providers.map((p) => p.name) ?? [];
    const summary = summarizeRuns(runs, names, 10, [10, 50, 90]);
    const point1 = grid.rows.filter((r) => r.point === 1);
    expect(point1.map((r) => r.parameters)).toEqual(names.map(() => ({ 'demand.mu': 0.2, 'providers[1].cash': 4e6 })));
    for (const [i, p] of summary.providers.entries()) {
      expect(point1[i]?.survivalProbability).toBe(p.survivalProbability);
      expect(point1[i]?.meanProfitUsdPerPeriod).toBeCloseTo(p.meanProfitUsdPerPeriod, 6);
      const finals = runs.filter((r) => r.exitPeriods[i] === null).map((r) => r.rows.filter((row) => row.provider === p.provider).at(-1)?.priceUsd as number);
      expect(point1[i]?.meanFinalPriceUsd).toBeCloseTo(finals.reduce((a, b) => a + b, 0) / finals.length, 9);
    }
    // The swept value matters: the Startup's final price differs between mu 0.2 and 0.45.
    expect(grid.rows[1]?.meanFinalPriceUsd).not.toBe(grid.rows[7]?.meanFinalPriceUsd);
  });

  it('keeps --set values at every grid point', async () => {
    const sets = [{ path: ['demand', 'mu'], value: 0.2, flag: '--set' }];
    const withSet = await runGridSweep({ ...loaded, overrides: sets }, parseSweepAxes(['providers[1].cash=4e6']), ctx, { ...base, runs: 2, workers: 1 });
    const swept = await runGridSweep(loaded, parseSweepAxes(['demand.mu=0.2', 'providers[1].cash=4e6']), ctx, { ...base, runs: 2, workers: 1 });
    const figures = (rows: typeof swept.rows) => rows.map((r) => [r.provider, r.survivalProbability, r.meanFinalPriceUsd, r.meanProfitUsdPerPeriod]);
    expect(figures(withSet.rows)).toEqual(figures(swept.rows));
  });

  it('refuses bad keys and values naming --sweep (exit code 2)', async () => {
    for (const bad of ['demand.mu', 'demand.mu=', 'demand.mu=0.1,x', 'demand.mu=0.1,0.1', 'demand..mu=1'])
      expect(() => parseSweepAxes([bad]), bad).toThrow(/^--sweep: /);
    expect(() => parseSweepAxes(['demand.mu=1', 'demand.mu=2'])).toThrow('--sweep: demand.mu is swept twice');
    const refused = async (spec: string): Promise<UsageError> => {
      const error = await runGridSweep(loaded, parseSweepAxes([spec]), ctx, { ...base, workers: 1 }).catch((e: unknown) => e);
      expect(error, spec).toBeInstanceOf(UsageError);
      expect((error as UsageError).exitCode).toBe(2);
      return error as UsageError;
    };
    expect((await refused('providers[0].name=1')).message).toBe(
      '--sweep: providers[0].name is string "Incumbent" in the scenario, not a number; a grid sweeps numbers',
    );
    expect((await refused('providers[5].cash=1')).message).toMatch(/^--sweep: providers has 3 items/);
    expect((await refused('demand.mu=0.2,-1')).message).toMatch(/^--sweep: demand\.mu=-1: demand\.mu /);
    expect((await refused('demand.muu=1')).message).toMatch(/^--sweep: demand\.muu=1: /);
  });
});

let redis: TestRedis;
describe.skipIf(!redisServerPath)(`grid sweep through the job queue${redisSkipReason}`, () => {
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('gives byte-identical rows in-process, on the local pool and through the queue', { timeout: 240_000 }, async () => {
    const small = { ...base, runs: 3, periods: 5 };
    const reference = JSON.stringify(await runGridSweep(loaded, axes(), ctx, { ...small, workers: 1 }));
    expect(JSON.stringify(await runGridSweep(loaded, axes(), ctx, { ...small, workers: 2 }))).toBe(reference);
    const stop = new AbortController();
    const worker = runQueueWorker({ target: parseQueueUrl(redis.url), concurrency: 1, lockMs: 1000, signal: stop.signal });
    try {
      expect(JSON.stringify(await runGridSweep(loaded, axes(), ctx, { ...small, queue: redis.url }))).toBe(reference);
    } finally {
      stop.abort();
      await worker;
    }
  });
});
