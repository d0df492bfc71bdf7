import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import { readRecords } from '../../../src/bench/store.ts';
import { isPruneRecord, priceSeconds } from '../../../src/bench/prune/record.ts';
import { atGivenRate } from '../../../src/bench/run.ts';
import { findDevice } from '../../../src/devices/catalog.ts';
import type { BenchRecord } from '../../../src/bench/record.ts';

function context(cwd = process.cwd()): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

// A tiny MLP study: one dense parent, one level, one worker (no serial pass).
const tinyPrune = (store: string) => [
  'prune',
  '--model',
  'mlp',
  '--opt',
  'width=8',
  '--data-limit',
  '200',
  '--dense-steps',
  '2',
  '--steps',
  '2',
  '--sparsity',
  '0.5',
  '--latency-rounds',
  '6',
  '--latency-ms',
  '5',
  '--latency-batch',
  '8',
  '--batch-size',
  '8',
  '--workers',
  '1',
  '--backend',
  'wasm',
  '--store',
  store,
  '--json',
];
const pricing = ['--usd-per-hour', '0.9', '--grid-region', 'france', '--pue', '1.5'];

function pruneRecordsOf(store: string): BenchRecord[] {
  return readRecords(store).filter(isPruneRecord);
}

describe('costsim prune prices and carbon-counts its records as costsim bench does', () => {
  it('--usd-per-hour, --grid-region and --pue: same semantics, recorded, in the level key only when given; the vCPU warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prune-pricing-'));
    const store = join(dir, 'records.jsonl');

    // Priced as a 16-vCPU instance, no rate given: warned on stderr and in the cost provenance (unless this machine has 16).
    const plainCtx = context(dir);
    expect(await main([...tinyPrune(store), '--device', 'aws-r6a.4xlarge'], plainCtx)).toBe(0);
    const [plain] = pruneRecordsOf(store) as [BenchRecord];
    expect(plain.environment.grid).toBeUndefined();
    expect(plain.environment.usdPerHourGiven).toBeUndefined();
    // World grid, PUE 1 by hand: J / 3.6e6 × 480 (Ember 2023).
    expect(plain.metrics.carbonGrams).toBeCloseTo(((plain.metrics.energyJoules as number) / 3.6e6) * 480, 12);
    const cores = plain.environment.cpuCores;
    if (cores === 16) expect(plainCtx.stderr.join('\n')).not.toMatch(/has 16/);
    else {
      expect(plainCtx.stderr.join('\n')).toMatch(new RegExp(`costsim prune: warning: this machine has ${cores} vCPUs? but aws-r6a\\.4xlarge has 16`));
      expect(plain.provenance['metrics.costUsd']?.source).toMatch(/warning: this machine has .* but aws-r6a\.4xlarge has 16/);
    }

    // The same study with this machine's rate, the French grid and PUE 1.5.
    const ratedCtx = context(dir);
    expect(await main([...tinyPrune(store), ...pricing], ratedCtx)).toBe(0);
    expect(ratedCtx.stderr.join('\n')).not.toMatch(/warning/); // its own rate: the dollars are this machine's
    const out = JSON.parse(ratedCtx.stdout[0] as string) as { skipped: number; device: { usdPerHour: number } };
    expect(out.skipped).toBe(0); // a new level key: the store did not hand back the world-grid, catalogue-priced record
    expect(out.device.usdPerHour).toBe(0.9); // the payoff is priced at the same rate as the record
    const rated = pruneRecordsOf(store).at(-1) as BenchRecord;
    expect(rated.cacheKey).not.toBe(plain.cacheKey);
    expect(rated.config.pruning?.denseKey).toBe(plain.config.pruning?.denseKey); // the dense parent does not depend on pricing
    expect(rated.environment.grid).toEqual({ region: 'france', pue: 1.5 });
    expect(rated.environment.usdPerHourGiven).toBe(0.9);
    // Judged on the validation split (measured in the worker), the test split only reported.
    expect(typeof rated.metrics.validationAccuracy).toBe('number');
    expect(rated.provenance['metrics.reachedTarget']?.source).toMatch(/^decided on the validation split/);
    // By hand: seconds × 0.9 $/h ÷ 3600; J / 3.6e6 × 1.5 × 56 gCO2e/kWh.
    const pruneSeconds = rated.metrics.wallSeconds;
    expect(rated.metrics.costUsd).toBeCloseTo((pruneSeconds * 0.9) / 3600, 15);
    expect(rated.metrics.carbonGrams).toBeCloseTo(((rated.metrics.energyJoules as number) / 3.6e6) * 1.5 * 56, 12);
    expect(rated.provenance['metrics.costUsd']?.source).toMatch(/0\.9 USD\/hour .*given by --usd-per-hour/);
    expect(rated.provenance['metrics.carbonGrams']?.source).toMatch(/PUE 1\.5 × 56 gCO2e\/kWh \(france: Ember/);

    // A bench record with the same flags: the same hand formulas hold for its seconds and joules.
    const benchCtx = context(dir);
    const bench = ['bench', '--model', 'mlp', '--steps', '2', '--batch', '8', '--opt', 'width=8', '--opt', 'dataLimit=200', '--backend', 'wasm', '--json'];
    expect(await main([...bench, ...pricing], benchCtx)).toBe(0);
    const benched = JSON.parse(benchCtx.stdout[0] as string) as BenchRecord;
    expect(benched.environment.grid).toEqual(rated.environment.grid);
    expect(benched.environment.usdPerHourGiven).toBe(rated.environment.usdPerHourGiven);
    expect(benched.metrics.costUsd).toBeCloseTo((benched.metrics.wallSeconds * 0.9) / 3600, 15);
    expect(benched.metrics.carbonGrams).toBeCloseTo(((benched.metrics.energyJoules as number) / 3.6e6) * 1.5 * 56, 12);
    // And the pruning pricing of the bench record's seconds gives the bench record's dollars, and carbon per joule.
    const device = atGivenRate(findDevice('aws-c6a.large')!, 0.9);
    const repriced = priceSeconds(benched.metrics.wallSeconds, device, { grid: { region: 'france', pue: 1.5 } });
    expect(repriced.costUsd).toBeCloseTo(benched.metrics.costUsd, 15);
    expect(repriced.carbonGrams / repriced.energyJoules).toBeCloseTo((benched.metrics.carbonGrams as number) / (benched.metrics.energyJoules as number), 15);
    expect(repriced.provenance['metrics.costUsd']?.source).toMatch(/given by --usd-per-hour/);
  });

  it('a rerun priced as another --device does not reuse the level priced as the first: the device is in the level key, not in the dense parent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prune-device-'));
    const store = join(dir, 'records.jsonl');
    expect(await main([...tinyPrune(store), '--device', 'aws-c6a.large'], context(dir))).toBe(0);
    const [first] = pruneRecordsOf(store) as [BenchRecord];
    expect(first.environment.deviceId).toBe('aws-c6a.large');
    const otherCtx = context(dir);
    expect(await main([...tinyPrune(store), '--device', 'gcp-n2d-standard-2'], otherCtx)).toBe(0);
    const out = JSON.parse(otherCtx.stdout[0] as string) as { skipped: number; device: { id: string; usdPerHour: number } };
    expect(out.skipped).toBe(0);
    expect(out.device).toMatchObject({ id: 'gcp-n2d-standard-2', usdPerHour: 0.0845 });
    const second = pruneRecordsOf(store).at(-1) as BenchRecord;
    expect(second.cacheKey).not.toBe(first.cacheKey);
    expect(second.config.pruning?.denseKey).toBe(first.config.pruning?.denseKey);
    expect(second.environment.deviceId).toBe('gcp-n2d-standard-2');
    // By hand: its own seconds × GCP n2d-standard-2's 0.0845 $/h (catalogue, us-central1) ÷ 3600.
    expect(second.metrics.costUsd).toBeCloseTo((second.metrics.wallSeconds * 0.0845) / 3600, 15);
    // The same device again: the stored level is reused.
    const againCtx = context(dir);
    expect(await main([...tinyPrune(store), '--device', 'gcp-n2d-standard-2'], againCtx)).toBe(0);
    expect((JSON.parse(againCtx.stdout[0] as string) as { skipped: number }).skipped).toBe(1);
  });

  it.each([
    [['--grid-region', 'mars'], /--grid-region: unknown grid region "mars" \(allowed: world, us, eu, china, france\)/],
    [['--usd-per-hour', '0'], /--usd-per-hour: must be a positive number of USD per hour \(got 0\)/],
    [['--usd-per-hour', 'cheap'], /--usd-per-hour: must be a number/],
    [['--pue', '0.8'], /--pue: must be a number from 1 to 3 \(got 0\.8\)/],
  ])('bad pricing %j exits 2 naming the flag, before anything runs', async (args, message) => {
    const ctx = context();
    expect(await main(['prune', '--model', 'mlp', ...args], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(message);
    expect(ctx.stdout).toEqual([]);
  });
});
