/**
 * The wasm heap guard (runtime/native/heap-guard.ts): a tensor the heap cannot hold is a
 * WasmHeapFullError naming its shape, dtype and bytes, raised before anything is written — on
 * the real backend for a request past the 32-bit heap, and on a stand-in whose malloc returns 0
 * as emscripten's does when the heap is full.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { guardWasmHeap, WasmHeapFullError, type GuardedBackend } from '../../../src/runtime/native/heap-guard.ts';
import { nativeBuilt, setUpBackends, skipReason } from './helpers.ts';

/** A backend whose malloc has `free` bytes left, with move() allocating as tfjs-backend-wasm's does; records writes. */
function standIn(free: number): GuardedBackend & { writes: number } {
  let used = 0;
  const backend = {
    writes: 0,
    wasm: {
      HEAPU8: new Uint8Array(64),
      _malloc(bytes: number): number {
        if (used + bytes > free) return 0;
        used += bytes;
        return 1024 + used - bytes;
      },
    },
    move(_dataId: object, _values: unknown, shape: number[]): void {
      backend.wasm._malloc(shape.reduce((a, b) => a * b, 1) * 4);
      backend.writes++;
    },
  };
  return backend;
}

describe('wasm heap guard', () => {
  it('a full heap (malloc returns 0) is a WasmHeapFullError naming shape, dtype and bytes, and nothing is written', () => {
    const backend = standIn(1000);
    guardWasmHeap(backend);
    backend.move({}, null, [10, 20], 'float32', 1); // 800 bytes: fits
    expect(backend.writes).toBe(1);
    let caught: unknown;
    try {
      backend.move({}, null, [512, 50257], 'float32', 1);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WasmHeapFullError);
    // 512 × 50,257 × 4 = 102,926,336 bytes (GPT-2 small's logits for 4 × 128 tokens).
    expect((caught as Error).message).toMatch(/float32 tensor of shape \[512, 50257\] \(102,926,336 bytes/);
    expect((caught as Error).message).toMatch(/at most 4\.00 GiB/);
    expect(backend.writes).toBe(1);
  });

  it('guarding twice wraps once', () => {
    const backend = standIn(100);
    guardWasmHeap(backend);
    const malloc = backend.wasm._malloc;
    guardWasmHeap(backend);
    expect(backend.wasm._malloc).toBe(malloc);
  });
});

describe.skipIf(!nativeBuilt)(`wasm heap guard on the native backend${skipReason}`, () => {
  beforeAll(setUpBackends);

  it('a tensor past the 32-bit heap (2³⁰ + 1 floats) is refused with its size, not truncated to a small block', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as unknown as { makeOutput(shape: number[], dtype: string): unknown };
    expect(() => backend.makeOutput([2 ** 30 + 1], 'float32')).toThrow(WasmHeapFullError);
    expect(() => backend.makeOutput([2 ** 30 + 1], 'float32')).toThrow(/\[1073741825\] \(4,294,967,300 bytes/);
    // The backend still works afterwards.
    expect(Array.from(await tf.add(tf.tensor1d([1, 2]), 1).data())).toEqual([2, 3]);
  });
});
