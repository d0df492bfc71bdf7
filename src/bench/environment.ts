/**
 * Where a benchmark ran: backend, versions, CPU, git commit, device, and the cache key that
 * says when a stored record can stand in for a new run.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { tf } from '../runtime/tf.ts';
import { readCpuInfo } from '../runtime/cpu-info.ts';
import { codeVersion, COSTSIM_VERSION, TFJS_VERSION } from '../version.ts';
import type { BenchConfig, BenchEnvironment } from './record.ts';

export { codeVersion } from '../version.ts';

/** The git commit of `cwd`'s checkout, or undefined where git or the repository is missing (never throws). */
export function gitCommit(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim();
    return /^[0-9a-f]{40}$/.test(out) ? out : undefined;
  } catch {
    return undefined;
  }
}

/** This process's environment (call after the backend is initialised). */
export function collectEnvironment(options: {
  backendReason: string;
  deviceId: string;
  cwd: string;
  grid?: { region: string; pue: number };
  usdPerHourGiven?: number;
}): BenchEnvironment {
  const cpu = readCpuInfo();
  const commit = gitCommit(options.cwd);
  return {
    backend: tf.getBackend(),
    backendReason: options.backendReason,
    node: process.versions.node,
    tfjs: TFJS_VERSION,
    cpuModel: cpu.model,
    cpuCores: cpu.cores,
    platform: `${process.platform}-${process.arch}`,
    ...(commit ? { gitCommit: commit } : {}),
    deviceId: options.deviceId,
    costsimVersion: COSTSIM_VERSION,
    codeVersion: codeVersion(),
    ...(options.grid ? { grid: options.grid } : {}),
    ...(options.usdPerHourGiven !== undefined ? { usdPerHourGiven: options.usdPerHourGiven } : {}),
  };
}

/** JSON with object keys sorted, so equal objects serialise (and hash) equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Cache key: SHA-256 of the config, the number of runs and the environment fields that change
 * results or their pricing (backend, versions, CPU, device, code version: package version and a
 * hash of src/ and native/). The git commit and backend reason are left out: the code hash
 * already says whether the code changed.
 */
export function cacheKeyOf(config: BenchConfig, environment: BenchEnvironment, runs = 1): string {
  const { backend, node, tfjs, cpuModel, cpuCores, platform, deviceId, costsimVersion, codeVersion: code, grid, usdPerHourGiven } = environment;
  const material = canonicalJson({
    config,
    ...(runs !== 1 ? { runs } : {}),
    environment: { backend, node, tfjs, cpuModel, cpuCores, platform, deviceId, costsimVersion, code, grid, usdPerHourGiven },
  });
  return createHash('sha256').update(material).digest('hex').slice(0, 32);
}
