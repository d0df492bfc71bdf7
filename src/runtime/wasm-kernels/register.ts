/**
 * Registers the training kernels the wasm backend lacks (tfjs-backend-wasm 4.22.0 registers no
 * gradient kernels for these ops: its kernels/ directory, read 2026-12), so every zoo model trains on wasm. Idempotent.
 */
import { tf } from '../tf.ts';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter.ts';
import { depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig } from './depthwise-backprop.ts';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.ts';

/** The kernels costsim adds to wasm, by name. */
export const WASM_TRAINING_KERNELS = [conv2DBackpropFilterConfig, depthwiseBackpropFilterConfig, depthwiseBackpropInputConfig, unsortedSegmentSumConfig];

/** Register each missing kernel once; kernels wasm already has are left alone. */
export function registerWasmTrainingKernels(): void {
  for (const config of WASM_TRAINING_KERNELS) {
    if (!tf.getKernel(config.kernelName, 'wasm')) tf.registerKernel(config);
  }
}
