/** costsim's version, read once from package.json (recorded in reports and records). */
import { createRequire } from 'node:module';

export const COSTSIM_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
