/**
 * Which directories costsim may replace, and how an interrupted replacement is put right.
 *
 * A report directory is costsim's only when it carries the marker file `.costsim-report`
 * (written last, by costsim, with a signature and the list of files it wrote) or, for reports
 * written before the marker existed, a report.json whose artefact list names every file. A
 * directory holding any file that costsim did not list is never replaced: `--out .` in a
 * project folder, or a user's notes added to a report, must not be deleted.
 *
 * The swap (staging → target, target → old) leaves, when killed between its two renames,
 * `.<name>.old-<pid>` and a complete `.<name>.staging-<pid>` beside a missing target. On the
 * next start `recoverInterruptedSwap` puts the newest complete report in place and removes
 * what is left, so a kill at any point leaves either the old or the new report.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors.ts';

/** Name of the marker file costsim writes into every report directory, last. */
export const REPORT_MARKER = '.costsim-report';
/** First field of the marker: what a directory must say to be replaced. */
export const MARKER_SIGNATURE = 'costsim-report-directory/1';

/** Content of the marker file. */
export interface ReportMarker {
  signature: typeof MARKER_SIGNATURE;
  costsimVersion: string;
  generatedAt: string;
  /** Every file costsim wrote into the directory (the marker itself excluded). */
  files: string[];
}

/** The marker's text for a directory holding `files`. */
export function formatMarker(files: string[], costsimVersion: string, now: Date): string {
  const marker: ReportMarker = { signature: MARKER_SIGNATURE, costsimVersion, generatedAt: now.toISOString(), files: [...files].sort() };
  return `${JSON.stringify(marker, null, 1)}\n`;
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Files costsim claims in `dir` (marker, or a legacy report.json's artefact list), or undefined when it claims none. */
function ownedFiles(dir: string): Set<string> | undefined {
  const marker = readJson(join(dir, REPORT_MARKER)) as Partial<ReportMarker> | undefined;
  if (marker?.signature === MARKER_SIGNATURE && Array.isArray(marker.files))
    return new Set([REPORT_MARKER, ...marker.files.filter((f) => typeof f === 'string')]);
  const legacy = readJson(join(dir, 'report.json')) as { costsimVersion?: unknown; artefacts?: Array<{ file?: unknown }> } | undefined;
  if (typeof legacy?.costsimVersion === 'string' && Array.isArray(legacy.artefacts)) {
    return new Set(['report.json', ...legacy.artefacts.map((a) => a.file).filter((f): f is string => typeof f === 'string')]);
  }
  return undefined;
}

/** True when `dir` is a complete costsim report: its marker is present and lists every file it holds. */
export function isCompleteReport(dir: string): boolean {
  if (!existsSync(join(dir, REPORT_MARKER))) return false;
  const foreign = foreignEntries(dir);
  return foreign !== undefined && foreign.length === 0;
}

/** Entries of `dir` that costsim did not write (undefined when costsim claims nothing there). */
function foreignEntries(dir: string): string[] | undefined {
  const owned = ownedFiles(dir);
  if (!owned) return undefined;
  return readdirSync(dir).filter((entry) => !owned.has(entry));
}

/**
 * Throw OutputError (exit 2) unless `target` is absent, empty, or a costsim report holding
 * nothing costsim did not write. `shown` is the path as the user gave it, for the message.
 */
export function assertReplaceable(target: string, shown: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new OutputError(`${shown} exists and is not a directory; choose another output path.`);
  const entries = readdirSync(target);
  if (entries.length === 0) return;
  const foreign = foreignEntries(target);
  if (foreign === undefined) {
    throw new OutputError(
      `${shown} is not empty and was not written by costsim (no ${REPORT_MARKER} marker): refusing to replace it. Choose an empty or new directory with --out.`,
    );
  }
  if (foreign.length > 0) {
    const listed = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length} in all)` : '');
    throw new OutputError(
      `${shown} is a costsim report but also holds files costsim did not write (${listed}): refusing to replace it, which would delete them. Move them out, or choose another directory with --out.`,
    );
  }
}

const LEFTOVER = /^\.(.+)\.(old|staging)-(\d+)$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Put right what a killed swap of `target` left behind, and say what was done (one line per
 * action, for the CLI to print). Leftovers of a process still alive are left alone (another
 * costsim may be writing). When `target` is missing, the newest complete report among the
 * leftovers (staging before old) is renamed into place; the remaining leftovers are removed
 * when costsim wrote everything in them.
 */
export function recoverInterruptedSwap(target: string): string[] {
  const parent = dirname(target);
  const name = basename(target);
  if (!existsSync(parent)) return [];
  const leftovers = readdirSync(parent)
    .map((entry) => ({ entry, match: LEFTOVER.exec(entry) }))
    .filter((l) => l.match?.[1] === name && !processAlive(Number(l.match[3])))
    .map((l) => ({ path: join(parent, l.entry), kind: l.match?.[2] as 'old' | 'staging' }));
  if (leftovers.length === 0) return [];
  const notes: string[] = [];
  if (!existsSync(target)) {
    const candidate = [...leftovers.filter((l) => l.kind === 'staging'), ...leftovers.filter((l) => l.kind === 'old')].find((l) => isCompleteReport(l.path));
    if (candidate) {
      renameSync(candidate.path, target);
      notes.push(`recovered ${target} from an interrupted write (${candidate.kind === 'staging' ? 'the new report, complete' : 'the previous report'}).`);
    }
  }
  for (const { path } of leftovers) {
    if (!existsSync(path)) continue;
    if (isCompleteReport(path) || onlyReportFiles(path)) {
      rmSync(path, { recursive: true, force: true });
      notes.push(`removed ${basename(path)}, left by an interrupted write.`);
    } else {
      notes.push(`left ${path} in place: it holds files costsim did not write.`);
    }
  }
  return notes;
}

/** An unfinished staging directory (no marker yet) holding only files of the kinds a report has. */
function onlyReportFiles(dir: string): boolean {
  if (!statSync(dir).isDirectory()) return false;
  return readdirSync(dir).every((f) => /^[A-Za-z0-9._-]+\.(svg|png|csv|json|html)$/.test(f));
}
