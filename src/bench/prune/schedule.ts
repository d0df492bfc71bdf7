/**
 * Pruning schedules as plain config objects plus pure functions, with the semantics of
 * TensorFlow Model Optimization (`tfmot.sparsity.keras.ConstantSparsity` and
 * `PolynomialDecay`), the latter being Zhu & Gupta 2017 ("To prune, or not to prune"):
 *
 *   p = clip((step − begin) / (end − begin), 0, 1)
 *   s = final + (initial − final) · (1 − p)^power
 *
 * and masks are recomputed at a step when step ≥ begin, (end = −1 or step ≤ end) and
 * (step − begin) % frequency == 0. Steps count optimizer updates from 0.
 */
import { UsageError } from '../../errors.ts';

/** Constant target sparsity from `beginStep` on; `endStep` −1 means "keep updating forever" (TFMOT default). */
export interface ConstantSchedule {
  kind: 'constant';
  targetSparsity: number;
  beginStep: number;
  endStep: number;
  frequency: number;
}

/** Sparsity rising from `initialSparsity` to `finalSparsity` between `beginStep` and `endStep`. */
export interface PolynomialDecaySchedule {
  kind: 'polynomialDecay';
  initialSparsity: number;
  finalSparsity: number;
  beginStep: number;
  endStep: number;
  /** Exponent of the decay; TFMOT and Zhu & Gupta use 3. */
  power: number;
  frequency: number;
}

/** A pruning schedule: data only, evaluated by `sparsityAt` and `shouldUpdateMask`. */
export type PruningSchedule = ConstantSchedule | PolynomialDecaySchedule;

/** The schedule names the CLI and scenarios accept. */
export const SCHEDULE_KINDS = ['constant', 'polynomial'] as const;

/** TFMOT's `ConstantSparsity` defaults: begin 0, never stop, every 100 steps. */
export function constant(targetSparsity: number, options: Partial<Omit<ConstantSchedule, 'kind' | 'targetSparsity'>> = {}): ConstantSchedule {
  return validateSchedule({
    kind: 'constant',
    targetSparsity,
    beginStep: options.beginStep ?? 0,
    endStep: options.endStep ?? -1,
    frequency: options.frequency ?? 100,
  });
}

/** TFMOT's `PolynomialDecay(initial, final, begin, end, power=3, frequency=100)`. */
export function polynomialDecay(
  options: Pick<PolynomialDecaySchedule, 'initialSparsity' | 'finalSparsity' | 'beginStep' | 'endStep'> &
    Partial<Pick<PolynomialDecaySchedule, 'power' | 'frequency'>>,
): PolynomialDecaySchedule {
  return validateSchedule({ kind: 'polynomialDecay', power: 3, frequency: 100, ...options });
}

function checkSparsity(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0 || value >= 1) throw new UsageError(field, `sparsity must be in [0, 1) (got ${value})`, '0 ≤ s < 1');
}

function checkStep(value: number, field: string, allowMinusOne = false): void {
  const ok = Number.isInteger(value) && (value >= 0 || (allowMinusOne && value === -1));
  if (!ok) throw new UsageError(field, `must be a non-negative integer step${allowMinusOne ? ' or -1' : ''} (got ${value})`);
}

/** Throws a UsageError naming the field when a schedule is not usable; returns it unchanged otherwise. */
export function validateSchedule<S extends PruningSchedule>(schedule: S): S {
  checkStep(schedule.beginStep, 'beginStep');
  if (!Number.isInteger(schedule.frequency) || schedule.frequency < 1) throw new UsageError('frequency', `must be an integer ≥ 1 (got ${schedule.frequency})`);
  if (schedule.kind === 'constant') {
    checkSparsity(schedule.targetSparsity, 'targetSparsity');
    checkStep(schedule.endStep, 'endStep', true);
    if (schedule.endStep !== -1 && schedule.endStep < schedule.beginStep) {
      throw new UsageError('beginStep', `begin step ${schedule.beginStep} is after end step ${schedule.endStep}`, 'begin step ≤ end step');
    }
  } else {
    checkSparsity(schedule.initialSparsity, 'initialSparsity');
    checkSparsity(schedule.finalSparsity, 'finalSparsity');
    checkStep(schedule.endStep, 'endStep');
    // TFMOT rejects begin ≥ end for PolynomialDecay: the progress p would divide by zero.
    if (schedule.endStep <= schedule.beginStep) {
      throw new UsageError('beginStep', `begin step ${schedule.beginStep} must be before end step ${schedule.endStep}`, 'begin step < end step');
    }
    if (!(schedule.power > 0)) throw new UsageError('power', `must be > 0 (got ${schedule.power})`);
  }
  return schedule;
}

/** Target sparsity (fraction of weights that are zero) at optimizer step `step`. */
export function sparsityAt(schedule: PruningSchedule, step: number): number {
  if (schedule.kind === 'constant') return schedule.targetSparsity;
  const { initialSparsity, finalSparsity, beginStep, endStep, power } = schedule;
  const progress = Math.min(1, Math.max(0, (step - beginStep) / (endStep - beginStep)));
  return finalSparsity + (initialSparsity - finalSparsity) * (1 - progress) ** power;
}

/** Whether masks are recomputed at `step` (TFMOT's `_should_prune_in_step`). */
export function shouldUpdateMask(schedule: PruningSchedule, step: number): boolean {
  const afterBegin = step >= schedule.beginStep;
  const beforeEnd = schedule.endStep === -1 || step <= schedule.endStep;
  return afterBegin && beforeEnd && (step - schedule.beginStep) % schedule.frequency === 0;
}

/** The sparsity a schedule ends at: what the pruned model is labelled with. */
export function finalSparsity(schedule: PruningSchedule): number {
  return schedule.kind === 'constant' ? schedule.targetSparsity : schedule.finalSparsity;
}

/**
 * The last step at which masks change, or undefined for an open-ended constant schedule.
 * A fine-tuning run must last past it to reach `finalSparsity`.
 */
export function lastMaskUpdateStep(schedule: PruningSchedule): number | undefined {
  if (schedule.endStep === -1) return undefined;
  const span = schedule.endStep - schedule.beginStep;
  return schedule.beginStep + span - (span % schedule.frequency);
}
