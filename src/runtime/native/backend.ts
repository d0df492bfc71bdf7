/**
 * The `native` tfjs backend: the wasm backend's own instance (same module, same heap) under a
 * second name, with every wasm kernel registered for it too and the GEMM-heavy ones replaced by
 * the OpenBLAS addon's. Sharing the instance means tensors never move between `wasm` and
 * `native`, and both stay selectable in one process, so doctor and bench:peer compare them
 * side by side. Caveat: never `tf.removeBackend('native')` (or engine reset) while wasm is in
 * use: tfjs would dispose the shared instance.
 */
import type { KernelConfig, KernelBackend } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { NativeAddon } from './addon.ts';
import { matMulKernels } from './matmul.ts';
import { convKernels } from './conv.ts';
import { trainingKernels } from './training.ts';
import { registerTileGradient, tileKernel } from './tile.ts';
import { elementwiseKernels } from './elementwise.ts';
import { batchNormKernels, registerBatchNormGradient } from './batchnorm.ts';
import { gradientKernels, registerReductionGradients } from './reduce-grads.ts';
import { fusedKernels } from './fused.ts';
import { transposeKernel } from './transpose.ts';
import { gatherKernels } from './gather.ts';
import { crossEntropyKernels } from './cross-entropy.ts';
import { linearKernels, registerLinearGradient } from './linear.ts';
import { qkvKernels, registerQkvGradients } from './qkv.ts';
import { blockKernels } from './block.ts';
import { shareSavedTensorsOnNative } from './saved-tensors.ts';
import { guardWasmHeap, type GuardedBackend } from './heap-guard.ts';

/** The tfjs backend name costsim registers. */
export const NATIVE_BACKEND = 'native';

/** Kernel names the addon implements (everything else is the wasm kernel, shared). */
export function nativeKernelConfigs(addon: NativeAddon, backendName = NATIVE_BACKEND): KernelConfig[] {
  return [
    ...matMulKernels(addon, backendName),
    ...convKernels(addon, backendName),
    ...trainingKernels(addon, backendName),
    ...elementwiseKernels(addon, backendName),
    ...batchNormKernels(addon, backendName),
    ...gradientKernels(addon, backendName),
    ...fusedKernels(addon, backendName),
    ...gatherKernels(addon, backendName),
    ...crossEntropyKernels(addon, backendName),
    ...linearKernels(addon, backendName),
    ...qkvKernels(addon, backendName),
    ...blockKernels(addon, backendName),
    tileKernel(addon, backendName),
    transposeKernel(backendName),
  ];
}

/**
 * Register the `native` backend over the already-initialised wasm backend instance. Idempotent;
 * wasm kernels registered after this call are copied on the next call.
 */
export function registerNativeBackend(addon: NativeAddon): void {
  const wasm = tf.engine().registry.wasm as KernelBackend | undefined;
  if (!wasm) throw new Error('the wasm backend must be initialised before the native backend');
  if (!tf.findBackendFactory(NATIVE_BACKEND)) tf.registerBackend(NATIVE_BACKEND, () => wasm, 0);
  guardWasmHeap(wasm as unknown as GuardedBackend);
  const own = nativeKernelConfigs(addon);
  const ownNames = new Set(own.map((config) => config.kernelName));
  for (const config of tf.getKernelsForBackend('wasm')) {
    if (ownNames.has(config.kernelName) || tf.getKernel(config.kernelName, NATIVE_BACKEND)) continue;
    tf.registerKernel({ ...config, backendName: NATIVE_BACKEND });
  }
  registerTileGradient(NATIVE_BACKEND);
  registerBatchNormGradient(NATIVE_BACKEND);
  registerReductionGradients(NATIVE_BACKEND);
  registerLinearGradient();
  registerQkvGradients();
  shareSavedTensorsOnNative(NATIVE_BACKEND);
  for (const config of own) {
    if (!tf.getKernel(config.kernelName, NATIVE_BACKEND)) {
      // Keep the wasm kernel's setup (it binds wasm functions the fallback path calls).
      const setupFunc = tf.getKernel(config.kernelName, 'wasm')?.setupFunc;
      tf.registerKernel(setupFunc ? { ...config, setupFunc } : config);
    }
  }
}
