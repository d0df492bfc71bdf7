import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { readRecords } from '../../../src/bench/store.ts';
import { priceSeconds } from '../../../src/bench/prune/record.ts';
import { findDevice } from '../../../src/devices/catalog.ts';

/**
 * The instance `bench` prices a machine as when --device is not given, and its catalogue $/hour,
 * by hand from the record's own CPU: the 2-vCPU twin of its vendor (AWS c6i.large on Intel Xeon,
 * $0.085/h; c6a.large on AMD EPYC, $0.0765/h), else c6a.large.
 */
function expectedDefault(environment: { cpuModel: string; cpuCores: number }): { id: string; usdPerHour: number } {
  const intel = /Intel|Xeon/i.test(environment.cpuModel);
  return environment.cpuCores === 2 && intel ? { id: 'aws-c6i.large', usdPerHour: 0.085 } : { id: 'aws-c6a.large', usdPerHour: 0.0765 };
}

function capture(cwd = process.cwd()): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

describe('costsim bench', () => {
  it('--json prints exactly one BenchRecord with the figures the issue names, and appends it to the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-cli-bench-'));
    const ctx = capture(dir);
    const code = await main(
      [
        'bench',
        '--model',
        'mlp',
        '--steps',
        '2',
        '--batch',
        '8',
        '--accum',
        '2',
        '--opt',
        'width=16',
        '--opt',
        'dataLimit=300',
        '--backend',
        'wasm',
        '--seed',
        '4',
        '--runs',
        '3',
        '--json',
      ],
      ctx,
    );
    expect(ctx.stderr.join('\n')).not.toMatch(/error/i);
    expect(code).toBe(0);
    expect(ctx.stdout).toHaveLength(1);
    const record = JSON.parse(ctx.stdout[0] as string);
    for (const key of ['testAccuracy', 'wallSeconds', 'costUsd']) expect(typeof record.metrics[key]).toBe('number');
    expect(record.metrics.flops.analyticTrainStep).toBeGreaterThan(0);
    expect(record.metrics.flops.tracedTrainStep).toBeGreaterThan(0);
    expect(record.config).toMatchObject({ model: 'mlp', batchSize: 8, accumulationSteps: 2, maxSteps: 2, seed: 4 });
    const instance = expectedDefault(record.environment);
    expect(record.environment.deviceId).toBe(instance.id); // the documented default for this machine's CPU, recorded
    // Carbon on every record; dollars by hand at that instance's catalogue $/h, and the pruning records' pricing gives the same.
    expect(record.metrics.carbonGrams).toBeCloseTo((record.metrics.energyJoules / 3.6e6) * 480, 12);
    expect(record.provenance['metrics.carbonGrams'].source).toMatch(/Ember/);
    expect(record.metrics.costUsd).toBeCloseTo((record.metrics.wallSeconds * instance.usdPerHour) / 3600, 15);
    const prunePriced = priceSeconds(record.metrics.wallSeconds, findDevice(instance.id)!);
    expect(prunePriced.costUsd).toBeCloseTo(record.metrics.costUsd, 15);
    expect(prunePriced.carbonGrams).toBeGreaterThan(0);
    expect(prunePriced.provenance['metrics.carbonGrams']?.source).toMatch(/480 gCO2e/);
    expect(readRecords(join(dir, '.costsim', 'records.jsonl')).map((r) => r.id)).toEqual([record.id]);
    // Three seeded runs, each listed; the time is the middle one (fastest and slowest dropped), with no interval from one kept run.
    expect(record.runs.map((r: { seed: number }) => r.seed)).toEqual([4, 5, 6]);
    const seconds = record.runs.map((r: { wallSeconds: number }) => r.wallSeconds).sort((a: number, b: number) => a - b);
    expect(record.metrics.wallSeconds).toBe(seconds[1]);
    expect(record.metrics.wallSecondsCi95).toBeNull();
    expect(record.provenance['metrics.wallSecondsCi95'].source).toMatch(/no interval: 1 kept run/);
    expect(record.provenance['metrics.wallSeconds'].source).toMatch(
      /mean of 1 run after dropping the fastest and the slowest of 3.*first touch of the data set.*each run reads them again/,
    );
    expect(record.metrics.reachedTarget).toBe(false); // no target was set
    expect(record.evaluations.at(-1)).toEqual({ step: 2, validationAccuracy: record.metrics.validationAccuracy, testAccuracy: record.metrics.testAccuracy });
    expect(record.environment.codeVersion).toMatch(/^0\.1\.0\+[0-9a-f]{12}$/);
    // Every figure says how it was obtained: each leaf under metrics (and runs, evaluations, curve) has a provenance entry at its path or a parent's.
    const leaves = (value: unknown, path: string): string[] =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}.${k}`)) : [path];
    const unlabelled = [...leaves(record.metrics, 'metrics'), 'runs', 'evaluations', 'curve'].filter(
      (path) => !Object.keys(record.provenance).some((key) => path === key || path.startsWith(`${key}.`)),
    );
    expect(unlabelled).toEqual([]);
  });

  it('--grid-region and --pue: carbon on the named grid (France 56 gCO2e/kWh, Ember 2023) × PUE, recorded and in the cache key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-cli-grid-'));
    const tiny = ['bench', '--model', 'mlp', '--steps', '2', '--batch', '8', '--opt', 'width=8', '--opt', 'dataLimit=200', '--backend', 'wasm', '--json'];
    const run = async (extra: string[]) => {
      const ctx = capture(dir);
      expect(await main([...tiny, ...extra], ctx)).toBe(0);
      return JSON.parse(ctx.stdout[0] as string);
    };
    const france = await run(['--grid-region', 'france', '--pue', '1.5']);
    // By hand: kWh × PUE × intensity = J / 3.6e6 × 1.5 × 56.
    expect(france.metrics.carbonGrams).toBeCloseTo((france.metrics.energyJoules / 3.6e6) * 1.5 * 56, 12);
    expect(france.environment.grid).toEqual({ region: 'france', pue: 1.5 });
    expect(france.provenance['metrics.carbonGrams'].source).toMatch(/PUE 1\.5 × 56 gCO2e\/kWh \(france: Ember/);
    const world = await run([]);
    expect(world.metrics.carbonGrams).toBeCloseTo((world.metrics.energyJoules / 3.6e6) * 480, 12);
    expect(world.environment.grid).toBeUndefined();
    expect(world.cacheKey).not.toBe(france.cacheKey);
    // --cache with a grid finds the record made on that grid, not the world one.
    const cached = await run(['--grid-region', 'france', '--pue', '1.5', '--cache']);
    expect(cached.id).toBe(france.id);
  });

  it("--usd-per-hour prices the measured seconds at this machine's own rate, recorded and in the cache key; energy keeps the instance's power", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-cli-rate-'));
    const ctx = capture(dir);
    const args = ['bench', '--model', 'mlp', '--steps', '2', '--batch', '8', '--opt', 'width=8', '--opt', 'dataLimit=200', '--backend', 'wasm', '--json'];
    expect(await main([...args, '--usd-per-hour', '0.9'], ctx)).toBe(0);
    const record = JSON.parse(ctx.stdout[0] as string);
    // By hand: seconds × 0.9 $/h ÷ 3600, not the default instance's catalogue rate.
    expect(record.metrics.costUsd).toBeCloseTo((record.metrics.wallSeconds * 0.9) / 3600, 15);
    expect(record.environment.usdPerHourGiven).toBe(0.9);
    const instance = expectedDefault(record.environment).id;
    expect(record.environment.deviceId).toBe(instance);
    expect(record.provenance['metrics.costUsd'].source).toMatch(/0\.9 USD\/hour .*given by --usd-per-hour/);
    expect(record.provenance['metrics.energyJoules'].source).toContain(`${instance} powerWatts`);
    const plain = capture(dir);
    expect(await main([...args, '--cache'], plain)).toBe(0);
    expect(JSON.parse(plain.stdout[0] as string).cacheKey).not.toBe(record.cacheKey); // the cache never hands back another rate's dollars
  });

  it('warns, on stderr and in the cost provenance, when the instance this machine is priced as has another vCPU count', async () => {
    const ctx = capture(mkdtempSync(join(tmpdir(), 'costsim-cli-vcpu-')));
    const args = ['bench', '--model', 'mlp', '--steps', '2', '--batch', '8', '--opt', 'width=8', '--opt', 'dataLimit=200', '--backend', 'wasm', '--json'];
    expect(await main([...args, '--device', 'aws-r6a.4xlarge'], ctx)).toBe(0);
    const record = JSON.parse(ctx.stdout[0] as string);
    const cores = record.environment.cpuCores;
    if (cores === 16) expect(ctx.stderr.join('\n')).not.toMatch(/has 16/);
    else {
      expect(ctx.stderr.join('\n')).toMatch(new RegExp(`warning: this machine has ${cores} vCPUs? but aws-r6a\\.4xlarge has 16`));
      expect(record.provenance['metrics.costUsd'].source).toMatch(/warning: this machine has .* but aws-r6a\.4xlarge has 16/);
    }
    // Its own rate silences it: the dollars are then this machine's.
    const rated = capture(mkdtempSync(join(tmpdir(), 'costsim-cli-vcpu-')));
    expect(await main([...args, '--device', 'aws-r6a.4xlarge', '--usd-per-hour', '0.3'], rated)).toBe(0);
    expect(rated.stderr.join('\n')).not.toMatch(/warning/);
  });

  it('--accum-sweep --json measures peak memory and time for each k at a fixed number of samples per step', async () => {
    const ctx = capture();
    const code = await main(
      [
        'bench',
        '--model',
        'mlp',
        '--opt',
        'width=32',
        '--opt',
        'dataLimit=600',
        '--batch',
        '256',
        '--accum-sweep',
        '1,4',
        '--steps',
        '1',
        '--backend',
        'wasm',
        '--json',
      ],
      ctx,
    );
    expect(code).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string);
    expect(out.points.map((p: { accumulationSteps: number; microBatchSize: number }) => [p.accumulationSteps, p.microBatchSize])).toEqual([
      [1, 256],
      [4, 64],
    ]);
    // k = 4 never holds the inputs of 192 samples (784 floats × 4 bytes) at once.
    expect(out.points[0].peakBytes - out.points[1].peakBytes).toBeGreaterThan(192 * 784 * 4 * 0.5);
  });

  const bad: Array<[string[], RegExp]> = [
    [['--model', 'mlp', '--batch', '10', '--accum-sweep', '1,3'], /--accum-sweep: 3 does not divide --batch 10/],
    [['--model', 'mlp', '--accum-sweep', '1,x'], /--accum-sweep: every entry must be a positive integer/],
    [['--model', 'resnet'], /--model.*unknown model "resnet" \(allowed: mlp, cnn, transformer\)/],
    [[], /--model: is required \(allowed: mlp, cnn, transformer\)/],
    [['--model', 'mlp', '--batch', '0'], /--batch.*must be a positive integer \(got 0\)/],
    [['--model', 'mlp', '--steps', '-3'], /--steps.*must be a positive integer \(got -3\)/],
    [['--model', 'mlp', '--accum', '1.5'], /--accum.*must be a positive integer \(got 1.5\)/],
    [['--model', 'mlp', '--batch', 'lots'], /--batch: must be a number \(got "lots"\)/],
    [['--model', 'mlp', '--target-accuracy', '0'], /--target-accuracy.*must be in \(0, 1\]/],
    [['--model', 'mlp', '--target-accuracy', '1.2'], /--target-accuracy.*must be in \(0, 1\]/],
    [['--model', 'mlp', '--backend', 'quantum'], /--backend: unknown backend "quantum" \(allowed: tensorflow, native, wasm, cpu\)/],
    [['--model', 'mlp', '--device', 'abacus'], /--device: unknown device "abacus" \(allowed: .*aws-c6a\.large/],
    // This machine's seconds are never priced at an H100's $/hour: the H100 did not run the job.
    [['--model', 'mlp', '--device', 'h100-sxm', '--json'], /--device: "h100-sxm" is a GPU and never ran this job.*costsim plan/],
    [['--model', 'mlp', '--grid-region', 'mars'], /--grid-region: unknown grid region "mars" \(allowed: world, us, eu, china, france\)/],
    [['--model', 'mlp', '--usd-per-hour', '0'], /--usd-per-hour: must be a positive number of USD per hour \(got 0\)/],
    [['--model', 'mlp', '--pue', '0.8'], /--pue: must be a number from 1 to 3 \(got 0\.8\)/],
    [['--model', 'mlp', '--pue', '15'], /--pue: must be a number from 1 to 3 \(got 15\)/],
    [['--model', 'mlp', '--opt', 'width'], /--opt: expected key=value/],
    [['--model', 'mlp', '--opt', 'heads=2'], /model option "heads": not an option of mlp \(allowed: width, depth\)/],
  ];
  for (const [args, message] of bad) {
    it(`exits 2 for ${args.join(' ') || 'no --model'}`, async () => {
      const ctx = capture();
      expect(await main(['bench', ...args], ctx)).toBe(2);
      expect(ctx.stderr.join('\n')).toMatch(message);
      expect(ctx.stdout).toEqual([]);
    });
  }
});
