/**
 * The BenchRecord store: one JSON record per line (JSONL), appended with a single write so a
 * run interrupted part-way leaves every earlier line intact. Readers skip a torn last line
 * (the only line an interrupted append can damage) and reject records of unknown versions.
 */
import { accessSync, constants, existsSync, readFileSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { appendLine } from '../util/atomic-write.ts';
import { InputError, OutputError } from '../errors.ts';
import { BENCH_RECORD_VERSION, type BenchRecord } from './record.ts';

/** Default store: `.costsim/records.jsonl` under `cwd` (git-ignored). */
export function defaultStorePath(cwd: string): string {
  return join(cwd, '.costsim', 'records.jsonl');
}

/** True when the file exists, is non-empty and its last byte is not a newline (a torn append). */
function endsTorn(storePath: string): boolean {
  if (!existsSync(storePath)) return false;
  const { size } = statSync(storePath);
  if (size === 0) return false;
  const fd = openSync(storePath, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(fd);
  }
}

/**
 * Append one record as one line. Creates the file and its directory if needed. After a torn
 * append, the new record starts on a fresh line so the torn fragment stays on a line of its own.
 */
export function appendRecord(storePath: string, record: BenchRecord): void {
  const line = JSON.stringify(record);
  if (endsTorn(storePath)) appendLine(storePath, '');
  appendLine(storePath, line);
}

/**
 * Throw OutputError (exit 2) unless a record could be appended to `storePath`: the file is a
 * writable file, or it does not exist and its nearest existing ancestor is a writable directory.
 * Creates nothing. Called before a benchmark trains, so an unwritable store never costs a run.
 */
export function checkStoreWritable(storePath: string): void {
  const fail = (why: string): never => {
    throw new OutputError(`cannot write the record store ${storePath} (--store): ${why}. Choose a writable path with --store.`);
  };
  let path = storePath;
  if (existsSync(path)) {
    if (!statSync(path).isFile()) fail('it exists and is not a file');
  } else {
    while (!existsSync(path)) {
      const parent = dirname(path);
      if (parent === path) fail('no part of the path exists');
      path = parent;
    }
    if (!statSync(path).isDirectory()) fail(`${path} is not a directory`);
  }
  try {
    accessSync(path, constants.W_OK);
  } catch (error) {
    fail(`${path} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** A record line always starts like this (JSON.stringify keeps `version` first), so a torn fragment does too. */
const RECORD_PREFIX = '{"version"';

/**
 * Every record in the store, oldest first; [] when the file does not exist. A torn line (the
 * unparseable last line, or an unparseable fragment of a record that a later append closed
 * off) is skipped and counted; any other bad line, or an unknown version, is an InputError
 * naming the file and line.
 */
export function readStore(storePath: string): { records: BenchRecord[]; tornLines: number } {
  if (!existsSync(storePath)) return { records: [], tornLines: 0 };
  const lines = readFileSync(storePath, 'utf8').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]?.trim() === '') lines.pop();
  const records: BenchRecord[] = [];
  let tornLines = 0;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (i === lines.length - 1 || line.startsWith(RECORD_PREFIX)) {
        tornLines++;
        return;
      }
      throw new InputError({ file: storePath, line: i + 1 }, 'not valid JSON. Delete or repair this line; every line must be one BenchRecord.');
    }
    const version = (parsed as { version?: unknown }).version;
    if (version !== BENCH_RECORD_VERSION) {
      throw new InputError(
        { file: storePath, path: 'version', line: i + 1 },
        `record version ${JSON.stringify(version)} is not supported (this costsim reads version ${BENCH_RECORD_VERSION}). ` +
          'Re-run the benchmark with this costsim or use a store written by a matching version.',
      );
    }
    records.push(parsed as BenchRecord);
  });
  return { records, tornLines };
}

/** The records of `readStore`, without the torn-line count. */
export function readRecords(storePath: string): BenchRecord[] {
  return readStore(storePath).records;
}

/** The newest record with `cacheKey`, if any. */
export function findCached(storePath: string, cacheKey: string): BenchRecord | undefined {
  const records = readRecords(storePath);
  for (let i = records.length - 1; i >= 0; i--) if (records[i]?.cacheKey === cacheKey) return records[i];
  return undefined;
}
