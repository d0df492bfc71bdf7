import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cacheKeyOf, canonicalJson, gitCommit } from '../../src/bench/environment.ts';
import type { BenchConfig, BenchEnvironment } from '../../src/bench/record.ts';

const config: BenchConfig = {
  model: 'mlp',
  modelOptions: { width: 8, depth: 1 },
  batchSize: 8,
  accumulationSteps: 1,
  maxSteps: 1,
  learningRate: 0.001,
  optimizer: 'adam',
  seed: 0,
};
const environment: BenchEnvironment = {
  backend: 'wasm',
  backendReason: 'best available',
  node: '20.20.2',
  tfjs: '4.22.0',
  cpuModel: 'AMD EPYC',
  cpuCores: 2,
  platform: 'linux-x64',
  gitCommit: 'a'.repeat(40),
  deviceId: 'aws-c6a.large',
  costsimVersion: '0.1.0',
};

describe('bench environment and cache key', () => {
  it('canonical JSON ignores key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, e: 'x' }] })).toBe('{"a":[{"d":2,"e":"x"}],"b":1}');
  });

  it('the key changes with config, backend or device, not with the commit or the reason', () => {
    const key = cacheKeyOf(config, environment);
    expect(cacheKeyOf({ ...config, modelOptions: { depth: 1, width: 8 } }, environment)).toBe(key);
    expect(cacheKeyOf(config, { ...environment, gitCommit: 'b'.repeat(40), backendReason: 'forced' })).toBe(key);
    expect(cacheKeyOf({ ...config, seed: 1 }, environment)).not.toBe(key);
    expect(cacheKeyOf(config, { ...environment, backend: 'cpu' })).not.toBe(key);
    expect(cacheKeyOf(config, { ...environment, deviceId: 'gcp-n2d-standard-2' })).not.toBe(key);
    expect(cacheKeyOf(config, { ...environment, codeVersion: '0.1.0+000000000000' })).not.toBe(key);
    expect(cacheKeyOf(config, environment, 5)).not.toBe(key);
  });

  it('git commit: a 40-hex id inside this checkout, undefined outside any repository (no throw)', () => {
    expect(gitCommit(process.cwd())).toMatch(/^[0-9a-f]{40}$/);
    expect(gitCommit(mkdtempSync(`${tmpdir()}/costsim-nogit-`))).toBeUndefined();
  });
});
