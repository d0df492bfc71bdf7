/**
 * parseScenario: YAML text → validated, normalized `Scenario`. Phases, in order:
 * YAML (syntax errors with their line) → schema (zod) → cross-field checks → normalize.
 * Every failure is an InputError naming the file, the document path and the line, and saying
 * what is allowed. Pure: the caller reads the file.
 */
import { LineCounter, parseDocument, isMap, isNode, isPair, isScalar, isSeq, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError, UsageError } from '../errors.ts';
import { scenarioSchema } from './schema.ts';
import { checkScenario, type Problem } from './check.ts';
import { normalizeScenario, type Scenario } from './normalize.ts';
import { formatValuePath, isUnderPath, withValueAtPath, type ScenarioOverride } from './paths.ts';

/** `providers[2].strategy.type` from ['providers', 2, 'strategy', 'type']. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

/** 1-based line of the node at `path`, or of its nearest existing ancestor; for an unknown key, the key's own line. */
function lineOf(doc: Document, counter: LineCounter, path: ReadonlyArray<PropertyKey>, isKey = false): number | undefined {
  if (isKey && path.length > 0) {
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as Array<string | number>, true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]);
      if (pair && isScalar(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
    }
  }
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n) as Array<string | number>, true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** A problem, possibly about a key itself (its line is the key's, not its value's). */
type Located = Problem & { isKey?: boolean };

/** A value quoted back to the user: JSON (control characters escaped), long text cut to 60 characters. */
function quoted(value: unknown): string {
  if (typeof value === 'string' && value.length > 60) return `${JSON.stringify(value.slice(0, 60))}… (${value.length.toLocaleString('en-US')} characters)`;
  return JSON.stringify(value) ?? String(value);
}

function received(input: unknown): string {
  if (input === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(input)) return 'a list';
  if (input === null) return 'null';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${quoted(input)}`;
}

/**
 * zod issues → problems with plain-language messages. A number-or-distribution union reports the
 * branch that matched the input's shape, so users see "sd must be >= 0", not "invalid input".
 */
function problemsFromIssues(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): Located[] {
  const out: Located[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path] as Array<string | number>;
    const got = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'invalid_union': {
        if (issue.errors.length > 0) {
          const structural = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'custom'));
          if (structural) {
            out.push(...problemsFromIssues(structural, path));
            break;
          }
          out.push({ path, message: `expected a number or a distribution { dist: normal|uniform|lognormal, ... } (got ${received(got)})` });
          break;
        }
        out.push({ path, message: issue.message });
        break;
      }
      case 'invalid_type':
        out.push({ path, message: `expected ${issue.expected === 'int' ? 'a whole number' : issue.expected} (got ${received(got)})` });
        break;
      case 'too_small':
      case 'too_big': {
        const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const what = issue.origin === 'array' ? 'the list length' : issue.origin === 'string' ? 'the length' : 'the value';
        out.push({ path, message: `${what} must be ${op} ${String(bound)} (got ${Array.isArray(got) || typeof got === 'string' ? got.length : quoted(got)})` });
        break;
      }
      case 'invalid_value':
        out.push({ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${received(got)})` });
        break;
      case 'unrecognized_keys':
        out.push({ path: [...path, issue.keys[0] as string], message: issue.message, isKey: true });
        break;
      default:
        out.push({ path, message: `${issue.message}${got !== undefined && typeof got !== 'object' ? ` (got ${quoted(got)})` : ''}` });
    }
  }
  return out;
}

/** The document as plain data; alias problems (unknown anchor, alias bomb) become InputErrors. */
function toData(doc: Document, counter: LineCounter, fileName: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: SCENARIO_LIMITS.maxAliasCount });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const alias = /alias/i.test(message);
    const anchor = /Unresolved alias \(the anchor must be set before the alias\): (\S+)/.exec(message)?.[1];
    const line = firstAliasLine(doc, counter, anchor);
    throw new InputError(
      { file: fileName, ...(line !== undefined ? { line } : {}) },
      anchor
        ? `the alias *${anchor} has no anchor &${anchor} before it; define the anchor first or write the value out`
        : alias
          ? `aliases expand to too many nodes (more than ${SCENARIO_LIMITS.maxAliasCount} alias uses per node copied; an "alias bomb"); write the values out or use fewer nested aliases`
          : `cannot read the YAML document (${message.split('\n')[0]})`,
    );
  }
}

/** Line of the first alias (named `anchor` when given). */
function firstAliasLine(doc: Document, counter: LineCounter, anchor?: string): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (anchor !== undefined && node.source !== anchor) return undefined;
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset !== undefined ? counter.linePos(offset).line : undefined;
}

function fail(fileName: string, doc: Document, counter: LineCounter, problems: Located[]): never {
  const first = problems[0] as Located;
  const more = problems
    .slice(1, 6)
    .map((p) => `\n  also ${formatPath(p.path) || '(top level)'} (line ${lineOf(doc, counter, p.path, p.isKey) ?? '?'}): ${p.message}`);
  const rest = problems.length > 6 ? `\n  ...and ${problems.length - 6} more` : '';
  const line = lineOf(doc, counter, first.path, first.isKey);
  throw new InputError(
    { file: fileName, path: formatPath(first.path) || '(top level)', ...(line !== undefined ? { line } : {}) },
    `${first.message}${more.join('')}${rest}`,
  );
}

/**
 * Resource bounds of one scenario file. The shipped scenarios are under 5 KB and 300 keys; the
 * bounds leave two orders of magnitude of room while keeping parse memory in the tens of MB.
 */
export const SCENARIO_LIMITS = {
  /** Bytes of YAML text (UTF-8). */
  maxBytes: 1_048_576,
  /** Mapping keys plus list items in the whole document. */
  maxKeys: 20_000,
  /** Levels of nested mappings and lists (the deepest shipped scenario uses 5). */
  maxDepth: 64,
  /** Alias expansions (YAML `*name`): counted as yaml counts them, nodes copied per alias. */
  maxAliasCount: 100,
} as const;

/**
 * One linear pass over the YAML tree: counts keys and list items and finds a repeated key in a
 * mapping. yaml's own `uniqueKeys` compares each key with every earlier one (quadratic: 73,000
 * keys took minutes), so duplicates are found here with one Set per mapping instead.
 */
function scanTree(doc: Document, counter: LineCounter, fileName: string): void {
  let keys = 0;
  const tooMany = (offset: number | undefined) =>
    new InputError(
      { file: fileName, ...(offset !== undefined ? { line: counter.linePos(offset).line } : {}) },
      `more than ${SCENARIO_LIMITS.maxKeys.toLocaleString('en-US')} keys and list items; a scenario is bounded so parsing stays fast and small. Split it, or use distributions instead of enumerating values.`,
    );
  const tooDeep = (path: readonly unknown[], offset: number | undefined) => {
    // `path` holds the ancestors (documents, pairs and collections): only count it when it could be too deep.
    if (path.length <= SCENARIO_LIMITS.maxDepth) return;
    if (path.filter((n) => isMap(n) || isSeq(n)).length < SCENARIO_LIMITS.maxDepth) return;
    throw new InputError(
      { file: fileName, ...(offset !== undefined ? { line: counter.linePos(offset).line } : {}) },
      `mappings and lists are nested more than ${SCENARIO_LIMITS.maxDepth} levels deep; no scenario field needs that`,
    );
  };
  visit(doc, {
    Map(_key, map, path) {
      tooDeep(path, map.range?.[0]);
      keys += map.items.length;
      if (keys > SCENARIO_LIMITS.maxKeys) throw tooMany(map.range?.[0]);
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (pair.key !== null && !isScalar(pair.key)) {
          const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
          throw new InputError(
            { file: fileName, ...(offset !== undefined ? { line: counter.linePos(offset).line } : {}) },
            'a key must be plain text, not a list or a mapping (the "? [a, b]" form); every scenario key is a name',
          );
        }
        const key: unknown = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const offset = isNode(pair.key) ? pair.key.range?.[0] : undefined;
          throw new InputError(
            { file: fileName, ...(offset !== undefined ? { line: counter.linePos(offset).line } : {}) },
            `the key ${JSON.stringify(String(key))} appears twice in the same mapping; keep one`,
          );
        }
        seen.add(key);
      }
    },
    Seq(_key, seq, path) {
      tooDeep(path, seq.range?.[0]);
      keys += seq.items.length;
      if (keys > SCENARIO_LIMITS.maxKeys) throw tooMany(seq.range?.[0]);
    },
  });
}

/** A problem about an overridden value is the flag's, not the file's: a UsageError naming the flag and the value. */
function failOverride(overrides: readonly ScenarioOverride[], problems: readonly Located[]): void {
  for (const problem of problems) {
    const override = overrides.find((o) => isUnderPath(problem.path, o.path));
    if (override)
      throw new UsageError(
        override.flag,
        `${formatValuePath(override.path)}=${JSON.stringify(override.value)}: ${formatPath(problem.path)} ${problem.message}`,
      );
  }
}

/**
 * Parse, validate and normalize a scenario. Throws InputError (exit code 2) on any problem.
 * `overrides` (from `--sweep`, `--set`) replace values of the document before it is validated;
 * a problem with one of them is a UsageError naming its flag (also exit code 2).
 */
export function parseScenario(text: string, fileName: string, overrides: readonly ScenarioOverride[] = []): Scenario {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > SCENARIO_LIMITS.maxBytes)
    throw new InputError(
      { file: fileName },
      `the file is ${bytes.toLocaleString('en-US')} bytes; a scenario may be at most ${SCENARIO_LIMITS.maxBytes.toLocaleString('en-US')} bytes (1 MiB), which bounds parse time and memory`,
    );
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = counter.linePos(yamlError.pos[0]).line;
    if (/call stack/i.test(yamlError.message))
      throw new InputError({ file: fileName, line }, `mappings and lists are nested too deeply to read (at most ${SCENARIO_LIMITS.maxDepth} levels)`);
    throw new InputError(
      { file: fileName, line },
      `not valid YAML: ${yamlError.message.split('\n')[0]}. Check indentation, colons and brackets around that line.`,
    );
  }
  scanTree(doc, counter, fileName);
  const written = toData(doc, counter, fileName);
  if (written === null || typeof written !== 'object' || Array.isArray(written))
    throw new InputError({ file: fileName, line: 1 }, 'a scenario is a YAML mapping (key: value lines), e.g. "demand:" and "providers:"');
  const data = overrides.reduce<unknown>((acc, o) => withValueAtPath(acc, o.path, o.value, o.flag), written);
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) {
    const problems = problemsFromIssues(parsed.error.issues);
    failOverride(overrides, problems);
    fail(fileName, doc, counter, problems);
  }
  const problems = checkScenario(parsed.data);
  failOverride(overrides, problems);
  if (problems.length > 0) fail(fileName, doc, counter, problems);
  return normalizeScenario(parsed.data, fileName);
}
