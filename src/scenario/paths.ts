/**
 * Paths to a value inside a scenario document, as the command line names them:
 * `demand.mu`, `providers[1].cash`, `providers[0].strategy.margin`. One parser for every flag
 * that overrides a scenario value (`--sweep`, `--set`), applied to the raw document before the
 * schema sees it, so an overridden value is validated exactly like a written one. Pure.
 */
import { UsageError } from '../errors.ts';

/** Mapping keys and list indexes from the document's root, e.g. ['providers', 1, 'cash']. */
export type ValuePath = ReadonlyArray<string | number>;

/** One value to put into the document before it is validated; `flag` is named when it is refused. */
export interface ScenarioOverride {
  path: ValuePath;
  value: unknown;
  /** The flag it came from, e.g. "--sweep" or "--set". */
  flag: string;
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/;
const PATH_FORM = 'key.key[index].key, e.g. demand.mu or providers[1].cash';

/** Parse `a.b[2].c` into ['a', 'b', 2, 'c']; a malformed path is a UsageError naming `flag`. */
export function parseValuePath(text: string, flag: string): ValuePath {
  if (text.trim() === '') throw new UsageError(flag, 'names no scenario value (the part before "=" is empty)', PATH_FORM);
  const path: Array<string | number> = [];
  for (const part of text.split('.')) {
    const match = SEGMENT.exec(part);
    if (!match) throw new UsageError(flag, `"${text}" is not a path to a scenario value ("${part}" is not a key with optional [index])`, PATH_FORM);
    path.push(match[1] as string);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) {
      const n = Number(index[1]);
      if (!Number.isSafeInteger(n)) throw new UsageError(flag, `index [${index[1]}] in "${text}" is too large`, PATH_FORM);
      path.push(n);
    }
  }
  return path;
}

/** `providers[1].cash` from ['providers', 1, 'cash'] (the inverse of parseValuePath). */
export function formatValuePath(path: ValuePath): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${k}` : k), '');
}

const describe = (value: unknown): string =>
  Array.isArray(value) ? 'a list' : value === null ? 'null' : typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`;

/**
 * The value at `path` in plain data (YAML read with toJS), or `{ found: false }` when the last
 * key is absent from its mapping. Every step before the last must exist; a missing one, or an
 * index past the end of a list, is a UsageError naming `flag` and what is there instead.
 */
export function valueAtPath(data: unknown, path: ValuePath, flag: string): { found: true; value: unknown } | { found: false } {
  let node = data;
  for (let i = 0; i < path.length; i++) {
    const key = path[i] as string | number;
    const here = formatValuePath(path.slice(0, i)) || 'the scenario';
    const last = i === path.length - 1;
    if (typeof key === 'number') {
      if (!Array.isArray(node)) throw new UsageError(flag, `${here} is ${describe(node)}, not a list, so ${formatValuePath(path)} does not exist`);
      if (key >= node.length)
        throw new UsageError(
          flag,
          `${here} has ${node.length} item${node.length === 1 ? '' : 's'} (indexes 0–${node.length - 1}), so ${formatValuePath(path)} does not exist`,
        );
      node = node[key];
    } else {
      if (node === null || typeof node !== 'object' || Array.isArray(node))
        throw new UsageError(flag, `${here} is ${describe(node)}, not a mapping, so ${formatValuePath(path)} does not exist`);
      if (!Object.hasOwn(node, key)) {
        if (last) return { found: false };
        throw new UsageError(flag, `${formatValuePath(path.slice(0, i + 1))} is not in the scenario, so ${formatValuePath(path)} cannot be set`);
      }
      node = (node as Record<string, unknown>)[key];
    }
  }
  return { found: true, value: node };
}

/** A copy of `data` with `value` at `path` (the parents are copied, nothing is mutated); checks as valueAtPath. */
export function withValueAtPath(data: unknown, path: ValuePath, value: unknown, flag: string): unknown {
  valueAtPath(data, path, flag);
  const put = (node: unknown, depth: number): unknown => {
    if (depth === path.length) return value;
    const key = path[depth] as string | number;
    if (typeof key === 'number') {
      const copy = [...(node as unknown[])];
      copy[key] = put(copy[key], depth + 1);
      return copy;
    }
    const record = node as Record<string, unknown>;
    return { ...record, [key]: put(record[key], depth + 1) };
  };
  return put(data, 0);
}

/** True when a validation problem at `problemPath` is about the overridden value (at or inside it). */
export function isUnderPath(problemPath: ReadonlyArray<PropertyKey>, overridePath: ValuePath): boolean {
  return overridePath.length <= problemPath.length && overridePath.every((k, i) => problemPath[i] === k);
}
