/**
 * A clear error when the wasm heap (shared by the `wasm` and `native` backends) cannot hold a
 * new tensor. The heap is 32-bit, at most 4,294,901,760 bytes (tfjs-backend-wasm's emscripten
 * build, getHeapMax), and its malloc returns 0 when full instead of failing: tfjs then registers
 * the tensor at address 0 and writes over the module's static data, which surfaces later as an
 * out-of-bounds access or abort far from the cause. A request of 2³² bytes or more is worse: wasm
 * truncates the size to 32 bits and hands back a block that is too small. The guard refuses both
 * before anything is written.
 */
import { CostsimError } from '../../errors.ts';

/** The wasm heap's ceiling in bytes (tfjs-backend-wasm 4.22's emscripten getHeapMax()). */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;

/** A tensor did not fit in the wasm heap; the message names its shape, dtype and bytes, the heap's size and what to change. Exit code 2. */
export class WasmHeapFullError extends CostsimError {
  override readonly exitCode = 2;
}

/** The parts of a BackendWasm the guard wraps (structural, so a test can pass a stand-in). */
export interface GuardedBackend {
  wasm: { _malloc(bytes: number): number; HEAPU8?: Uint8Array };
  move(dataId: object, values: unknown, shape: number[], dtype: string, refCount: number): void;
}

class MallocFailed extends Error {
  constructor(readonly bytes: number) {
    super(`malloc(${bytes}) failed`);
  }
}

const guarded = new WeakSet<object>();
const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(2)} GiB`;

/** Make every tensor allocation on `backend` throw {@link WasmHeapFullError} instead of returning address 0. Idempotent. */
export function guardWasmHeap(backend: GuardedBackend): void {
  if (guarded.has(backend)) return;
  guarded.add(backend);
  const module = backend.wasm;
  const malloc = module._malloc.bind(module);
  module._malloc = (bytes: number): number => {
    if (bytes >= 2 ** 32) throw new MallocFailed(bytes);
    const pointer = malloc(bytes);
    if (pointer === 0 && bytes > 0) throw new MallocFailed(bytes);
    return pointer;
  };
  const move = backend.move.bind(backend);
  backend.move = (dataId, values, shape, dtype, refCount): void => {
    try {
      move(dataId, values, shape, dtype, refCount);
    } catch (error) {
      if (!(error instanceof MallocFailed)) throw error;
      const heapBytes = module.HEAPU8?.buffer.byteLength;
      throw new WasmHeapFullError(
        `the wasm heap cannot hold a ${dtype} tensor of shape [${shape.join(', ')}] (${error.bytes.toLocaleString('en-US')} bytes, ${gib(error.bytes)}): ` +
          `the heap is ${heapBytes !== undefined ? gib(heapBytes) : 'of unknown size'} and can grow to at most ${gib(WASM_HEAP_MAX_BYTES)} ` +
          '(shared by the wasm and native backends). Lower the batch size, sequence length or model width, or use the tensorflow backend, which has no such limit.',
      );
    }
  };
}
