/**
 * Cache of this machine's quick measurements (the local-cpu serving calibration and the
 * placement calibration), so that a warm `costsim run` does not time them again. One JSON file
 * per measurement in `<store dir>/measurements/`, keyed like bench records: SHA-256 of what was
 * measured and of everything that changes its result (code version — src/, native/ sources and
 * the lockfile —, Node, platform, CPU model and cores, backends present, thread-count variables,
 * and the BLAS the native addon was built against when native is among them).
 * A hit is the same measurement, still labelled measured, with the time it was taken; a
 * corrupt or foreign file is a miss (re-measured and rewritten), never an error. Files are
 * written whole (temp file + rename).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../bench/environment.ts';
import { loadNativeAddon, readCpuInfo } from '../runtime/index.ts';
import { writeFileAtomic } from '../util/atomic-write.ts';
import { codeVersion } from '../version.ts';

/** Where and when a cached measurement was taken. */
export interface MeasurementOrigin {
  /** ISO time the measurement ran. */
  measuredAt: string;
  /** True when this process read it from the cache instead of measuring. */
  reused: boolean;
  /** The cache file. */
  file: string;
}

interface CacheFile<T> {
  kind: string;
  key: string;
  measuredAt: string;
  environment: Record<string, unknown>;
  result: T;
}

/** The environment fields a measurement on this machine depends on. */
export function measurementEnvironment(env: Record<string, string | undefined>, backends: readonly string[]): Record<string, unknown> {
  const cpu = readCpuInfo();
  const threads = Object.fromEntries(
    Object.entries(env)
      .filter(([k, v]) => /THREADS/.test(k) && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  // native/build is not in the code hash: the BLAS the addon links to (a rebuild against another
  // library or configuration) changes its timings.
  const addon = backends.includes('native') ? loadNativeAddon() : undefined;
  return {
    code: codeVersion(),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpuModel: cpu.model,
    cpuCores: cpu.cores,
    backends: [...backends],
    threads,
    ...(addon?.ok ? { nativeBlas: addon.blas } : {}),
  };
}

/** The measurement cache directory for a record store path (`.costsim/records.jsonl` → `.costsim/measurements`). */
export function measurementDir(storePath: string): string {
  return join(dirname(storePath), 'measurements');
}

/**
 * The cached result of `measure` for (kind, inputs, environment), or a fresh one written to the
 * cache. `fresh` skips the lookup (the result is still written). `onNotice` hears about a corrupt file.
 */
export async function cachedMeasurement<T>(
  options: {
    dir: string;
    kind: string;
    inputs: unknown;
    environment: Record<string, unknown>;
    fresh?: boolean;
    now?: () => Date;
    onNotice?: (note: string) => void;
  },
  measure: () => Promise<T | undefined>,
): Promise<{ result: T; origin: MeasurementOrigin } | undefined> {
  const key = createHash('sha256')
    .update(canonicalJson({ kind: options.kind, inputs: options.inputs, environment: options.environment }))
    .digest('hex')
    .slice(0, 32);
  const file = join(options.dir, `${options.kind}-${key}.json`);
  if (!options.fresh && existsSync(file)) {
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as CacheFile<T>;
      if (stored.kind === options.kind && stored.key === key && stored.result !== undefined && typeof stored.measuredAt === 'string')
        return { result: stored.result, origin: { measuredAt: stored.measuredAt, reused: true, file } };
      options.onNotice?.(`${file} is not a ${options.kind} measurement for this key; measuring again`);
    } catch (error) {
      options.onNotice?.(`${file} is unreadable (${(error as Error).message.split('\n')[0]}); measuring again`);
    }
  }
  const measuredAt = (options.now ?? (() => new Date()))().toISOString();
  const result = await measure();
  if (result === undefined) return undefined;
  const entry: CacheFile<T> = { kind: options.kind, key, measuredAt, environment: options.environment, result };
  writeFileAtomic(file, `${JSON.stringify(entry)}\n`);
  return { result, origin: { measuredAt, reused: false, file } };
}
