/**
 * Tile for the `native` backend, and a Tile gradient that is one reshape + sum instead of
 * tfjs-core's loop of one slice + add per repetition (Tile_grad.ts). tfjs-layers tiles the
 * statistics and scale/offset of every LayerNormalization and BatchNormalization to the full
 * activation shape, so that loop ran 7,040 slice/add pairs per transformer training step
 * (~1 s of a 1.3 s step here); the wasm Tile kernel itself took ~0.9 s per CNN step.
 * The gradient is registered globally (gradients are per kernel, not per backend) but only
 * the native backend takes the new path; others keep tfjs's own, so plain wasm stays as shipped.
 */
import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import type { NativeAddon } from './addon.ts';
import { floats, wasmKernel, type KernelArgs } from './matmul.ts';
import { overrideGradient } from './gradients.ts';

function tile(addon: NativeAddon, args: KernelArgs): TensorInfo | TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: TensorInfo };
  const reps = (args.attrs as unknown as { reps: number[] }).reps;
  if (x.dtype !== 'float32' || x.shape.some((d) => d === 0) || reps.some((r) => r < 1) || reps.length !== x.shape.length) return wasmKernel('Tile', args);
  const out = backend.makeOutput(
    x.shape.map((d, i) => d * (reps[i] as number)),
    'float32',
  );
  addon.tile(floats(backend, x), floats(backend, out), Int32Array.from(x.shape), Int32Array.from(reps));
  return out;
}

/** The Tile kernel config for backend `backendName`. */
export function tileKernel(addon: NativeAddon, backendName: string): KernelConfig {
  return { kernelName: 'Tile', backendName, kernelFunc: ((args: KernelArgs) => tile(addon, args)) as unknown as KernelFunc };
}

/**
 * d tile(x, reps) / dx: view dy as [reps0, x0, reps1, x1, ...] (dims of size 1 dropped) and sum
 * over the reps axes. Exposed for tests.
 */
export function tileGradient(dy: Tensor, xShape: number[], reps: number[]): Tensor {
  const shape: number[] = [];
  const sumAxes: number[] = [];
  xShape.forEach((size, d) => {
    const r = reps[d] as number;
    if (r > 1) {
      sumAxes.push(shape.length);
      shape.push(r);
    }
    if (size > 1) shape.push(size);
  });
  if (sumAxes.length === 0) return tf.reshape(dy, xShape);
  return tf.reshape(tf.sum(tf.reshape(dy, shape), sumAxes), xShape);
}

/** Register the native-path Tile gradient once per process. */
export function registerTileGradient(nativeBackendName: string): void {
  overrideGradient('Tile', nativeBackendName, (dy, saved, attrs) => {
    const x = saved[0] as Tensor;
    const reps = (attrs as unknown as { reps: number[] }).reps;
    return { x: () => tileGradient(dy, x.shape, reps) };
  });
}
