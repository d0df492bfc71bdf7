/**
 * The two models a level's latency compares, the fine-tuned dense control and the final
 * pruned model, saved by the sweep worker beside the dense checkpoint (checkpoint.ts format)
 * so the serial pass after the sweep can time them again with no other worker running. The
 * files are deleted once that timing is stored; files still present on a rerun mean the
 * level's serial timing never completed.
 */
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tf } from '../../runtime/tf.ts';
import type { LayersModel } from '../../runtime/tf.ts';
import { applyCheckpoint, readCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { createSpecModel, loadSpecTask, type PruneSpec } from './experiment.ts';
import type { Task } from '../zoo/index.ts';

/** Where one level's two models live. */
export interface LevelModelPaths {
  control: string;
  pruned: string;
}

/** Paths beside the dense checkpoint, named by the level's point key. */
export function levelModelPaths(checkpointPath: string, levelKey: string): LevelModelPaths {
  const dir = dirname(checkpointPath);
  return { control: join(dir, `${levelKey}.control.json`), pruned: join(dir, `${levelKey}.pruned.json`) };
}

/**
 * Save both models. A structurally pruned model is smaller than the zoo's architecture, so its
 * topology (tfjs model JSON) is saved with it; an unstructured one has the zoo's shape.
 */
export function saveLevelModels(paths: LevelModelPaths, spec: PruneSpec, levelKey: string, control: LayersModel, pruned: LayersModel): void {
  const meta = { levelKey, model: spec.model, method: spec.method, seed: spec.seed };
  saveCheckpoint(paths.control, control, { ...meta, role: 'fine-tuned dense control' });
  saveCheckpoint(paths.pruned, pruned, {
    ...meta,
    role: 'pruned model',
    ...(spec.method === 'structured' ? { topology: pruned.toJSON(null, false) } : {}),
  });
}

/** True when both files exist. */
export function hasLevelModels(paths: LevelModelPaths): boolean {
  return existsSync(paths.control) && existsSync(paths.pruned);
}

/** Delete both files (missing ones are fine). */
export function removeLevelModels(paths: LevelModelPaths): void {
  rmSync(paths.control, { force: true });
  rmSync(paths.pruned, { force: true });
}

/** Load both models and the level's task. The caller disposes all three. */
export async function loadLevelModels(spec: PruneSpec, paths: LevelModelPaths): Promise<{ control: LayersModel; pruned: LayersModel; task: Task }> {
  const task = loadSpecTask(spec);
  const made: LayersModel[] = [];
  try {
    const control = createSpecModel(spec, task);
    made.push(control);
    applyCheckpoint(readCheckpoint(paths.control), control);
    const file = readCheckpoint(paths.pruned);
    const topology = file.meta.topology;
    const pruned = topology ? await tf.models.modelFromJSON({ modelTopology: topology as never }) : createSpecModel(spec, task);
    made.push(pruned);
    applyCheckpoint(file, pruned);
    return { control, pruned, task };
  } catch (error) {
    for (const m of made) m.dispose();
    task.dispose();
    throw error;
  }
}
