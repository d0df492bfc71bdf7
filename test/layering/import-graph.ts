// The import graph of src/: every relative import of every .ts file (static, `import type`,
// re-exports and dynamic import() with a literal path), resolved to files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export const SRC = resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** file (relative to src/) → the files it imports (relative to src/), with whether the import is type-only. */
export function importGraph(): Map<string, Array<{ to: string; typeOnly: boolean }>> {
  const graph = new Map<string, Array<{ to: string; typeOnly: boolean }>>();
  for (const file of filesUnder(SRC)) {
    const text = readFileSync(file, 'utf8');
    const edges: Array<{ to: string; typeOnly: boolean }> = [];
    const pattern = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;
    for (const m of text.matchAll(pattern)) {
      const spec = m[3] ?? m[4];
      if (!spec) continue;
      edges.push({ to: relative(SRC, resolve(dirname(file), spec)), typeOnly: m[2] !== undefined });
    }
    graph.set(relative(SRC, file), edges);
  }
  return graph;
}

/** Every elementary cycle found by depth-first search (each reported once, from its first file). */
export function cycles(graph: Map<string, Array<{ to: string; typeOnly: boolean }>>, includeTypeOnly: boolean): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const { to, typeOnly } of graph.get(node) ?? []) {
      if (typeOnly && !includeTypeOnly) continue;
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to]);
      else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}
