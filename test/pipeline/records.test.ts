// `costsim simulate` and `costsim equilibrium` train nothing unless asked: with bench references
// and an empty store they name the missing records and the command that produces them; with
// --train they train (announced on stderr), and afterwards the records come from the store.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';

const SCENARIO = `name: records-needed
seed: 5
periods: 3
unit: 1B images
monteCarlo: { runs: 2 }
bench:
  - { id: tiny, model: mlp, modelOptions: { width: 16, dataLimit: 600 }, batch: 16, steps: 2, seed: 1, device: aws-c6a.large }
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

describe('simulate and equilibrium never train by surprise', () => {
  it('empty store: exit 2 naming the missing record and `costsim run`, nothing trained or written; --train trains and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-records-'));
    writeFileSync(join(dir, 's.yaml'), SCENARIO);
    for (const command of ['simulate', 'equilibrium']) {
      const ctx = context(dir);
      expect(await main([command, 's.yaml', '--store', 'store/records.jsonl'], ctx)).toBe(2);
      const err = ctx.stderr.join('\n');
      expect(err).toContain('s.yaml');
      expect(err).toMatch(/1 of 1 bench records are not in the store store\/records\.jsonl \(tiny\); nothing was trained/);
      expect(err).toContain('`costsim run s.yaml`');
      expect(err).toContain('--train');
      expect(ctx.stdout).toEqual([]);
      expect(existsSync(join(dir, 'store'))).toBe(false);
    }

    const trained = context(dir);
    expect(await main(['equilibrium', 's.yaml', '--store', 'store/records.jsonl', '--train', '--json'], trained), trained.stderr.join('\n')).toBe(0);
    expect(trained.stderr.join('\n')).toMatch(/--train: training the 1 bench entries of s\.yaml \(tiny\)/);
    const lines = readFileSync(join(dir, 'store', 'records.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);

    // Now in the store: found without --train, nothing announced, nothing appended.
    const cached = context(dir);
    expect(await main(['simulate', 's.yaml', '--store', 'store/records.jsonl', '--workers', '1', '--json'], cached), cached.stderr.join('\n')).toBe(0);
    expect(cached.stderr.join('\n')).not.toContain('training');
    expect(
      readFileSync(join(dir, 'store', 'records.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
    const eq = JSON.parse(trained.stdout[0] as string);
    const measured = (eq.costs as Array<{ provider: string; costProvenance: { kind: string } }>).find((c) => c.provider === 'Measured');
    expect(measured?.costProvenance.kind).not.toBe('assumed');
  }, 120_000);
});
