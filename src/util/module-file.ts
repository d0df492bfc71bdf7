/**
 * Modules started by path (worker processes) from the sources or from the built package: the
 * sources run as `.ts` through tsx, `npm run build` emits `.js` to dist/ with the same layout,
 * and a path written as `./worker.ts` must name whichever of the two is running.
 */
import { fileURLToPath } from 'node:url';

/** True when `base` (an `import.meta.url`) is built JavaScript rather than a TypeScript source. */
export function isBuiltModule(base: string): boolean {
  return base.endsWith('.js');
}

/** Absolute path of the module `relative` (written with `.ts`) next to `base`, as `.js` when `base` is built. */
export function moduleFile(relative: string, base: string): string {
  return fileURLToPath(new URL(isBuiltModule(base) ? relative.replace(/\.ts$/, '.js') : relative, base));
}
