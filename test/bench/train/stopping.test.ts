import { describe, expect, it } from 'vitest';
import { reachesTarget, stoppingStep } from '../../../src/bench/train/stopping.ts';

describe('stopping on the validation split', () => {
  it('stops where the validation curve first reaches the target, whatever the test curve does (hand case)', () => {
    // Test accuracy crosses 0.95 at step 25 and falls back; validation only crosses at step 75.
    const evaluations = [
      { step: 25, validationAccuracy: 0.8, testAccuracy: 0.96 },
      { step: 50, validationAccuracy: 0.93, testAccuracy: 0.97 },
      { step: 75, validationAccuracy: 0.951, testAccuracy: 0.94 },
      { step: 100, validationAccuracy: 0.99, testAccuracy: 0.99 },
    ];
    expect(stoppingStep(evaluations, 0.95)).toBe(75);
    expect(reachesTarget({ validationAccuracy: 0.95 }, 0.95)).toBe(true); // ≥, as MLPerf's quality target
    // A target the validation curve never reaches: no stop, even though the test curve reaches 0.99.
    expect(stoppingStep(evaluations.slice(0, 3), 0.96)).toBeUndefined();
  });
});
