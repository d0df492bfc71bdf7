/**
 * The tensors tfjs keeps for a backward pass, without a kernel launch each. tfjs-core 4.22's engine
 * saves every tensor a gradient needs through Engine.clone (engine.ts): a full Identity kernel
 * dispatch, plus a tape node so that second-order gradients can flow through the saved copy. On
 * the native backend Identity is only a reference-count increment on the shared heap buffer
 * (runtime/native/training.ts), so the dispatch is all overhead: 32 of the 43 launches of a
 * fused-transformer training step. This clone makes the same tensor (same data id, count + 1)
 * and the same tape node directly; on any other backend, and for strings, it is tfjs's own.
 */
import { tf } from '../tf.ts';

/** The Engine members the clone reads (tfjs-core 4.22 engine.ts; the runtime canary test checks they exist). */
interface EngineInternals {
  clone(x: tf.Tensor): tf.Tensor;
  state: { tensorInfo: WeakMap<object, { backend: { incRef(dataId: object): void } }>; activeScope: { name: string } };
  makeTensorFromTensorInfo(info: { dataId: object; shape: number[]; dtype: tf.DataType }, backend: unknown): tf.Tensor;
  addTapeNode(
    kernelName: string,
    inputs: tf.NamedTensorMap,
    outputs: tf.Tensor[],
    gradient: (dy: tf.Tensor) => Record<string, () => tf.Tensor>,
    saved: tf.Tensor[],
    attrs: object,
  ): void;
  runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor;
}

let installed = false;

/** Install the launch-free clone on the engine for backend `nativeBackendName`. Idempotent. */
export function shareSavedTensorsOnNative(nativeBackendName: string): void {
  if (installed) return;
  installed = true;
  const engine = tf.engine() as unknown as EngineInternals;
  const original = engine.clone.bind(engine);
  engine.clone = function (this: EngineInternals, x: tf.Tensor): tf.Tensor {
    const info = this.state.tensorInfo.get(x.dataId);
    if (tf.getBackend() !== nativeBackendName || x.dtype === 'string' || !info) return original(x);
    info.backend.incRef(x.dataId);
    const y = this.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype }, info.backend);
    // The tape node Engine.clone adds: the gradient passes through (cast to float32, as tfjs's).
    this.addTapeNode(this.state.activeScope.name, { x }, [y], (dy) => ({ x: () => this.runKernel('Cast', { x: dy }, { dtype: 'float32' }) }), [], {});
    return y;
  };
}
