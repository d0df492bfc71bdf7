import { describe, expect, it } from 'vitest';
import { studyNotes } from '../../../src/bench/prune/table.ts';
import type { PruneLevel } from '../../../src/bench/prune/summarize.ts';

/** A level with only the fields the notes read. */
const level = (sparsity: number, latencyTimedAlone: boolean, trainStepTimedAlone: boolean): PruneLevel =>
  ({
    mode: 'structured',
    sparsity,
    latencyMs: { batchLargeRatio: 0.5, batchLargeVerdict: 'faster' },
    latencyTimedAlone,
    trainStepTimedAlone,
  }) as unknown as PruneLevel;

describe('studyNotes: levels not timed alone', () => {
  it('flags latency and training step separately, naming only the levels each applies to', () => {
    const notes = studyNotes([level(0.5, true, true), level(0.7, true, false), level(0.9, false, false)]);
    expect(notes.filter((n) => n.startsWith('Latency of '))).toEqual([expect.stringMatching(/^Latency of structured 0\.9 was not timed alone/)]);
    expect(notes.filter((n) => n.startsWith('Training step'))).toEqual([
      expect.stringMatching(/^Training step ms of structured 0\.7, structured 0\.9 was not timed alone .* provenance\.trainStepMs/),
    ]);
  });

  it('says nothing about contention when every level was timed alone', () => {
    const notes = studyNotes([level(0.5, true, true)]);
    expect(notes.some((n) => /not timed alone/.test(n))).toBe(false);
  });
});
