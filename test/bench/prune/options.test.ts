import { describe, expect, it } from 'vitest';
import { parsePruneFlags, parseSparsities } from '../../../src/bench/prune/options.ts';
import { planPruneStudy } from '../../../src/bench/prune/plan.ts';
import { UsageError } from '../../../src/errors.ts';

const env = { backend: 'cpu', cpuModel: 'test', node: '20', tfjs: '4.22.0', costsimVersion: '0.1.0', codeVersion: '0.1.0+aaaaaaaaaaaa' };

function flagOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof UsageError) return error.flag;
    throw error;
  }
  return undefined;
}

describe('prune flags', () => {
  it('parses the issue example', () => {
    const o = parsePruneFlags({ model: 'cnn', sparsity: '0,0.5,0.75,0.9', mode: 'unstructured', schedule: 'constant', steps: '50' }, '/tmp/c');
    expect(o.sparsities).toEqual([0, 0.5, 0.75, 0.9]);
    expect(o.methods).toEqual(['magnitude']);
    expect(o.fineTuneSteps).toBe(50);
  });

  it('refuses a latency round count that can never reach significance, saying how many are needed', () => {
    // 5 rounds all agreeing: sign-test p = 2/2^5 = 0.0625 ≥ 0.05, so no verdict is ever possible.
    expect(() => parsePruneFlags({ latencyRounds: '5' }, '/tmp')).toThrow(
      /--latency-rounds: 5 rounds can never show a latency difference.*0\.0625.*6 or more rounds/,
    );
    expect(parsePruneFlags({ latencyRounds: '6' }, '/tmp').latencyRounds).toBe(6);
  });

  it('rejects bad input naming the flag (exit code 2)', () => {
    expect(flagOf(() => parseSparsities('0.5,1'))).toBe('--sparsity');
    expect(flagOf(() => parseSparsities('-0.1'))).toBe('--sparsity');
    expect(flagOf(() => parseSparsities(' , '))).toBe('--sparsity');
    expect(flagOf(() => parsePruneFlags({ mode: 'magnitude-ish' }, '/tmp'))).toBe('--mode');
    expect(flagOf(() => parsePruneFlags({ schedule: 'cosine' }, '/tmp'))).toBe('--schedule');
    expect(flagOf(() => parsePruneFlags({ schedule: 'polynomial', beginStep: '60', endStep: '20', steps: '100' }, '/tmp'))).toBe('--begin-step');
    expect(flagOf(() => parsePruneFlags({ schedule: 'polynomial', endStep: '500', steps: '100' }, '/tmp'))).toBe('--end-step');
    expect(flagOf(() => parsePruneFlags({ model: 'resnet' }, '/tmp'))).toBe('--model');
    expect(flagOf(() => parsePruneFlags({ threshold: 'row' }, '/tmp'))).toBe('--threshold');
    expect(flagOf(() => parsePruneFlags({ seeds: '1,x' }, '/tmp'))).toBe('--seeds');
    expect(new UsageError('--x', 'y').exitCode).toBe(2);
  });
});

describe('planPruneStudy', () => {
  it('makes one dense point per seed and one point per method × sparsity × seed, sharing sparsity 0 between magnitude and random', () => {
    const o = parsePruneFlags({ sparsity: '0,0.5', mode: 'unstructured,random,structured', seeds: '1,2', schedule: 'polynomial', steps: '100' }, '/tmp/c');
    const plan = planPruneStudy(o, env, 'aws-c6a.large');
    expect(plan.dense).toHaveLength(2);
    // Per seed: magnitude 0, 0.5; random 0.5 (its 0 is magnitude's); structured 0, 0.5.
    expect(plan.prune).toHaveLength(10);
    expect(plan.cells).toHaveLength(12);
    const schedule = plan.prune[1]?.params.spec.schedule;
    // Polynomial defaults for 100 steps: frequency round(60/10) = 6, end = 60.
    expect(schedule).toMatchObject({ kind: 'polynomialDecay', finalSparsity: 0.5, beginStep: 0, endStep: 60, frequency: 6, power: 3 });
    // Keys are stable and change with the environment.
    expect(planPruneStudy(o, env, 'aws-c6a.large').prune.map((p) => p.key)).toEqual(plan.prune.map((p) => p.key));
    expect(planPruneStudy(o, { ...env, backend: 'wasm' }, 'aws-c6a.large').prune[0]?.key).not.toBe(plan.prune[0]?.key);
    // Other code (a kernel changed): every level and dense parent is measured again, as bench's keys do.
    const edited = planPruneStudy(o, { ...env, codeVersion: '0.1.0+bbbbbbbbbbbb' }, 'aws-c6a.large');
    expect(edited.prune.every((p, i) => p.key !== plan.prune[i]?.key) && edited.dense.every((p, i) => p.key !== plan.dense[i]?.key)).toBe(true);
    // Priced as another device: every level key changes (its dollars differ), no dense parent's does (training does not depend on it).
    const other = planPruneStudy(o, env, 'gcp-n2d-standard-2');
    expect(other.prune.every((p, i) => p.key !== plan.prune[i]?.key)).toBe(true);
    expect(other.dense.map((p) => p.key)).toEqual(plan.dense.map((p) => p.key));
  });
});
