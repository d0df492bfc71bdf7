/**
 * The costsim version a queue job is stamped with: the code version of src/version.ts (package
 * version plus a hash of the code and the locked dependency tree), so a worker on another machine
 * with other code refuses the job instead of computing a different answer under the same key.
 */
import { codeVersion } from '../../version.ts';

export { PROJECT_ROOT } from '../../version.ts';

/** `<package version>+<12 hex digits>`: the same code version that keys the bench cache. */
export function costsimVersion(): string {
  return codeVersion();
}
