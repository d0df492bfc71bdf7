/**
 * A schedule-driven pruner: decides when masks are recomputed (the schedule) and keeps
 * pruned weights at exactly zero by re-applying the masks after every optimizer update.
 * What a mask is (magnitude, random, whole units) comes from a `MaskPolicy`.
 *
 * Step semantics: steps count optimizer updates from 0. `start()` runs before update 0
 * and prunes if the schedule says so at step 0; `afterUpdate(step)` runs after update
 * `step`, recomputes masks if the schedule updates at step + 1 (TFMOT updates masks at the
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
  /** Call after every optimizer update (the trainer's `onAfterUpdate`). */
  afterUpdate(step: number): void;
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
    afterUpdate(step: number) {
      if (shouldUpdateMask(schedule, step + 1)) recompute(step + 1);
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
