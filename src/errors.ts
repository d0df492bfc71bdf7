/**
 * Typed errors. Every error says what went wrong, where, and how to fix it; the CLI maps
 * each class to an exit code in one place (src/cli/main.ts).
 */

/** Base class of every error costsim raises on purpose. `exitCode` is what the CLI exits with. */
export class CostsimError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad flag or argument on the command line (exit code 2). Names the flag and what is allowed. */
export class UsageError extends CostsimError {
  override readonly exitCode = 2;
  constructor(
    readonly flag: string,
    problem: string,
    readonly allowed?: string,
  ) {
    super(`${flag}: ${problem}${allowed ? ` (allowed: ${allowed})` : ''}`);
  }
}

/** Where in an input file a problem is: file path, path inside the document, 1-based line. */
export interface InputLocation {
  file: string;
  path?: string;
  line?: number;
}

/** A bad input file (scenario, record store...): exit code 2, message names file, path and line. */
export class InputError extends CostsimError {
  override readonly exitCode = 2;
  constructor(
    readonly location: InputLocation,
    problem: string,
  ) {
    const where = [location.file, location.path ? ` ${location.path}` : '', location.line !== undefined ? ` (line ${location.line})` : ''].join('');
    super(`${where}: ${problem}`);
  }
}

/** A backend that was asked for but cannot be used; lists the ones that can. Exit code 2. */
export class BackendUnavailableError extends CostsimError {
  override readonly exitCode = 2;
}

/** A model or configuration the code does not support (e.g. an unknown layer type). Exit code 2. */
export class UnsupportedError extends CostsimError {
  override readonly exitCode = 2;
}

/** Output could not be written; whatever was there before is left intact. Exit code 2. */
export class OutputError extends CostsimError {
  override readonly exitCode = 2;
}

/** The job queue (Redis behind `--queue` / COSTSIM_QUEUE) cannot be reached or went away; names the URL. Exit code 1. */
export class QueueUnavailableError extends CostsimError {}

/**
 * A computation produced a value that is not a number (NaN or ±∞): a diverged training loss, an
 * overflowing market. It is not a result, so nothing is published or stored. Exit code 3.
 */
export class NonFiniteResultError extends CostsimError {
  override readonly exitCode = 3;
}

/**
 * The NonFiniteResultError that a worker process reported as text ("NonFiniteResultError: …",
 * src/sweep/child.ts), so it keeps its exit code across the process boundary; else undefined.
 */
export function nonFiniteFromWorker(message: string): NonFiniteResultError | undefined {
  const match = /^NonFiniteResultError: ([\s\S]*)$/.exec(message);
  return match ? new NonFiniteResultError(match[1] as string) : undefined;
}
