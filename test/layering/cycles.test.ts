// No import circle in src/: checked over the whole import graph (type-only imports included).
import { describe, expect, it } from 'vitest';
import { cycles, importGraph } from './import-graph.ts';

describe('import graph of src/', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a.ts', [{ to: 'b.ts', typeOnly: false }]],
      ['b.ts', [{ to: 'c.ts', typeOnly: true }]],
      ['c.ts', [{ to: 'a.ts', typeOnly: false }]],
    ]);
    expect(cycles(graph, true)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
    expect(cycles(graph, false)).toEqual([]);
  });

  it('reads real edges (pipeline → placement/spec.ts, devices/catalog.ts → devices/types.ts)', () => {
    const graph = importGraph();
    expect(graph.get('pipeline/plan.ts')?.map((e) => e.to)).toContain('placement/spec.ts');
    expect(graph.get('devices/catalog.ts')?.map((e) => e.to)).toContain('devices/types.ts');
  });

  it('has no import circle at run time', () => {
    expect(cycles(importGraph(), false)).toEqual([]);
  });

  it('type-only circles: only the two known ones, each closed by one `import type` (owners: sweep/ and serve/)', () => {
    const known = ['sweep/queue/submit.ts → sweep/runner.ts', 'serve/measure/calibrate.ts → serve/measure/sweep.ts'];
    const found = cycles(importGraph(), true).map((c) => [...new Set(c)].sort().join(' → '));
    expect(found.sort()).toEqual(known.sort());
  });
});
