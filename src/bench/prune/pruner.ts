/**
 * A schedule-driven pruner: decides when masks are recomputed (the schedule) and keeps
 * pruned weights at exactly zero by re-applying the masks after every optimizer update.
 * What a mask is (magnitude, random, whole units) comes from a `MaskPolicy`.
 *
 * Step semantics: schedule steps count optimizer updates from 0 (TFMOT's pruning step).
 * `start()` runs before the first update and prunes if the schedule says so at step 0;
 * `afterUpdate(updatesDone)` runs after each update with the number of updates done so far
 * (1-based, as the trainer's `onAfterUpdate` passes it), which is the step about to start:
 * it recomputes masks if the schedule updates at that step (TFMOT updates masks at the
 * start of a step, before its forward pass), then re-applies them.
 */
import { applyMasks, type BoundMask } from './prunable.ts';
import { shouldUpdateMask, sparsityAt, type PruningSchedule } from './schedule.ts';

/** Computes the masks for a target sparsity from the model's current state. */
export interface MaskPolicy {
  /** Masks for all variables the policy prunes, at `sparsity` (fraction of prunable weights or units to remove). */
  masksAt(sparsity: number): BoundMask[];
}

/** Drives a MaskPolicy along a schedule during fine-tuning. */
export interface Pruner {
  /** Call once before the first optimizer update. */
  start(): void;
  /** Call after every optimizer update with the count of updates done (1-based; the trainer's `onAfterUpdate`). */
  afterUpdate(updatesDone: number): void;
  /** Sparsity the current masks were computed for (0 before the first mask). */
  readonly currentSparsity: number;
  /** Number of times masks were recomputed. */
  readonly maskUpdates: number;
}

/** A pruner following `schedule`, masking with `policy`. */
export function createPruner(policy: MaskPolicy, schedule: PruningSchedule): Pruner {
  let masks: BoundMask[] = [];
  let currentSparsity = 0;
  let maskUpdates = 0;
  const recompute = (step: number): void => {
    currentSparsity = sparsityAt(schedule, step);
    masks = policy.masksAt(currentSparsity);
    maskUpdates++;
  };
  return {
    start() {
      if (shouldUpdateMask(schedule, 0)) recompute(0);
      applyMasks(masks);
    },
    afterUpdate(updatesDone: number) {
      if (shouldUpdateMask(schedule, updatesDone)) recompute(updatesDone);
      applyMasks(masks);
    },
    get currentSparsity() {
      return currentSparsity;
    },
    get maskUpdates() {
      return maskUpdates;
    },
  };
}

/** Prune once to `sparsity` with `policy`, no schedule (one-shot pruning, e.g. before measuring). */
export function pruneOnce(policy: MaskPolicy, sparsity: number): BoundMask[] {
  const masks = policy.masksAt(sparsity);
  applyMasks(masks);
  return masks;
}
