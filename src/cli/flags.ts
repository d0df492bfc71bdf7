/** Number flags shared by the commands: each names the flag and the allowed range when it refuses a value. */
import { UsageError } from '../errors.ts';
import { MARKET_LIMITS, parseSetFlag, type ScenarioOverride } from '../scenario/index.ts';

/** Parse a positive integer flag or throw UsageError naming it. */
export function positiveInt(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(flag, `must be an integer >= ${min} (got "${value}")`);
  if (!Number.isSafeInteger(n))
    throw new UsageError(flag, `must be at most ${Number.MAX_SAFE_INTEGER} (got "${value}"), the largest integer a double holds exactly`);
  return n;
}

/** `--runs`: a positive integer, at most the cap of the scenario's monteCarlo.runs. */
export function runsFlag(value: string | undefined): number | undefined {
  const n = positiveInt('--runs', value);
  if (n !== undefined && n > MARKET_LIMITS.maxRuns)
    throw new UsageError('--runs', `must be at most ${MARKET_LIMITS.maxRuns.toLocaleString('en-US')}, the same cap as monteCarlo.runs (got ${value})`);
  return n;
}

/** `--periods`: a positive integer, at most the cap of the scenario's periods. */
export function periodsFlag(value: string | undefined): number | undefined {
  const n = positiveInt('--periods', value);
  if (n !== undefined && n > MARKET_LIMITS.maxPeriods)
    throw new UsageError(
      '--periods',
      `must be at most ${MARKET_LIMITS.maxPeriods.toLocaleString('en-US')}, the same cap as the scenario's periods (got ${value})`,
    );
  return n;
}

/** Description of `--set`, the same on every scenario command. */
export const SET_FLAG_HELP =
  'override a scenario field before validation, e.g. --set providers[1].cash=5e6 (dotted path, list indexes in brackets, value read as YAML; repeatable, later wins)';

/** Commander's collector for a repeatable flag: every occurrence appended, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--set path=value` flags → overrides (UsageError naming a malformed one). */
export function setFlags(values: readonly string[] | undefined): ScenarioOverride[] {
  return (values ?? []).map(parseSetFlag);
}
