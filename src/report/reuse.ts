/**
 * Re-use of the previous report's rendered files, so that re-rendering an unchanged report
 * (`costsim report <dir>`, or a warm `costsim run`) does not validate, render or rasterise again.
 *
 * Never stale: a chart's SVG and PNG are taken from the directory being replaced only when its
 * `<id>.vl.json` there is byte-identical to the new spec, the previous report.json records the
 * same renderer (vega, vega-lite and resvg versions, PNG scale, this format's version), and each
 * file's bytes still hash to what report.json lists. A CSV is re-used when the hash of the table
 * it was written from matches. Anything else is rendered afresh. Fonts are the one input not
 * fingerprinted (system fonts rarely change under a report; delete the directory to force it).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TableRow } from './charts/index.ts';

/** Bump when what a spec renders to changes without a library version changing (e.g. PNG options). */
const RENDER_FORMAT = 2;
/** Bump when csv.ts changes what a table is written as. */
const CSV_FORMAT = 1;

/** Version of an installed package, read from its package.json (walking up from its entry point). */
function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version) return pkg.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

/** What SVG and PNG bytes depend on besides the spec, as one string recorded in report.json. */
export function rendererFingerprint(pngScale: number): string {
  return `vega ${packageVersion('vega')}, vega-lite ${packageVersion('vega-lite')}, resvg ${packageVersion('@resvg/resvg-js')}, png ×${pngScale}, format ${RENDER_FORMAT}`;
}

/** Hash of the rows a CSV is written from (and of the CSV format): equal hashes, equal CSV bytes. */
export function tableHash(rows: readonly TableRow[]): string {
  return createHash('sha256').update(`csv ${CSV_FORMAT}\n`).update(JSON.stringify(rows)).digest('hex');
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** The previous report in a directory, as far as it can be trusted. */
export interface PreviousReport {
  /** An intact file of the previous report whose bytes match report.json's hash, or undefined. */
  file(name: string): Buffer | undefined;
  /** The previous table hash recorded for `<id>.csv`, if any. */
  tableHash(csvFile: string): string | undefined;
}

interface PreviousArtefact {
  file: string;
  sha256: string;
  tableSha256?: string;
}

/** Read what `dir` holds from an earlier write, when its report.json was written by the same renderer; undefined otherwise. */
export function readPreviousReport(dir: string, fingerprint: string): PreviousReport | undefined {
  let listed: Map<string, PreviousArtefact>;
  try {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { renderer?: string; artefacts?: PreviousArtefact[] };
    if (report.renderer !== fingerprint || !Array.isArray(report.artefacts)) return undefined;
    listed = new Map(report.artefacts.map((a) => [a.file, a]));
  } catch {
    return undefined; // no previous report, or one this version cannot read: render everything
  }
  return {
    file(name) {
      const entry = listed.get(name);
      if (!entry) return undefined;
      try {
        const bytes = readFileSync(join(dir, name));
        return sha256(bytes) === entry.sha256 ? bytes : undefined;
      } catch {
        return undefined;
      }
    },
    tableHash: (csvFile) => listed.get(csvFile)?.tableSha256,
  };
}

/** The previous SVG and PNG of a chart when its spec file is byte-identical to `specText`. */
export function reusableRender(previous: PreviousReport | undefined, id: string, specText: string): { svg: string; png: Uint8Array } | undefined {
  if (!previous) return undefined;
  const spec = previous.file(`${id}.vl.json`);
  if (!spec || spec.toString('utf8') !== specText) return undefined;
  const svg = previous.file(`${id}.svg`);
  const png = previous.file(`${id}.png`);
  return svg && png ? { svg: svg.toString('utf8'), png: new Uint8Array(png) } : undefined;
}

/** The previous CSV of a chart when it was written from the same rows. */
export function reusableCsv(previous: PreviousReport | undefined, id: string, hash: string): string | undefined {
  if (!previous || previous.tableHash(`${id}.csv`) !== hash) return undefined;
  return previous.file(`${id}.csv`)?.toString('utf8');
}
