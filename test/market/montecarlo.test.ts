import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/index.ts';
import { equilibriumReport, simulateRuns } from '../../src/market/index.ts';
import { InputError } from '../../src/errors.ts';

// A scenario whose `name` differs from its file: an error found after parsing (a bench record
// that is missing) must name the file the user can open, not the display name.
const TEXT = `name: Fancy display name
periods: 2
bench:
  - { id: small, model: mlp, device: aws-c6a.large, steps: 5 }
demand: { type: logit, mu: 0.25 }
providers:
  - name: A
    quality: 1
    cost: { bench: small, device: aws-c6a.large, samplesPerUnit: 1000 }
    strategy: { type: costPlus }
`;

describe('market errors name the scenario file', () => {
  it('a missing bench record names scenarios/my-war.yaml and the field, in simulate and equilibrium', () => {
    const scenario = parseScenario(TEXT, 'scenarios/my-war.yaml');
    expect(scenario.file).toBe('scenarios/my-war.yaml');
    for (const run of [() => simulateRuns(scenario, new Map(), [0]), () => equilibriumReport(scenario, new Map())]) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toContain('scenarios/my-war.yaml');
      expect((error as Error).message).toContain('providers[0].cost.bench');
      expect((error as Error).message).not.toContain('Fancy display name');
    }
  });
});
