/**
 * The `native` backend loader: plain wasm plus the OpenBLAS addon's GEMM and convolution
 * kernels. Fails (so costsim falls back to wasm) when the addon was not built or cannot load.
 */
import { tf } from '../tf.ts';
import { probeBackends, type BackendLoader } from '../backends.ts';
import { loadNativeAddon, NATIVE_HOW_TO_ENABLE } from './addon.ts';
import { NATIVE_BACKEND, registerNativeBackend } from './backend.ts';
import { routeDenseLayersThroughLinear } from '../dense-layers.ts';

/**
 * Loader for the `native` backend (OpenBLAS kernels on the wasm backend's heap), built on the
 * given wasm loader (passed in rather than imported: loaders.ts lists this loader).
 */
export function createNativeLoader(wasmLoader: BackendLoader): BackendLoader {
  return {
    name: 'native',
    tfjsName: NATIVE_BACKEND,
    howToEnable: NATIVE_HOW_TO_ENABLE,
    async load() {
      const state = loadNativeAddon();
      if (!state.ok) throw new Error(state.reason);
      // Through the probe cache: the wasm loader may run once per process only (its paths are set once).
      const [wasm] = await probeBackends([wasmLoader]);
      if (!wasm?.available) throw new Error(`the wasm backend it builds on is unavailable: ${wasm?.reason ?? 'no probe'}`);
      const previous = tf.getBackend();
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend it builds on could not initialise');
      registerNativeBackend(state.addon);
      routeDenseLayersThroughLinear();
      if (!(await tf.setBackend(NATIVE_BACKEND))) throw new Error('tfjs could not initialise "native"');
      if (previous && previous !== NATIVE_BACKEND) await tf.setBackend(previous);
    },
  };
}
