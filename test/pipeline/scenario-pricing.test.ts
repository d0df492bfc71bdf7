// `costsim run` prices and carbon-counts a scenario's records from its `energy:` section and its
// entries' `usdPerHour` exactly as `costsim bench`/`prune` do from their flags: recorded, labelled
// as scenario input, and in the cache key, so a rerun at another rate is measured again.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';
import type { BenchRecord } from '../../src/bench/record.ts';
import { parseScenario } from '../../src/scenario/parse.ts';
import { pruneStudyOptionsFor, scenarioPricing } from '../../src/pipeline/measure.ts';
import { parsePruneFlags } from '../../src/bench/prune/options.ts';
import { planPruneStudy } from '../../src/bench/prune/plan.ts';

const SCENARIO = `name: scenario-pricing
seed: 5
periods: 3
unit: 1B images
monteCarlo: { runs: 2 }
energy: { gridRegion: france, pue: 1.5 }
bench:
  - { id: tiny, model: mlp, modelOptions: { width: 16, dataLimit: 600 }, batch: 16, steps: 2, seed: 1, device: aws-c6a.large, usdPerHour: 0.9 }
demand: { type: logit, mu: 0.5, outsideQuality: 0, marketSize: 100, priceElasticity: 0.3, referencePrice: 1 }
providers:
  - { name: Measured, quality: 2, cost: { bench: tiny, device: aws-c6a.large, samplesPerUnit: 1.0e9 }, strategy: { type: costPlus, markup: 0.3 } }
  - { name: Assumed, quality: 1.8, marginalCost: 0.5, strategy: { type: costPlus, markup: 0.3 } }
`;

function context(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

const records = (dir: string): BenchRecord[] =>
  readFileSync(join(dir, 'store', 'records.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as BenchRecord);

describe('costsim run: scenario energy and rate inputs', () => {
  it("a bench entry's record: this machine's rate and the scenario's grid, by hand; labelled scenario input; another rate is measured again, the same one reused", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-scenario-pricing-'));
    writeFileSync(join(dir, 's.yaml'), SCENARIO);
    const args = ['run', 's.yaml', '--store', 'store/records.jsonl', '--backend', 'wasm', '--workers', '1', '--quiet', '--json'];
    const first = context(dir);
    expect(await main(args, first), first.stderr.join('\n')).toBe(0);
    const [rated] = records(dir) as [BenchRecord];
    expect(rated.environment.grid).toEqual({ region: 'france', pue: 1.5 });
    expect(rated.environment.usdPerHourGiven).toBe(0.9);
    expect(rated.environment.deviceId).toBe('aws-c6a.large');
    // By hand: seconds × 0.9 $/h ÷ 3600 (not c6a.large's 0.0765); J ÷ 3.6e6 × PUE 1.5 × 56 gCO2e/kWh (France, Ember 2023).
    expect(rated.metrics.costUsd).toBeCloseTo((rated.metrics.wallSeconds * 0.9) / 3600, 15);
    expect(rated.metrics.carbonGrams).toBeCloseTo((rated.metrics.energyJoules / 3.6e6) * 1.5 * 56, 12);
    expect(rated.provenance['metrics.costUsd']?.source).toMatch(/× 0\.9 USD\/hour .*given by s\.yaml bench\[0\]\.usdPerHour \(assumed: scenario input\)/);
    expect(rated.provenance['metrics.carbonGrams']?.source).toMatch(/PUE 1\.5 × 56 gCO2e\/kWh \(france: Ember/);

    // Another rate and PUE (--set, checked against the schema): not the stored record, a new one priced at them.
    const other = context(dir);
    expect(await main([...args, '--set', 'bench[0].usdPerHour=0.5', '--set', 'energy.pue=1.2'], other), other.stderr.join('\n')).toBe(0);
    const after = records(dir);
    expect(after).toHaveLength(2);
    const repriced = after[1] as BenchRecord;
    expect(repriced.cacheKey).not.toBe(rated.cacheKey);
    expect(repriced.environment).toMatchObject({ grid: { region: 'france', pue: 1.2 }, usdPerHourGiven: 0.5 });
    expect(repriced.metrics.costUsd).toBeCloseTo((repriced.metrics.wallSeconds * 0.5) / 3600, 15);
    expect(repriced.metrics.carbonGrams).toBeCloseTo((repriced.metrics.energyJoules / 3.6e6) * 1.2 * 56, 12);

    // The first inputs again: that record is reused, nothing appended.
    const again = context(dir);
    expect(await main(args, again), again.stderr.join('\n')).toBe(0);
    expect(records(dir)).toHaveLength(2);
  }, 120_000);

  it("pruning entries: the study is priced at the entries' rate and the scenario's grid, as costsim prune's flags price it, and another rate gives other level keys", () => {
    const text = (rate: string) => `name: prune-pricing
energy: { gridRegion: eu }
bench:
  - { id: p50, model: mlp, steps: 100, seed: 0, device: aws-c6a.large${rate}, pruning: { mode: unstructured, sparsity: 0.5 } }
`;
    const s = parseScenario(text(', usdPerHour: 0.3'), 'p.yaml');
    const fromRun = pruneStudyOptionsFor(s, 'mlp', s.bench, '/store/records.jsonl');
    const fromPrune = parsePruneFlags(
      { model: 'mlp', sparsity: '0.5', mode: 'unstructured', seeds: '0', steps: '100', usdPerHour: '0.3', gridRegion: 'eu' },
      '/store/prune-checkpoints',
    );
    const { usdPerHourVia, ...rest } = fromRun;
    expect(rest).toEqual(fromPrune);
    expect(usdPerHourVia).toBe('p.yaml bench[0].usdPerHour (assumed: scenario input)');
    expect(scenarioPricing(s, s.bench[0] as (typeof s.bench)[number])).toEqual({ grid: { region: 'eu', pue: 1 }, usdPerHour: 0.3, usdPerHourVia });
    const env = { backend: 'cpu', cpuModel: 'x', node: '20', tfjs: '4.22.0', costsimVersion: '0.1.0', codeVersion: '0.1.0+000000000000' };
    const key = (rate: string) => {
      const scenario = parseScenario(text(rate), 'p.yaml');
      return planPruneStudy(pruneStudyOptionsFor(scenario, 'mlp', scenario.bench, '/store/records.jsonl'), env, 'aws-c6a.large').cells[0]?.key;
    };
    expect(key(', usdPerHour: 0.3')).toBe(planPruneStudy(fromPrune, env, 'aws-c6a.large').cells[0]?.key);
    expect(key(', usdPerHour: 0.4')).not.toBe(key(', usdPerHour: 0.3'));
    expect(key('')).not.toBe(key(', usdPerHour: 0.3'));
  });
});
