/**
 * Pipeline phases "read" and "normalise": a scenario file's text → the normalised Scenario
 * (src/scenario/ parses, validates with file, path and line, and fills defaults). A missing or
 * unreadable file is an InputError naming it (exit 2).
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { parseScenario, SCENARIO_LIMITS } from '../scenario/parse.ts';
import type { Scenario } from '../scenario/normalize.ts';
import type { ScenarioOverride } from '../scenario/paths.ts';

/** A read scenario: the normalised document, its text and overrides (worker processes parse the same text with them) and its absolute path. */
export interface LoadedScenario {
  scenario: Scenario;
  text: string;
  file: string;
  /** `--set` values applied before validation (empty when none). */
  overrides?: readonly ScenarioOverride[];
}

/**
 * Read and parse a scenario file; `path` is resolved against `cwd` and named as given in errors.
 * `overrides` (`--set`) are applied before validation, and kept with the text for worker processes.
 */
export function readScenarioFile(path: string, cwd: string, overrides: readonly ScenarioOverride[] = []): LoadedScenario {
  const file = resolve(cwd, path);
  let text: string;
  try {
    // Size and kind first: /dev/zero or a FIFO would otherwise be read without end.
    const stat = statSync(file);
    if (stat.isFile() && stat.size > SCENARIO_LIMITS.maxBytes)
      throw new InputError(
        { file: path },
        `the file is ${stat.size.toLocaleString('en-US')} bytes; a scenario may be at most ${SCENARIO_LIMITS.maxBytes.toLocaleString('en-US')} bytes (1 MiB), which bounds parse time and memory`,
      );
    if (!stat.isFile())
      throw new InputError(
        { file: path },
        stat.isDirectory() ? 'is a directory, not a scenario file; check the path' : 'is not a regular file (a device, pipe or socket); give a YAML file',
      );
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError({ file: path }, `cannot read the scenario (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the path`);
  }
  return { scenario: parseScenario(text, path, overrides), text, file, overrides };
}
