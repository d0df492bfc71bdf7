/**
 * How many worker processes a command may start: one per core by default, never more than the
 * cores unless the user raises the cap explicitly (COSTSIM_MAX_WORKERS). Each worker is a whole
 * Node process with its own TensorFlow.js engine (~100–300 MB), so asking for 1,000 of them would
 * fork without bound; every command resolves `--workers` here.
 */
import { availableParallelism } from 'node:os';
import { UsageError } from '../errors.ts';

/** The hard ceiling even with an explicit override. */
export const MAX_WORKERS_OVERRIDE = 256;

/** The environment variable that raises the cap above the core count. */
export const WORKERS_OVERRIDE_ENV = 'COSTSIM_MAX_WORKERS';

/**
 * The worker count for a requested `--workers` (undefined: one per core). Throws UsageError
 * naming `flag` when the request exceeds the cap: the cores of this machine, or
 * COSTSIM_MAX_WORKERS when set (itself at most 256).
 */
export function resolveWorkerCount(
  requested: number | undefined,
  env: Record<string, string | undefined> = {},
  cores = Math.max(1, availableParallelism()),
  flag = '--workers',
): number {
  const override = env[WORKERS_OVERRIDE_ENV];
  let cap = cores;
  if (override !== undefined && override !== '') {
    const n = Number(override);
    if (!Number.isInteger(n) || n < 1 || n > MAX_WORKERS_OVERRIDE)
      throw new UsageError(WORKERS_OVERRIDE_ENV, `must be an integer from 1 to ${MAX_WORKERS_OVERRIDE} (got "${override}")`);
    cap = n;
  }
  if (requested === undefined) return Math.min(cores, cap);
  if (!Number.isInteger(requested) || requested < 1) throw new UsageError(flag, `must be an integer >= 1 (got ${requested})`);
  if (requested > cap)
    throw new UsageError(
      flag,
      `${requested} worker processes is more than ${override ? `${WORKERS_OVERRIDE_ENV}=${cap}` : `this machine's ${cores} core${cores === 1 ? '' : 's'}`}; each worker is a full process with its own TensorFlow.js engine, so more than one per core only adds memory and contention`,
      `1–${cap}; set ${WORKERS_OVERRIDE_ENV} (up to ${MAX_WORKERS_OVERRIDE}) to allow more`,
    );
  return requested;
}
