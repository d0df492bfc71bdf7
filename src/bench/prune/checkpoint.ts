/**
 * Dense checkpoints for pruning sweeps: the dense model is trained once per (model, seed,
 * budget), saved, and every sparsity level fine-tunes from the same weights. A checkpoint is
 * JSON (weight names, shapes, float32 data in base64), written atomically so a killed sweep
 * never leaves a half checkpoint that a later run would trust.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tf } from '../../runtime/tf.ts';
import type { LayersModel } from '../../runtime/tf.ts';
import { InputError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';

interface CheckpointFile {
  format: 'costsim-prune-checkpoint';
  version: 1;
  /** Free-form description of what was trained (config, accuracy), for humans. */
  meta: Record<string, unknown>;
  weights: Array<{ name: string; shape: number[]; base64: string }>;
}

/**
 * The weight's own name ("kernel", "gamma"): layer names of unnamed layers carry a
 * per-process counter (dense_Dense3), so only this part plus the shape and the order are compared.
 */
function stableName(variable: { originalName: string }): string {
  return variable.originalName.split('/').pop() ?? variable.originalName;
}

/** Save every weight of `model` (trainable and not, e.g. BatchNorm statistics) to `path`. */
export function saveCheckpoint(path: string, model: LayersModel, meta: Record<string, unknown>): void {
  const file: CheckpointFile = {
    format: 'costsim-prune-checkpoint',
    version: 1,
    meta,
    weights: model.weights.map((v) => {
      const data = v.read().dataSync() as Float32Array;
      return { name: stableName(v), shape: [...v.shape] as number[], base64: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
    }),
  };
  writeFileAtomic(path, JSON.stringify(file));
}

/** True when a checkpoint exists at `path`. */
export function hasCheckpoint(path: string): boolean {
  return existsSync(path);
}

/** A checkpoint file read from disk and checked for its format (weights not yet applied). */
export interface ReadCheckpoint {
  path: string;
  meta: Record<string, unknown>;
  file: CheckpointFile;
}

/** Read and parse the checkpoint at `path`; an unreadable file is an InputError naming it. */
export function readCheckpoint(path: string): ReadCheckpoint {
  let file: CheckpointFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  } catch (error) {
    throw new InputError({ file: path }, `not a readable checkpoint (${(error as Error).message}); delete it to retrain the dense model`);
  }
  return { path, meta: file.meta ?? {}, file };
}

/** Set `model`'s weights from a read checkpoint; names and shapes must match. */
export function applyCheckpoint(checkpoint: ReadCheckpoint, model: LayersModel): void {
  const { path, file } = checkpoint;
  if (file.format !== 'costsim-prune-checkpoint' || file.weights.length !== model.weights.length) {
    throw new InputError(
      { file: path },
      `checkpoint does not match the model (${file.weights?.length} weights vs ${model.weights.length}); delete it to retrain`,
    );
  }
  const values = file.weights.map((w, i) => {
    const target = model.weights[i];
    if (!target || stableName(target) !== w.name || target.shape.join('x') !== w.shape.join('x')) {
      throw new InputError(
        { file: path, path: `weights[${i}]` },
        `is ${w.name} ${w.shape.join('x')}, the model expects ${target ? `${stableName(target)} ${target.shape.join('x')}` : 'nothing'}`,
      );
    }
    const bytes = Buffer.from(w.base64, 'base64');
    return tf.tensor(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), w.shape, 'float32');
  });
  model.setWeights(values);
  tf.dispose(values);
}

/** Load a checkpoint into a model of the same architecture; names and shapes must match. Returns its meta. */
export function loadCheckpoint(path: string, model: LayersModel): Record<string, unknown> {
  const checkpoint = readCheckpoint(path);
  applyCheckpoint(checkpoint, model);
  return checkpoint.meta;
}

/**
 * Storage size of a model's weights: raw float32 bytes (what tfjs writes to weights.bin)
 * and the gzip-compressed size of that buffer (zeros left by pruning compress). Both are
 * measured on the live weights.
 */
export function measureModelBytes(model: LayersModel): { float32Bytes: number; gzipBytes: number } {
  const parts = model.weights.map((v) => {
    const data = v.read().dataSync() as Float32Array;
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  });
  const raw = Buffer.concat(parts);
  return { float32Bytes: raw.length, gzipBytes: gzipSync(raw, { level: 6 }).length };
}
