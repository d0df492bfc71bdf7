/**
 * costsim's versions, read once: the package version (recorded in reports and records), the
 * tfjs version, and the code version that keys caches and stamps queue jobs. The one place that
 * reads package.json or hashes the code.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The package root (where package.json is), the same whether this runs from src/ or dist/. */
export const PROJECT_ROOT = fileURLToPath(new URL('../', import.meta.url));

export const COSTSIM_VERSION: string = (require('../package.json') as { version: string }).version;

/** The installed @tensorflow/tfjs-core version (the one copy in the tree; package.json overrides pin it). */
export const TFJS_VERSION: string = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;

/** Files whose bytes make up the code version besides the code itself (missing ones are skipped). */
const CODE_FILES = ['package.json', 'package-lock.json'];
/** Never hashed: the compiled addon (its sources are) and installed packages. */
const SKIPPED_DIRS = new Set(['build', 'node_modules']);

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...filesUnder(path));
    } else if (entry.isFile()) out.push(path);
  }
  return out;
}

let projectCodeVersion: string | undefined;

/**
 * `<package version>+<12 hex digits of SHA-256 over src/ (dist/ where there is no src/), native/ (not native/build),
 * package.json and package-lock.json>`: any change to the code that trains, to its kernels or to
 * the locked dependency tree gives new cache keys, and a queue worker running other code refuses
 * the job. The project's own is read once per process.
 */
export function codeVersion(root = PROJECT_ROOT): string {
  if (root === PROJECT_ROOT && projectCodeVersion) return projectCodeVersion;
  const hash = createHash('sha256');
  // The sources in a checkout (built or not, so `npm run build` changes nothing); the built code
  // in an installed package, which ships dist/ only.
  const code = existsSync(join(root, 'src')) ? 'src' : 'dist';
  const files = [...filesUnder(join(root, code)), ...filesUnder(join(root, 'native')), ...CODE_FILES.map((f) => join(root, f)).filter((f) => existsSync(f))];
  for (const file of files.map((f) => relative(root, f).split('\\').join('/')).sort()) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)))
      .update('\0');
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const version = `${pkg.version}+${hash.digest('hex').slice(0, 12)}`;
  if (root === PROJECT_ROOT) projectCodeVersion = version;
  return version;
}
