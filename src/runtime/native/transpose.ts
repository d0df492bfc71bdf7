/**
 * Transpose for the `native` backend: a permutation that keeps every axis of size > 1 in order
 * moves no element, so the output shares the input's heap buffer (as Reshape does) instead of
 * the wasm kernel's copy. tfjs-layers' `dot` (every Dense on rank-≥3 input) transposes its 2-D
 * kernel by [0, 1] in the forward pass and again in the gradient; on the GPT-2-small shape the
 * two copies of the 768 × 50,257 logits kernel (154 MB each per step) pushed training past the
 * 4 GiB wasm heap, where a wrapped allocation surfaced as "Invalid typed array length: 38597376".
 * Every other permutation is the wasm kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import { wasmKernel, type KernelArgs } from './matmul.ts';

/** Whether permuting an array of `shape` by `perm` leaves its row-major element order unchanged. */
export function movesNoElement(shape: readonly number[], perm: readonly number[]): boolean {
  const kept = perm.filter((axis) => (shape[axis] as number) > 1);
  return kept.every((axis, i) => i === 0 || axis > (kept[i - 1] as number));
}

function transpose(args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  const perm = (args.attrs as unknown as { perm: number[] }).perm;
  if (x.dtype === 'string' || !movesNoElement(x.shape, perm)) return wasmKernel('Transpose', args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: perm.map((axis) => x.shape[axis] as number), dtype: x.dtype };
}

/** The Transpose kernel config for backend `backendName`. */
export function transposeKernel(backendName: string): KernelConfig {
  return { kernelName: 'Transpose', backendName, kernelFunc: transpose as unknown as KernelFunc };
}
