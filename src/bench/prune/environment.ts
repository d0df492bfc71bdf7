/**
 * The part of a pruning run's environment that goes into cache keys, known before any
 * worker starts (the full BenchEnvironment comes from bench/environment.ts in the worker).
 * Device prices are not in this key. A level's key also holds the device it was priced as and
 * the grid, PUE and own rate its record was priced with, when the user gave them (plan.ts), as bench's does.
 */
import { createHash } from 'node:crypto';
import { readCpuInfo } from '../../runtime/cpu-info.ts';
import { canonicalJson } from '../environment.ts';
import { codeVersion, COSTSIM_VERSION, TFJS_VERSION } from '../../version.ts';

/** Environment fields that change measured results (backend, CPU, versions, and the code itself). */
export interface EnvironmentKey {
  backend: string;
  cpuModel: string;
  node: string;
  tfjs: string;
  costsimVersion: string;
  /** The code that trains and its kernels (version.ts codeVersion), as bench's keys hold it: a kernel change re-measures the levels. */
  codeVersion: string;
}

/** The key fields for `backend` on this machine. */
export function environmentKey(backend: string): EnvironmentKey {
  return {
    backend,
    cpuModel: readCpuInfo().model,
    node: process.versions.node,
    tfjs: TFJS_VERSION,
    costsimVersion: COSTSIM_VERSION,
    codeVersion: codeVersion(),
  };
}

/** A short hex hash of `value` (sha256 of its canonical JSON, first 20 hex digits). */
export function hashKey(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 20);
}
