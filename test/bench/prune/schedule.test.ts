import { describe, expect, it } from 'vitest';
import {
  constant,
  finalSparsity,
  lastMaskUpdateStep,
  polynomialDecay,
  shouldUpdateMask,
  sparsityAt,
  validateSchedule,
} from '../../../src/bench/prune/schedule.ts';
import { UsageError } from '../../../src/errors.ts';
import { scheduleFor } from '../../../src/bench/prune/plan.ts';

describe('polynomialDecay (TFMOT / Zhu & Gupta 2017)', () => {
  const schedule = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.8, beginStep: 0, endStep: 1000 });

  it('matches the closed form at begin, middle and end (Zhu & Gupta 2017, "To prune, or not to prune", eq. 1, by hand)', () => {
    // s = 0.8 + (0 - 0.8)(1 - p)^3, by hand: p=0.1 → 0.8 - 0.8·0.729 = 0.2168; p=0.5 → 0.8 - 0.1 = 0.70;
    // p=0.75 → 0.8 - 0.8/64 = 0.7875; p=1 → 0.8.
    expect(sparsityAt(schedule, 0)).toBeCloseTo(0, 12);
    expect(sparsityAt(schedule, 100)).toBeCloseTo(0.2168, 12);
    expect(sparsityAt(schedule, 500)).toBeCloseTo(0.7, 12);
    expect(sparsityAt(schedule, 750)).toBeCloseTo(0.7875, 12);
    expect(sparsityAt(schedule, 1000)).toBeCloseTo(0.8, 12);
    expect(sparsityAt(schedule, 5000)).toBeCloseTo(0.8, 12);
  });

  it('clips progress before begin and honours power and initial sparsity', () => {
    const s = polynomialDecay({ initialSparsity: 0.5, finalSparsity: 0.9, beginStep: 200, endStep: 400, power: 1 });
    expect(sparsityAt(s, 0)).toBeCloseTo(0.5, 12);
    expect(sparsityAt(s, 300)).toBeCloseTo(0.7, 12); // linear half way
    expect(finalSparsity(s)).toBe(0.9);
  });

  it('updates masks every `frequency` steps from begin to end only', () => {
    const s = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 10, endStep: 50, frequency: 20 });
    const steps = Array.from({ length: 80 }, (_, i) => i).filter((i) => shouldUpdateMask(s, i));
    expect(steps).toEqual([10, 30, 50]);
    expect(lastMaskUpdateStep(s)).toBe(50);
    expect(lastMaskUpdateStep(polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 0, endStep: 45, frequency: 20 }))).toBe(40);
  });
});

describe('constant', () => {
  it('is the target at every step and prunes forever when endStep is -1', () => {
    const s = constant(0.75, { frequency: 100 });
    expect(sparsityAt(s, 0)).toBe(0.75);
    expect(sparsityAt(s, 123456)).toBe(0.75);
    expect(shouldUpdateMask(s, 0)).toBe(true);
    expect(shouldUpdateMask(s, 50)).toBe(false);
    expect(shouldUpdateMask(s, 1_000_000)).toBe(true);
    expect(lastMaskUpdateStep(s)).toBeUndefined();
  });
});

describe('bad schedules', () => {
  it('rejects sparsity outside [0, 1) and a begin step after the end step, naming the field', () => {
    expect(() => constant(1)).toThrow(UsageError);
    expect(() => constant(-0.1)).toThrow(/targetSparsity/);
    expect(() => polynomialDecay({ initialSparsity: 0, finalSparsity: 0.5, beginStep: 10, endStep: 5 })).toThrow(/beginStep/);
    expect(() => constant(0.5, { beginStep: 10, endStep: 5 })).toThrow(/beginStep/);
    expect(() => validateSchedule({ kind: 'constant', targetSparsity: 0.5, beginStep: 0, endStep: -1, frequency: 0 })).toThrow(/frequency/);
  });
});

describe('scheduleFor: the default polynomial ramp fits the fine-tuning run', () => {
  it('reaches the final sparsity by the last step of a 5-step run, and keeps the 10-update ramp of a 100-step run (end 60, by hand)', () => {
    const short = scheduleFor({ schedule: 'polynomial', scheduleOverrides: {}, fineTuneSteps: 5 }, 0.8);
    expect(short.endStep).toBe(4);
    expect(sparsityAt(short, 4)).toBeCloseTo(0.8, 12);
    const long = scheduleFor({ schedule: 'polynomial', scheduleOverrides: {}, fineTuneSteps: 100 }, 0.8);
    expect(long.endStep).toBe(60); // frequency round(0.6·100/10) = 6, ten updates
  });
});
