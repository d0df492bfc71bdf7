/**
 * tf.layers.dense on the `native` backend as one linear-projection kernel each way
 * (runtime/linear.ts) instead of tfjs-layers' `dot`: on a [B, T, d] input that reshapes, transposes
 * the kernel by [0, 1], runs tf.fused.matMul and reshapes back, ~12 tfjs kernels per training step
 * with their gradients, each paying the engine's per-kernel overhead. Same GEMM, bias and ReLU,
 * same weights and serialisation: only Dense.call is routed, and only for linear or ReLU layers
 * with a bias on float32 input while `native` is the active backend; everything else is
 * tfjs-layers' own call.
 */
import { tf, type Tensor } from './tf.ts';
import { linear } from './linear.ts';
import { NATIVE_BACKEND } from './native/backend.ts';
import { LINEAR_KERNELS } from './native/linear.ts';

/** The parts of tfjs-layers' Dense (4.22, layers/core.ts) the routed call reads. */
interface DenseInternals {
  kernel: { read(): Tensor } | null;
  bias: { read(): Tensor } | null;
  activation: { getClassName(): string } | null;
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): void;
}

type Call = (this: DenseInternals, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

let routed = false;

/** Route Dense.call through {@link linear} on the native backend. Idempotent; a no-op if tfjs-layers' Dense is not registered. */
export function routeDenseLayersThroughLinear(): void {
  if (routed) return;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap.Dense as [{ prototype: { call: Call } }, unknown] | undefined;
  if (!entry) return;
  routed = true;
  const prototype = entry[0].prototype;
  const original = prototype.call;
  prototype.call = function (this: DenseInternals, inputs, kwargs) {
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : undefined) : inputs;
    const activation = this.activation?.getClassName();
    const applies =
      tf.getBackend() === NATIVE_BACKEND &&
      tf.getKernel(LINEAR_KERNELS.linear, NATIVE_BACKEND) !== undefined &&
      input !== undefined &&
      input.dtype === 'float32' &&
      input.rank >= 2 &&
      this.kernel !== null &&
      this.bias !== null &&
      (activation === 'linear' || activation === 'relu');
    if (!applies) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      return linear(input, (this.kernel as { read(): Tensor }).read(), (this.bias as { read(): Tensor }).read(), activation);
    });
  };
}
