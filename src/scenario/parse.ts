/**
 * parseScenario: YAML text → validated, normalized `Scenario`. Phases, in order:
 * YAML (syntax errors with their line) → schema (zod) → cross-field checks → normalize.
 * Every failure is an InputError naming the file, the document path and the line, and saying
 * what is allowed. Pure: the caller reads the file.
 */
import { LineCounter, parseDocument, isMap, isNode, isPair, isScalar, type Document } from 'yaml';
import type { z } from 'zod';
import { InputError } from '../errors.ts';
import { scenarioSchema } from './schema.ts';
import { checkScenario, type Problem } from './check.ts';
import { normalizeScenario, type Scenario } from './normalize.ts';

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

function received(input: unknown): string {
  if (input === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(input)) return 'a list';
  if (input === null) return 'null';
  if (typeof input === 'object') return 'a mapping';
  return `${typeof input} ${JSON.stringify(input)}`;
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
        out.push({ path, message: `${what} must be ${op} ${String(bound)} (got ${Array.isArray(got) ? got.length : JSON.stringify(got)})` });
        break;
      }
      case 'invalid_value':
        out.push({ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${received(got)})` });
        break;
      case 'unrecognized_keys':
        out.push({ path: [...path, issue.keys[0] as string], message: issue.message, isKey: true });
        break;
      default:
        out.push({ path, message: `${issue.message}${got !== undefined && typeof got !== 'object' ? ` (got ${JSON.stringify(got)})` : ''}` });
    }
  }
  return out;
}

function fail(fileName: string, doc: Document, counter: LineCounter, problems: Located[]): never {
  const first = problems[0] as Located;
  const more = problems.slice(1, 6).map((p) => `\n  also ${formatPath(p.path) || '(top level)'} (line ${lineOf(doc, counter, p.path, p.isKey) ?? '?'}): ${p.message}`);
  const rest = problems.length > 6 ? `\n  ...and ${problems.length - 6} more` : '';
  const line = lineOf(doc, counter, first.path, first.isKey);
  throw new InputError({ file: fileName, path: formatPath(first.path) || '(top level)', ...(line !== undefined ? { line } : {}) }, `${first.message}${more.join('')}${rest}`);
}

/** Parse, validate and normalize a scenario. Throws InputError (exit code 2) on any problem. */
export function parseScenario(text: string, fileName: string): Scenario {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = counter.linePos(yamlError.pos[0]).line;
    throw new InputError({ file: fileName, line }, `not valid YAML: ${yamlError.message.split('\n')[0]}. Check indentation, colons and brackets around that line.`);
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new InputError({ file: fileName, line: 1 }, 'a scenario is a YAML mapping (key: value lines), e.g. "demand:" and "providers:"');
  const parsed = scenarioSchema.safeParse(data, { reportInput: true });
  if (!parsed.success) fail(fileName, doc, counter, problemsFromIssues(parsed.error.issues));
  const problems = checkScenario(parsed.data);
  if (problems.length > 0) fail(fileName, doc, counter, problems);
  return normalizeScenario(parsed.data, fileName);
}
