#!/usr/bin/env node
// The `costsim` executable. It runs the built JavaScript in dist/ (`npm run build`; what the
// published package ships) when that exists and no file under src/ is newer than it; otherwise
// it runs the TypeScript sources through tsx, so a fresh clone needs no build step and an
// edited source is never shadowed by a stale build. COSTSIM_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const built = fileURLToPath(new URL('dist/cli/main.js', root));
const sources = fileURLToPath(new URL('src/', root));

/** Newest modification time (ms) of any file under `dir`. */
function newestMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const useBuilt = process.env.COSTSIM_FROM_SOURCE !== '1' && existsSync(built) && (!existsSync(sources) || newestMs(sources) <= statSync(built).mtimeMs);
if (useBuilt) {
  await import(new URL('dist/cli/main.js', root).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('src/cli/main.ts', root).href);
}
