/**
 * The BenchEnvironment of a pruning run and the part of it that goes into cache keys.
 * Device prices are not in the key: they price results at report time, they do not change
 * what was measured.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { tf } from '../../runtime/tf.ts';
import { readCpuInfo } from '../../runtime/cpu-info.ts';
import type { BenchEnvironment } from '../record.ts';

const require = createRequire(import.meta.url);

/** Environment fields that change measured results (backend, CPU, versions). */
export interface EnvironmentKey {
  backend: string;
  cpuModel: string;
  node: string;
  tfjs: string;
  costsimVersion: string;
}

/** The key fields for `backend` on this machine. */
export function environmentKey(backend: string): EnvironmentKey {
  return {
    backend,
    cpuModel: readCpuInfo().model,
    node: process.versions.node,
    tfjs: (require('@tensorflow/tfjs-core/package.json') as { version: string }).version,
    costsimVersion: (require('../../../package.json') as { version: string }).version,
  };
}

/** The full environment of this process (call after the backend is initialised). */
export function describeEnvironment(backendReason: string, deviceId: string): BenchEnvironment {
  const key = environmentKey(tf.getBackend());
  const cpu = readCpuInfo();
  return {
    backend: key.backend,
    backendReason,
    node: key.node,
    tfjs: key.tfjs,
    cpuModel: cpu.model,
    cpuCores: cpu.cores,
    platform: `${process.platform}-${process.arch}`,
    deviceId,
    costsimVersion: key.costsimVersion,
  };
}

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short hex hash of `value` (sha256 of its stable JSON, first 20 hex digits). */
export function hashKey(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, 20);
}
