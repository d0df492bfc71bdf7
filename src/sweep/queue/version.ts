/**
 * The costsim version a queue job is stamped with: the package version plus a hash of the
 * code and the locked dependency tree, so a worker on another machine with other code
 * refuses the job instead of computing a different answer under the same key.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COSTSIM_VERSION } from '../../version.ts';

/** The project's root directory (where package.json is). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

let cached: string | undefined;

/** `<package version>+<12 hex digits of SHA-256 over src/** (dist/** in an installed package), package.json and package-lock.json>`. */
export function costsimVersion(): string {
  if (cached) return cached;
  const hash = createHash('sha256');
  // The sources in a checkout; the built code in an installed package, which ships dist/ only.
  const code = existsSync(join(PROJECT_ROOT, 'src')) ? 'src' : 'dist';
  const files = [...filesUnder(join(PROJECT_ROOT, code)), ...['package.json', 'package-lock.json'].map((f) => join(PROJECT_ROOT, f)).filter((f) => existsSync(f))];
  for (const file of files.map((f) => relative(PROJECT_ROOT, f).split('\\').join('/')).sort()) {
    hash.update(file).update('\0').update(readFileSync(join(PROJECT_ROOT, file))).update('\0');
  }
  cached = `${COSTSIM_VERSION}+${hash.digest('hex').slice(0, 12)}`;
  return cached;
}
