/**
 * The backend loaders costsim ships, best first. Each load() registers its backend with the
 * tfjs engine and initialises it, or throws an Error saying why it cannot.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { tf } from './tf.ts';
import type { BackendLoader } from './backends.ts';
import { registerWasmTrainingKernels } from './wasm-kernels/register.ts';
import { guardWasmHeap, type GuardedBackend } from './native/heap-guard.ts';
import { createNativeLoader } from './native/loader.ts';

const require = createRequire(import.meta.url);

async function initialise(tfjsName: string): Promise<void> {
  const previous = tf.getBackend();
  const ok = await tf.setBackend(tfjsName);
  if (!ok) throw new Error(`tfjs could not initialise "${tfjsName}"`);
  if (previous && previous !== tfjsName) await tf.setBackend(previous);
}

/** Native libtensorflow through the optional @tensorflow/tfjs-node package. */
export const tensorflowLoader: BackendLoader = {
  name: 'tensorflow',
  tfjsName: 'tensorflow',
  howToEnable:
    'on a machine that can download libtensorflow, run `npm install @tensorflow/tfjs-node@4.22.0` ' +
    '(or -gpu for CUDA); costsim then prefers it automatically',
  async load() {
    const specifier = '@tensorflow/tfjs-node';
    try {
      await import(specifier);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new Error(
          '@tensorflow/tfjs-node is not installed (it is optional; its install script downloads ' +
            'libtensorflow, which fails where that host is unreachable)',
        );
      }
      throw new Error(`@tensorflow/tfjs-node failed to load: ${(error as Error).message.split('\n')[0]}`);
    }
    if (!tf.findBackendFactory('tensorflow')) {
      throw new Error('@tensorflow/tfjs-node loaded but registered no "tensorflow" backend (a second tfjs-core copy?)');
    }
    await initialise('tensorflow');
  },
};

/** WebAssembly (XNNPACK, SIMD) backend, plus the training kernels it lacks. */
export const wasmLoader: BackendLoader = {
  name: 'wasm',
  tfjsName: 'wasm',
  howToEnable: 'reinstall dependencies with `npm ci` (@tensorflow/tfjs-backend-wasm ships its .wasm files)',
  async load() {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const distDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    // Multithreaded wasm cannot start under Node (its worker comes from a blob: URL): use SIMD, one thread.
    wasm.setThreadsCount(1);
    wasm.setWasmPaths({
      'tfjs-backend-wasm.wasm': join(distDir, 'tfjs-backend-wasm.wasm'),
      'tfjs-backend-wasm-simd.wasm': join(distDir, 'tfjs-backend-wasm-simd.wasm'),
      'tfjs-backend-wasm-threaded-simd.wasm': join(distDir, 'tfjs-backend-wasm-threaded-simd.wasm'),
    });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    registerWasmTrainingKernels();
    await initialise('wasm');
    // A full heap is a clear error, not a tensor at address 0 (native/heap-guard.ts).
    guardWasmHeap(tf.engine().registry.wasm as unknown as GuardedBackend);
  },
};

/** The pure-JavaScript reference backend: always available, slowest. */
export const cpuLoader: BackendLoader = {
  name: 'cpu',
  tfjsName: 'cpu',
  howToEnable: 'always available',
  async load() {
    await initialise('cpu');
  },
};

/** OpenBLAS GEMM/convolution kernels (native/ addon) on the wasm backend's heap; see native/loader.ts. */
export const nativeLoader: BackendLoader = createNativeLoader(wasmLoader);

/** The loaders in preference order. Other modules (e.g. the native BLAS kernels) add theirs here. */
export function defaultLoaders(): BackendLoader[] {
  return [tensorflowLoader, nativeLoader, wasmLoader, cpuLoader];
}
