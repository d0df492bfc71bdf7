/**
 * Canary for the TensorFlow.js internals runtime/ relies on. They are not public API, so a tfjs
 * upgrade can move them without a type error; this test fails loudly, naming what moved and
 * which costsim file depends on it, before a silent fallback or a wrong gradient could.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { initRuntime, tf } from '../../src/runtime/index.ts';

const require = createRequire(import.meta.url);
/** The tfjs release whose internals the files named below were written against. */
const WRITTEN_AGAINST = '4.22.0';

function expectMember(holder: object, member: string, usedBy: string): void {
  const has = member in holder || typeof (holder as Record<string, unknown>)[member] !== 'undefined';
  expect(has, `tfjs internal "${member}" is gone (${usedBy} relies on it; written against tfjs ${WRITTEN_AGAINST})`).toBe(true);
}

describe(`tfjs internals runtime/ relies on (written against ${WRITTEN_AGAINST})`, () => {
  it('the installed tfjs-core and tfjs-backend-wasm are the release runtime/ was written against', () => {
    // A new release may keep every member below and still change behaviour: re-run the native
    // and wasm-kernel tests against the cpu backend, then move WRITTEN_AGAINST.
    expect((require('@tensorflow/tfjs-core/package.json') as { version: string }).version).toBe(WRITTEN_AGAINST);
    expect((require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version).toBe(WRITTEN_AGAINST);
  });

  it('the engine exposes its backend registry, registered variables and runKernel', async () => {
    await initRuntime({ flag: 'wasm' });
    const engine = tf.engine() as unknown as Record<string, unknown>;
    expectMember(engine, 'registry', 'src/runtime/memory.ts, src/runtime/native/backend.ts');
    expectMember(engine, 'registeredVariables', 'src/runtime/native/adam.ts');
    expectMember(engine, 'runKernel', 'src/runtime/native/*.ts');
    expect((engine.registry as Record<string, unknown>).wasm, 'engine().registry.wasm holds the wasm backend instance').toBeDefined();
  });

  it('the engine saves tensors for backward through clone, with the state and methods the launch-free clone reads', async () => {
    await initRuntime({ flag: 'wasm' });
    const engine = tf.engine() as unknown as Record<string, unknown> & { state: Record<string, unknown> };
    for (const member of ['clone', 'makeTensorFromTensorInfo', 'addTapeNode', 'runKernel', 'state'])
      expectMember(engine, member, 'src/runtime/native/saved-tensors.ts');
    expectMember(engine.state, 'tensorInfo', 'src/runtime/native/saved-tensors.ts');
    // The active scope's name labels the tape node (set inside any scope, as every gradient runs in one).
    let scopeName: unknown;
    tf.tidy(() => {
      scopeName = (engine.state.activeScope as { name?: unknown } | undefined)?.name;
    });
    expect(typeof scopeName, 'engine.state.activeScope.name').toBe('string');
    // A saved tensor goes through clone: tf.mul saves both inputs, so its gradient calls it twice.
    const original = engine.clone as (x: tf.Tensor) => tf.Tensor;
    let clones = 0;
    engine.clone = function (this: unknown, x: tf.Tensor) {
      clones++;
      return original.call(this, x);
    };
    try {
      const x = tf.tensor1d([1, 2]);
      tf.dispose(tf.grad((v: tf.Tensor) => tf.mul(v, v).sum())(x));
      x.dispose();
    } finally {
      engine.clone = original;
    }
    expect(clones, 'Engine.clone saves the inputs of tf.mul for its gradient').toBeGreaterThanOrEqual(2);
  });

  it('tfjs-layers models run through LayersModel.prototype.call, which the transformer route replaces', () => {
    expect(typeof (tf.LayersModel.prototype as unknown as { call?: unknown }).call, 'src/bench/zoo/transformer-plan.ts routes it').toBe('function');
  });

  it('the wasm backend exposes its heap and reference counts', async () => {
    await initRuntime({ flag: 'wasm' });
    const backend = (tf.engine() as unknown as { registry: Record<string, object> }).registry.wasm as object;
    for (const member of ['typedArrayFromHeap', 'makeOutput', 'refCount', 'incRef', 'disposeData', 'wasm']) {
      expectMember(backend, member, 'src/runtime/wasm-kernels/heap.ts, src/runtime/native/*.ts');
    }
    // The heap view is the tensor's data, not a copy: writing it changes the tensor.
    const t = tf.tensor1d([1, 2, 3]);
    const view = (backend as { typedArrayFromHeap(info: unknown): Float32Array }).typedArrayFromHeap({ dataId: t.dataId, shape: t.shape, dtype: t.dtype });
    view[1] = 7;
    expect(Array.from(t.dataSync())).toEqual([1, 7, 3]);
    t.dispose();
  });

  it('AdamOptimizer keeps the private state the fused native Adam reads, under the same names', async () => {
    await initRuntime({ flag: 'wasm' });
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'canary-w');
    const adam = tf.train.adam(0.1);
    adam.minimize(() => w.square().sum() as tf.Scalar);
    const internals = adam as unknown as Record<string, unknown>;
    for (const member of [
      'learningRate',
      'beta1',
      'beta2',
      'epsilon',
      'accBeta1',
      'accBeta2',
      'accumulatedFirstMoment',
      'accumulatedSecondMoment',
      'incrementIterations',
    ]) {
      expectMember(internals, member, 'src/runtime/native/adam.ts');
    }
    const first = internals.accumulatedFirstMoment as Array<{ originalName: string; variable: tf.Variable }>;
    expect(first[0]?.originalName, 'accumulatedFirstMoment[i].originalName is "<variable>/m", as adam.ts writes it').toBe('canary-w/m');
    // After one step from zero moments, m = (1 − β1)·g with g = 2w: a hand check that the
    // moments mean what adam.ts assumes.
    expect(Array.from(first[0]!.variable.dataSync()).map((x) => Number(x.toFixed(6)))).toEqual([0.2, -0.4]);
    adam.dispose();
    w.dispose();
  });

  it('kernels are registered per backend as { kernelName, kernelFunc } configs the kernel timer can wrap', async () => {
    await initRuntime({ flag: 'wasm' });
    const configs = tf.getKernelsForBackend('wasm');
    expect(configs.length, 'tf.getKernelsForBackend lists the wasm kernels (src/runtime/kernel-timer.ts)').toBeGreaterThan(50);
    const matMul = tf.getKernel('BatchMatMul', 'wasm');
    expect(typeof matMul?.kernelFunc, 'BatchMatMul kernelFunc (src/runtime/kernel-timer.ts, src/runtime/native/matmul.ts)').toBe('function');
  });
});
