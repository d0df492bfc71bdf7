/**
 * A pruning study priced as a device that is not in the catalogue (a scenario's own `devices:`
 * entry): the workers take the device whole instead of looking its id up, so the study runs and
 * every record is priced at that device's rate (before, the worker failed: "unknown device").
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPruneStudy } from '../../../src/bench/prune/study.ts';
import { findDevice, type Device } from '../../../src/devices/catalog.ts';
import { tinyStudyOptions } from './tiny-study.ts';

const dir = mkdtempSync(join(tmpdir(), 'prune-custom-device-'));

const catalogued = findDevice('aws-c6a.large') as Device;
// This machine at a rate of its own: $3.60/hour, so one second costs exactly $0.001.
const ownMachine: Device = {
  ...catalogued,
  id: 'lab-box',
  name: 'our lab box',
  usdPerHour: { value: 3.6, source: 'scenario devices: (assumed)', date: '2026-12-02' },
};

const options = tinyStudyOptions(['magnitude'], join(dir, 'checkpoints'));

describe('a pruning study priced as a scenario’s own device', () => {
  it('runs, and prices every record at that device’s rate: cost = wall seconds × 3.6 / 3600', async () => {
    expect(findDevice('lab-box')).toBeUndefined();
    const result = await runPruneStudy(options, {
      backend: 'wasm',
      deviceId: 'lab-box',
      device: ownMachine,
      storePath: join(dir, 'records.jsonl'),
      workers: 1,
    });
    expect(result.summary.failed).toEqual([]);
    const records = [...result.records.values()];
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record.environment.deviceId).toBe('lab-box');
      expect(record.metrics.costUsd).toBeCloseTo(record.metrics.wallSeconds * 0.001, 12);
    }
  });
});
