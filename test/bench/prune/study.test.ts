import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPruneStudy, type StudyResult } from '../../../src/bench/prune/study.ts';
import type { PruneStudyOptions } from '../../../src/bench/prune/plan.ts';
import type { PruneRecord } from '../../../src/bench/prune/record.ts';
import type { SweepEvent } from '../../../src/sweep/runner.ts';
import { DEFAULT_LOCAL_INSTANCE } from '../../../src/devices/index.ts';
import { tinyStudyOptions } from './tiny-study.ts';

const dir = mkdtempSync(join(tmpdir(), 'prune-study-'));
const storePath = join(dir, 'records.jsonl');
const checkpointDir = join(dir, 'checkpoints');

const options = (methods: PruneStudyOptions['methods']): PruneStudyOptions => tinyStudyOptions(methods, checkpointDir);

/** A sweep event, which sweep sent it, and when this process received it (ms since the epoch). */
type Tagged = SweepEvent & { sweep: 'main' | 'latency'; atMs: number };

async function study(
  methods: PruneStudyOptions['methods'],
  abortAtFirstLatencyStart = false,
  seeds = [0],
): Promise<{ result: StudyResult; events: Tagged[]; serialPasses: number[] }> {
  const events: Tagged[] = [];
  const serialPasses: number[] = [];
  const controller = new AbortController();
  const result = await runPruneStudy(
    { ...options(methods), seeds },
    {
      backend: 'wasm',
      deviceId: DEFAULT_LOCAL_INSTANCE,
      storePath,
      workers: 2,
      signal: controller.signal,
      onEvent: (e) => events.push({ ...e, sweep: 'main', atMs: Date.now() }),
      onSerialPass: (levels) => serialPasses.push(levels),
      onLatencyEvent: (e) => {
        events.push({ ...e, sweep: 'latency', atMs: Date.now() });
        // Kills the serial worker before it can time anything: an interrupted serial pass.
        if (abortAtFirstLatencyStart && e.type === 'started') controller.abort();
      },
    },
  );
  return { result, events, serialPasses };
}

/** When the pool's last event (its last level finishing) reached this process. */
const poolEndMs = (events: readonly Tagged[]): number => Math.max(...events.filter((e) => e.sweep === 'main').map((e) => e.atMs));
const startedMs = (iso: string | undefined): number => Date.parse(iso as string);

/** Most points running at once while each key ran, replayed from the raw event order (the test's own count). */
function peaksFromEvents(events: readonly SweepEvent[]): Map<string, number> {
  const running = new Set<string>();
  const peaks = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'started') {
      running.add(e.key);
      for (const k of running) peaks.set(k, Math.max(peaks.get(k) ?? 0, running.size));
    } else if (e.type === 'finished' || e.type === 'failed') running.delete(e.key);
  }
  return peaks;
}

const storeLines = (): PruneRecord[] =>
  readFileSync(storePath, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as PruneRecord);
const savedModels = (): string[] => readdirSync(checkpointDir).filter((f) => f.endsWith('.control.json') || f.endsWith('.pruned.json'));

describe('runPruneStudy: latency and training step timed with no other worker running', () => {
  // One file, run in order: each case resumes the store the previous one left.
  let afterSerial: Map<string, PruneRecord>;

  it('with two workers, the serial pass starts only once the pool has drained; interrupted, the levels keep their contended in-worker latency and training step, labelled so', async () => {
    const { result, events, serialPasses } = await study(['magnitude', 'structured'], true);
    expect(serialPasses).toEqual([2]);
    const lastMain = events.map((e) => e.sweep).lastIndexOf('main');
    const firstLatency = events.findIndex((e) => e.sweep === 'latency');
    expect(firstLatency).toBeGreaterThan(lastMain);
    expect(events.slice(0, lastMain + 1).filter((e) => e.type === 'finished')).toHaveLength(3); // the dense parent and both levels
    expect(result.latency.aborted).toBe(true);
    expect(result.records.size).toBe(2);
    const peaks = peaksFromEvents(events.filter((e) => e.sweep === 'main'));
    for (const [key, record] of result.records) {
      const timing = record.prune.latencyTiming;
      expect(timing?.where).toBe('pool-worker');
      expect(timing?.workerProcesses).toBe(2);
      expect(timing?.workersRunning).toBe(peaks.get(key));
      expect(timing?.timedAlone).toBe(false);
      expect(record.provenance['metrics.latencyMs']?.source).toMatch(/timed in the sweep worker .* not re-timed serially: contended/);
      // The training step was timed in the same worker, while the pool ran: labelled the same way.
      expect(record.prune.trainStepTiming).toEqual(timing);
      expect(startedMs(record.prune.trainStep.startedAt)).toBeLessThan(poolEndMs(events));
      expect(record.provenance['prune.trainStep']?.source).toMatch(/timed in the sweep worker .* not re-timed serially: contended/);
    }
    expect(savedModels()).toHaveLength(4); // control and pruned model of each level, kept for the serial pass
  });

  it('a rerun completes the serial pass: each level timed alone after training, the in-worker timing kept beside it, the saved models deleted', async () => {
    const before = new Map(storeLines().map((r) => [r.cacheKey, r]));
    const { result, events, serialPasses } = await study(['magnitude', 'structured']);
    expect(serialPasses).toEqual([2]);
    expect(result.prune.skipped).toHaveLength(2);
    expect(result.latency.ran).toHaveLength(2);
    expect(events.filter((e) => e.sweep === 'main' && e.type === 'started')).toEqual([]);
    const peaks = peaksFromEvents(events);
    for (const [key, record] of result.records) {
      const timing = record.prune.latencyTiming;
      expect(timing).toEqual({ where: 'serial', workerProcesses: 1, workersRunning: 1, timedAlone: true });
      expect(peaks.get(`latency-${key}`)).toBe(1);
      expect(record.provenance['metrics.latencyMs']?.source).toMatch(
        /timed serially after training: the sweep's worker pool had exited, one worker process alone \(0 other/,
      );
      expect(record.metrics.latencyMs?.batchLarge).toBe(record.prune.latency.batchLarge.prunedMsPerSample);
      const first = before.get(key) as PruneRecord;
      expect(record.prune.latencyInWorker?.batchLarge).toEqual(first.prune.latency.batchLarge);
      expect(record.prune.latencyInWorker?.timing).toEqual(first.prune.latencyTiming);
      // The training step too: timed in that serial worker after its latency point started, the in-worker figure beside it.
      expect(record.prune.trainStepTiming).toEqual(timing);
      const serialStart = events.find((e) => e.type === 'started' && e.key === `latency-${key}`) as Tagged;
      expect(startedMs(record.prune.trainStep.startedAt)).toBeGreaterThanOrEqual(serialStart.atMs);
      expect(record.prune.trainStepInWorker).toEqual({ ...first.prune.trainStep, timing: first.prune.trainStepTiming });
      expect(record.provenance['prune.trainStep']?.source).toMatch(/after latency.*timed serially after training: the sweep's worker pool had exited/);
      // Everything but latency and training step is the first record's.
      expect(record.prune.testAccuracy).toBe(first.prune.testAccuracy);
      expect(record.metrics.wallSeconds).toBe(first.metrics.wallSeconds);
    }
    expect(savedModels()).toEqual([]);
    afterSerial = result.records;
  });

  it('a rerun with one level left (random pruning added) runs a pool of one: that level is timed in its worker, alone; the stored levels keep their serial latency', async () => {
    const { result, events } = await study(['magnitude', 'structured', 'random']);
    expect(result.prune.ran).toHaveLength(1);
    expect(result.prune.skipped).toHaveLength(2);
    expect(result.latency.ran).toEqual([]);
    expect(events.filter((e) => e.sweep === 'latency')).toEqual([]);
    const added = result.records.get(result.prune.ran[0] as string);
    expect(added?.prune.latencyTiming).toEqual({ where: 'pool-worker', workerProcesses: 1, workersRunning: 1, timedAlone: true });
    expect(added?.provenance['metrics.latencyMs']?.source).toMatch(/the pool's only worker process \(no other costsim worker running\)/);
    expect(added?.prune.latencyInWorker).toBeUndefined();
    expect(added?.prune.trainStepTiming).toEqual(added?.prune.latencyTiming);
    expect(added?.prune.trainStepInWorker).toBeUndefined();
    for (const [key, record] of afterSerial) expect(result.records.get(key)).toEqual(record);
    expect(savedModels()).toEqual([]);
  });

  it('an uninterrupted run (new seed, pool of two): every stored training step was timed after the pool had exited, the contended one kept beside it', async () => {
    const { result, events, serialPasses } = await study(['magnitude', 'structured'], false, [1]);
    expect(result.prune.ran).toHaveLength(2);
    expect(result.latency.ran).toHaveLength(2);
    expect(serialPasses).toEqual([2]);
    const poolEnd = poolEndMs(events);
    for (const [, record] of result.records) {
      expect(record.prune.trainStepTiming).toEqual({ where: 'serial', workerProcesses: 1, workersRunning: 1, timedAlone: true });
      // Timed while the pool ran, this would be earlier than the pool's last event.
      expect(startedMs(record.prune.trainStep.startedAt)).toBeGreaterThan(poolEnd);
      expect(startedMs(record.prune.trainStepInWorker?.startedAt)).toBeLessThan(poolEnd);
      expect(record.prune.trainStepInWorker?.timing).toEqual({ where: 'pool-worker', workerProcesses: 2, workersRunning: 2, timedAlone: false });
    }
    expect(savedModels()).toEqual([]);
  });
});
