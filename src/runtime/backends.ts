/**
 * Backend registry and selection. Backends are tried best first:
 * tensorflow (native libtensorflow via the optional @tensorflow/tfjs-node) → native (the
 * repo's OpenBLAS kernels, when built) → wasm (XNNPACK) → cpu (pure JS). `--backend` or
 * COSTSIM_BACKEND forces one. The choice and the reason for it are always reported.
 */
import { tf } from './tf.ts';
import { BackendUnavailableError } from '../errors.ts';

/** Names of the backends costsim knows, best first. */
export const BACKEND_NAMES = ['tensorflow', 'native', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** One backend's loader: resolves when the backend is registered with tfjs, or throws why not. */
export interface BackendLoader {
  name: BackendName;
  /** The tfjs backend name it registers (e.g. 'tensorflow', 'wasm'). */
  tfjsName: string;
  /** Registers the backend with the tfjs engine; throws an Error whose message says why it cannot. */
  load(): Promise<void>;
  /** How to make it available where it is not, shown by `costsim doctor`. */
  howToEnable: string;
}

/** Whether a backend can be used here and, if not, why. */
export interface BackendProbe {
  name: BackendName;
  available: boolean;
  reason?: string;
  howToEnable?: string;
}

/** The backend in use and why it was chosen. */
export interface BackendChoice {
  name: BackendName;
  reason: string;
  probes: BackendProbe[];
}

// Loading a backend twice would re-register it: remember each loader's outcome for the process.
const probeCache = new WeakMap<BackendLoader, Promise<BackendProbe>>();

function probe(loader: BackendLoader): Promise<BackendProbe> {
  let cached = probeCache.get(loader);
  if (!cached) {
    cached = loader.load().then(
      (): BackendProbe => ({ name: loader.name, available: true }),
      (error: unknown): BackendProbe => ({
        name: loader.name,
        available: false,
        reason: error instanceof Error ? error.message : String(error),
        howToEnable: loader.howToEnable,
      }),
    );
    probeCache.set(loader, cached);
  }
  return cached;
}

/** Probe every registered backend (each is loaded at most once per process). */
export async function probeBackends(loaders: readonly BackendLoader[]): Promise<BackendProbe[]> {
  const probes: BackendProbe[] = [];
  for (const loader of loaders) probes.push(await probe(loader));
  return probes;
}

/** Parse a backend name from a flag or environment variable; unknown names are a UsageError-style error. */
export function parseBackendName(value: string, source: string): BackendName {
  const name = value.trim().toLowerCase();
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new BackendUnavailableError(`${source}: unknown backend "${value}" (allowed: ${BACKEND_NAMES.join(', ')})`);
}

/**
 * Choose and activate a backend. `requested` (from --backend or COSTSIM_BACKEND) forces one;
 * otherwise the first available in registry order wins.
 */
export async function chooseBackend(loaders: readonly BackendLoader[], requested?: { name: BackendName; source: string }): Promise<BackendChoice> {
  const probes = await probeBackends(loaders);
  const available = probes.filter((p) => p.available);
  let chosen: BackendProbe | undefined;
  let reason: string;
  if (requested) {
    chosen = probes.find((p) => p.name === requested.name);
    if (!chosen?.available) {
      const why = chosen?.reason ?? 'not registered';
      throw new BackendUnavailableError(
        `${requested.source}: backend "${requested.name}" is not available here (${why}). ` + `Available: ${available.map((p) => p.name).join(', ') || 'none'}`,
      );
    }
    reason = `forced by ${requested.source}`;
  } else {
    chosen = available[0];
    if (!chosen) throw new BackendUnavailableError('no TensorFlow.js backend could be loaded');
    const skipped = probes.slice(0, probes.indexOf(chosen)).map((p) => `${p.name}: ${p.reason}`);
    reason = skipped.length ? `best available (skipped ${skipped.join('; ')})` : 'best available';
  }
  const loader = loaders.find((l) => l.name === chosen.name);
  if (!loader) throw new BackendUnavailableError(`backend "${chosen.name}" has no loader`);
  const ok = await tf.setBackend(loader.tfjsName);
  if (!ok) throw new BackendUnavailableError(`tfjs could not initialise backend "${loader.tfjsName}"`);
  await tf.ready();
  return { name: chosen.name, reason, probes };
}
