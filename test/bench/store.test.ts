import { describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRecord, readRecords, readStore, findCached, defaultStorePath } from '../../src/bench/store.ts';
import { BENCH_RECORD_VERSION, type BenchRecord } from '../../src/bench/record.ts';
import { InputError } from '../../src/errors.ts';

function record(id: string, cacheKey = 'k1'): BenchRecord {
  return {
    version: BENCH_RECORD_VERSION,
    id,
    createdAt: '2026-01-01T00:00:00.000Z',
    cacheKey,
    config: { model: 'mlp', modelOptions: {}, batchSize: 8, accumulationSteps: 1, maxSteps: 1, learningRate: 0.001, optimizer: 'adam', seed: 0 },
    environment: {
      backend: 'cpu',
      backendReason: 'test',
      node: '20',
      tfjs: '4.22.0',
      cpuModel: 'x',
      cpuCores: 2,
      platform: 'linux-x64',
      deviceId: 'aws-c6a.large',
      costsimVersion: '0.1.0',
    },
    metrics: {
      testAccuracy: 0.5,
      reachedTarget: false,
      steps: 1,
      samples: 8,
      wallSeconds: 1,
      stepSeconds: 1,
      flops: { analyticTrainStep: 1, tracedTrainStep: 1, forwardPerSample: 1, effectiveForwardPerSample: 1, total: 1 },
      params: 1,
      nonZeroParams: 1,
      achievedGflops: 1,
      gemmGflops: 1,
      utilisation: 1,
      peakBytes: 1,
      energyJoules: 1,
      costUsd: 1,
    },
    provenance: {},
  };
}

const tempStore = (): string => join(mkdtempSync(join(tmpdir(), 'costsim-store-')), 'sub', 'records.jsonl');

describe('JSONL record store', () => {
  it('appends one line per record and reads them back in order; a missing store is empty', () => {
    const path = tempStore();
    expect(readRecords(path)).toEqual([]);
    appendRecord(path, record('a'));
    appendRecord(path, record('b'));
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3); // two lines + final newline
    expect(readRecords(path).map((r) => r.id)).toEqual(['a', 'b']);
    expect(defaultStorePath('/x')).toBe('/x/.costsim/records.jsonl');
  });

  it('survives a torn last line, and a later append does not glue onto it', () => {
    const path = tempStore();
    appendRecord(path, record('a'));
    const full = JSON.stringify(record('torn'));
    appendFileSync(path, full.slice(0, full.length / 2)); // a write interrupted part-way
    expect(readRecords(path).map((r) => r.id)).toEqual(['a']);
    appendRecord(path, record('c'));
    const store = readStore(path);
    expect(store.records.map((r) => r.id)).toEqual(['a', 'c']);
    expect(store.tornLines).toBe(1);
  });

  it('rejects unknown versions and corrupt lines, naming the file and line', () => {
    const path = tempStore();
    appendRecord(path, record('a'));
    appendFileSync(path, `${JSON.stringify({ ...record('future'), version: 99 })}\n`);
    expect(() => readRecords(path)).toThrow(InputError);
    expect(() => readRecords(path)).toThrow(/records\.jsonl version \(line 2\): record version 99 is not supported .*reads version 1/);
    const corrupt = tempStore();
    appendRecord(corrupt, record('a'));
    writeFileSync(corrupt, `${readFileSync(corrupt, 'utf8')}not json\n${JSON.stringify(record('b'))}\n`);
    expect(() => readRecords(corrupt)).toThrow(/\(line 2\): not valid JSON/);
  });

  it('finds the newest record with a cache key', () => {
    const path = tempStore();
    appendRecord(path, record('old', 'k'));
    appendRecord(path, record('other', 'z'));
    appendRecord(path, record('new', 'k'));
    expect(findCached(path, 'k')?.id).toBe('new');
    expect(findCached(path, 'none')).toBeUndefined();
  });
});
