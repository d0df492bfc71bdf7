/**
 * `--set path=value`: the flag's text → a ScenarioOverride (./paths.ts parses the path; the
 * value is read as YAML, so `5e6` is a number, `true` a boolean, `{dist: normal, mean: 1, sd: 0.2}`
 * a distribution). parseScenario applies overrides before validation. Pure.
 */
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../errors.ts';
import { parseValuePath, type ScenarioOverride } from './paths.ts';

const FLAG = '--set';

/** Parse `providers[1].cash=5e6` (split at the first `=`); a malformed one is a UsageError naming --set. */
export function parseSetFlag(text: string): ScenarioOverride {
  const eq = text.indexOf('=');
  if (eq < 0) throw new UsageError(FLAG, `expected path=value, e.g. providers[1].cash=5e6 (got ${JSON.stringify(text)})`);
  const path = parseValuePath(text.slice(0, eq).trim(), FLAG);
  const raw = text.slice(eq + 1);
  try {
    return { path, value: parseYaml(raw) as unknown, flag: FLAG };
  } catch (error) {
    throw new UsageError(
      FLAG,
      `${text.slice(0, eq)}: the value ${JSON.stringify(raw)} is not YAML (${(error as Error).message.split('\n')[0]}); quote text, e.g. name='"my scenario"'`,
    );
  }
}
