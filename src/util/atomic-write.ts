/**
 * Writes that never leave a half-written file: write to a temporary sibling, fsync, then
 * rename over the target (atomic on POSIX file systems). A crash leaves either the old file
 * or the new one, never a mix.
 */
import { mkdirSync, openSync, writeSync, fsyncSync, closeSync, renameSync, rmSync, appendFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { OutputError } from '../errors.ts';

/** Replace `path` with `data` atomically; creates the parent directory. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new OutputError(`cannot write ${path}: ${(error as Error).message}. Check that the directory is writable.`);
  }
}

/**
 * Append one complete line to a JSONL file with a single write(2) call, so a reader never
 * sees a partial record unless the process dies inside that call; readers skip a torn last line.
 */
export function appendLine(path: string, line: string): void {
  if (line.includes('\n')) throw new Error('appendLine: a JSONL record must not contain newlines');
  try {
    mkdirSync(dirname(path), { recursive: true });
    appendFileSync(path, `${line}\n`, 'utf8');
  } catch (error) {
    throw new OutputError(`cannot append to ${path}: ${(error as Error).message}`);
  }
}
