// `costsim run` (a scenario's pruning entries) and `costsim prune` (flags) build their pruning
// study from one defaults table: the same model and levels with nothing else given → the same options.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse.ts';
import { pruneStudyOptionsFor } from '../../src/pipeline/measure.ts';
import { parsePruneFlags } from '../../src/bench/prune/options.ts';
import { planPruneStudy } from '../../src/bench/prune/plan.ts';
import { makeBenchConfig } from '../../src/bench/config.ts';

const scenario = (model: string, schedule = '') =>
  parseScenario(
    `name: prune-options
bench:
  - { id: p50, model: ${model}, steps: 100, seed: 0, device: aws-c6a.large, pruning: { mode: unstructured, sparsity: 0.5${schedule} } }
  - { id: p90, model: ${model}, steps: 100, seed: 0, device: aws-c6a.large, pruning: { mode: unstructured, sparsity: 0.9${schedule} } }
`,
    'prune-options.yaml',
  );

describe('one pruning-study options builder', () => {
  for (const model of ['mlp', 'cnn', 'transformer']) {
    it(`${model}: scenario entries and costsim prune flags give identical study options and plans`, () => {
      const s = scenario(model);
      const fromRun = pruneStudyOptionsFor(s, model as 'mlp', s.bench, '/store/records.jsonl');
      const fromPrune = parsePruneFlags({ model, sparsity: '0.5,0.9', mode: 'unstructured', seeds: '0', steps: '100' }, '/store/prune-checkpoints');
      expect(fromRun).toEqual(fromPrune);
      // Dense parent 300 steps, 7 latency rounds: the table both read (were 200/5 in run, 300/7 in prune).
      expect(fromRun).toMatchObject({ denseSteps: 300, latencyRounds: 7, latencyBatchSize: 256, schedule: 'constant', scope: 'layer' });
      const env = { backend: 'cpu', cpuModel: 'x', node: '20', tfjs: '4.22.0', costsimVersion: '0.1.0', codeVersion: '0.1.0+000000000000' };
      expect(planPruneStudy(fromRun, env, 'aws-c6a.large').cells.map((c) => c.key)).toEqual(
        planPruneStudy(fromPrune, env, 'aws-c6a.large').cells.map((c) => c.key),
      );
    });
  }

  it('with no seed anywhere, a scenario entry, costsim bench and costsim prune use the same seed (one defaults table)', () => {
    const s = parseScenario(
      'name: no-seed\nbench:\n  - { id: d, model: mlp, steps: 10, device: aws-c6a.large }\n  - { id: p, model: mlp, steps: 10, device: aws-c6a.large, pruning: { mode: unstructured, sparsity: 0.5 } }\n',
      'no-seed.yaml',
    );
    expect(s.bench[0]?.seed).toBe(makeBenchConfig({ model: 'mlp' }).seed);
    const fromRun = pruneStudyOptionsFor(s, 'mlp', s.bench.slice(1), '/store/records.jsonl');
    const fromPrune = parsePruneFlags({ model: 'mlp', sparsity: '0.5', mode: 'unstructured', steps: '10' }, '/store/prune-checkpoints');
    expect(fromRun.seeds).toEqual(fromPrune.seeds);
  });

  it('a schedule with overrides reaches the study as costsim prune flags would; unknown schedule keys are refused with file and line', () => {
    const s = scenario('mlp', ', schedule: { kind: polynomial, beginStep: 10, endStep: 80, frequency: 5 }');
    const fromRun = pruneStudyOptionsFor(s, 'mlp', s.bench, '/store/records.jsonl');
    const fromPrune = parsePruneFlags(
      {
        model: 'mlp',
        sparsity: '0.5,0.9',
        mode: 'unstructured',
        seeds: '0',
        steps: '100',
        schedule: 'polynomial',
        beginStep: '10',
        endStep: '80',
        frequency: '5',
      },
      '/store/prune-checkpoints',
    );
    expect(fromRun).toEqual(fromPrune);
    expect(() => scenario('mlp', ', schedule: { kind: polynomial, beginStpe: 10 }')).toThrow(/prune-options\.yaml.*line 3.*beginStpe/s);
  });
});
