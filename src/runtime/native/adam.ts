/**
 * Adam with the whole per-variable update (moments, bias correction, step) fused into one native
 * pass when the `native` backend is active. tfjs's AdamOptimizer issues ~14 elementwise ops per
 * variable, each a full read/write of the parameter tensor; for the 784-512-512-10 MLP that was
 * about a third of a training step on wasm (profile in perf/peer.ts). Same state, same
 * serialisation and same arithmetic as tf.train.adam; on other backends it is tf.train.adam.
 */
import type { NamedTensorMap, Tensor, TensorInfo, Variable } from '@tensorflow/tfjs-core';

/** The gradients applyGradients receives (tfjs's NamedVariableMap | NamedTensor[]). */
type Gradients = Parameters<InstanceType<typeof tf.AdamOptimizer>['applyGradients']>[0];
import { tf } from '../tf.ts';
import type { BackendWasm } from '../wasm-kernels/heap.ts';
import { loadNativeAddon } from './addon.ts';
import { NATIVE_BACKEND } from './backend.ts';

/** AdamOptimizer's private state, reached by name (tfjs-core 4.22 adam_optimizer.ts). */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: Variable } | undefined>;
  incrementIterations(): void;
}

const info = (t: Tensor): TensorInfo => ({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });

/** Make `variable` the only holder of its buffer, so writing it in place changes nothing else. */
function makeExclusive(backend: BackendWasm, variable: Variable): void {
  if (backend.refCount(variable.dataId) > 1) tf.tidy(() => variable.assign(tf.mul(variable, 1)));
}

/** tf.train.adam whose update runs as one fused native pass per variable on the `native` backend. */
export class NativeAdamOptimizer extends tf.AdamOptimizer {
  static override get className(): string {
    // Serialises as plain Adam: the state and the arithmetic are the same.
    return 'Adam';
  }

  override applyGradients(variableGradients: Gradients): void {
    const state = loadNativeAddon();
    if (tf.getBackend() !== NATIVE_BACKEND || !state.ok) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamInternals;
    const backend = tf.backend() as unknown as BackendWasm;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    const oneMinusAccBeta1 = 1 - (self.accBeta1.dataSync()[0] as number);
    const oneMinusAccBeta2 = 1 - (self.accBeta2.dataSync()[0] as number);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name] as Variable;
      self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]?.tensor : (variableGradients as NamedTensorMap)[name];
      if (!gradient) return;
      const m = self.accumulatedFirstMoment[i].variable;
      const v = self.accumulatedSecondMoment[i].variable;
      if (value.dtype !== 'float32' || gradient.dtype !== 'float32') throw new Error(`Adam: variable ${name} is ${value.dtype}, not float32`);
      for (const variable of [value, m, v]) makeExclusive(backend, variable);
      // Views after the copies above: a heap allocation detaches earlier views.
      const view = (t: Tensor): Float32Array => backend.typedArrayFromHeap(info(t)) as Float32Array;
      state.addon.adam(
        view(value),
        view(gradient),
        view(m),
        view(v),
        self.learningRate,
        self.beta1,
        self.beta2,
        self.epsilon,
        oneMinusAccBeta1,
        oneMinusAccBeta2,
      );
    });
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}

/** Adam (tfjs defaults: β1 0.9, β2 0.999, ε = backend epsilon 1e-7), fused on the native backend. */
export function nativeAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): NativeAdamOptimizer {
  return new NativeAdamOptimizer(learningRate, beta1, beta2, epsilon);
}
