import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/index.ts';

// Placement entries are checked at parse time, with the file, path and line (issue 12: they used
// to reach the planner and come back as a pseudo-flag with no line).
const entry = (model: string, caps = '') => `name: x
placement:
  - id: p
    model: ${model}
    devices: [h100-sxm, a100-80gb]
${caps}`;

function messageOf(text: string): string {
  try {
    parseScenario(text, 'scenarios/plan.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

describe('placement entries checked at parse time', () => {
  it('a transformer shape whose hidden size does not split into its heads names the field and line 4', () => {
    const message = messageOf(entry('transformer:layers=2,hidden=64,heads=3,seq=16,vocab=100'));
    expect(message).toContain('scenarios/plan.yaml placement[0].model (line 4)');
    expect(message).toContain('divisible by "heads"');
  });

  it('an unknown shape field is refused with the allowed ones', () => {
    expect(messageOf(entry('transformer:layers=2,hidden=64,heads=4,seq=16,vocab=100,width=3'))).toMatch(
      /placement\[0\]\.model \(line 4\).*unknown shape field "width"/,
    );
  });

  it('a memory cap on a device the entry does not list names the cap and its line', () => {
    const message = messageOf(entry('transformer:layers=2,hidden=64,heads=4,seq=16,vocab=100', '    maxMemory: { l4: 1e9 }\n'));
    expect(message).toContain('placement[0].maxMemory.l4 (line 6)');
    expect(message).toContain('not one of this entry');
  });

  it('a valid entry parses', () => {
    expect(
      parseScenario(entry('transformer:layers=2,hidden=64,heads=4,seq=16,vocab=100', '    maxMemory: { a100-80gb: 1e9 }\n'), 'scenarios/plan.yaml').placement,
    ).toHaveLength(1);
  });
});
