/**
 * Real mixed execution: run a chain of Dense layers with each layer on a chosen tfjs backend
 * (cpu, wasm, native, tensorflow: whichever are registered), moving activations forward and
 * gradients backward across backend boundaries by reading them out (dataSync) and re-creating
 * them on the next backend. tfjs's engine has one active backend (tf.setBackend) and a
 * tensor's data lives on the backend that made it, so every segment gets its own copy of its
 * weights, created on its backend, and all its work runs while that backend is active.
 *
 * Backward is written out per layer (dZ = dY ⊙ step(Z) for ReLU, dW = Xᵀ·dZ, db = Σ dZ,
 * dX = dZ·Wᵀ, skipped for the first layer; transposes are explicit) so each gradient kernel
 * runs on its own segment's backend; the update is plain SGD. The loss is softmax cross-entropy on the last backend.
 */
import { UnsupportedError } from '../errors.ts';
import { tf, type LayersModel, type Tensor } from '../runtime/tf.ts';

/** One Dense layer's weights (row-major [inputs, units] kernel) and activation. */
export interface DenseSpec {
  name: string;
  inputs: number;
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  relu: boolean;
}

/** The Dense chain of a model made only of Dense layers (e.g. the zoo's mlp); others are rejected. */
export function denseChainOf(model: LayersModel): DenseSpec[] {
  const chain: DenseSpec[] = [];
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'InputLayer') continue;
    const config = layer.getConfig() as { activation?: string; useBias?: boolean; units?: number };
    if (className !== 'Dense' || (config.activation !== 'relu' && config.activation !== 'linear') || config.useBias === false) {
      throw new UnsupportedError(
        `mixed execution runs chains of Dense layers with relu/linear activation and bias; "${layer.name}" is a ${className} (${config.activation ?? 'no activation'})`,
      );
    }
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias) throw new UnsupportedError(`Dense layer "${layer.name}" has no kernel/bias`);
    chain.push({
      name: layer.name,
      inputs: kernel.shape[0] as number,
      units: kernel.shape[1] as number,
      kernel: kernel.dataSync() as Float32Array,
      bias: bias.dataSync() as Float32Array,
      relu: config.activation === 'relu',
    });
  }
  return chain;
}

/** What to run: the backend of each layer, the batch, and how many steps to time. */
export interface MixedRunOptions {
  /** tfjs backend name per Dense layer (same length as the chain). */
  backends: readonly string[];
  /** Row-major [batch, inputs] input. */
  input: Float32Array;
  /** Class index per sample. */
  labels: Int32Array;
  batchSize: number;
  mode: 'forward' | 'train';
  /** Timed steps at least (after `warmupSteps` untimed ones). */
  steps: number;
  /** Keep timing steps until this many seconds have passed too (at most 200 steps; default 0). */
  budgetSeconds?: number;
  warmupSteps?: number;
  learningRate?: number;
}

/** Timing and results of a mixed run. Seconds are wall time per step. */
export interface MixedRunResult {
  /** Median over timed steps, seconds. */
  medianStepSeconds: number;
  stepSeconds: number[];
  /** Number of backend boundaries crossed per direction. */
  boundaries: number;
  /** Cross-entropy (nats) of the last step's forward pass. */
  lastLoss: number;
  /** Final weights (kernel, bias per layer), read back after the run. */
  weights: Array<{ kernel: Float32Array; bias: Float32Array }>;
}

interface Segment {
  backend: string;
  layers: Array<{ spec: DenseSpec; index: number; w: tf.Variable; b: tf.Variable }>;
}

async function activate(backend: string): Promise<void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new UnsupportedError(`tfjs backend "${backend}" could not be activated`);
}

/** Forward (and, in train mode, backward + SGD update) of one batch; returns the loss. */
async function step(segments: Segment[], options: MixedRunOptions): Promise<number> {
  const train = options.mode === 'train';
  const saved: Array<Array<{ x: Tensor; z: Tensor }>> = segments.map(() => []);
  let carry: Float32Array = options.input;
  let width = segments[0]?.layers[0]?.spec.inputs ?? 0;
  let lossValue = 0;
  let dCarry: Float32Array | undefined;
  for (const [s, seg] of segments.entries()) {
    await activate(seg.backend);
    let x: Tensor = tf.tensor2d(carry, [options.batchSize, width]);
    for (const layer of seg.layers) {
      const input = x;
      const z = tf.tidy(() => tf.add(tf.matMul(input, layer.w), layer.b));
      const a = layer.spec.relu ? tf.relu(z) : z;
      if (train) (saved[s] as Array<{ x: Tensor; z: Tensor }>).push({ x, z });
      else {
        x.dispose();
        if (a !== z) z.dispose();
      }
      x = a;
      width = layer.spec.units;
    }
    if (s < segments.length - 1)
      carry = x.dataSync() as Float32Array; // the boundary move, read side
    else {
      // softmax cross-entropy and its gradient (p − y)/batch, on the last backend
      const logits = x;
      tf.tidy(() => {
        const labels = tf.oneHot(tf.tensor1d(options.labels, 'int32'), width).toFloat();
        const p = tf.softmax(logits);
        lossValue = -(tf.sum(tf.mul(labels, tf.log(tf.add(p, 1e-12)))).dataSync()[0] as number) / options.batchSize;
        if (train) dCarry = tf.div(tf.sub(p, labels), options.batchSize).dataSync() as Float32Array;
      });
    }
    if (!train || x !== saved[s]?.at(-1)?.z) x.dispose();
  }
  if (!train || !dCarry) return lossValue;
  const lr = options.learningRate ?? 0.01;
  for (let s = segments.length - 1; s >= 0; s--) {
    const seg = segments[s] as Segment;
    await activate(seg.backend);
    let dy: Tensor = tf.tensor2d(dCarry as Float32Array, [options.batchSize, seg.layers.at(-1)?.spec.units ?? 0]);
    for (let l = seg.layers.length - 1; l >= 0; l--) {
      const layer = seg.layers[l] as Segment['layers'][number];
      const { x, z } = (saved[s] as Array<{ x: Tensor; z: Tensor }>)[l] as { x: Tensor; z: Tensor };
      const incoming = dy;
      const dx = tf.tidy(() => {
        const dz = layer.spec.relu ? tf.mul(incoming, tf.step(z)) : incoming;
        // dX uses the weights before this step's update
        // Explicit transposes: tfjs-wasm's matMul with transpose flags measured 6–10× slower than
        // transpose + plain matMul here (perf/placement.ts prints the ratio per backend).
        const grad = layer.index === 0 ? undefined : tf.matMul(dz, tf.transpose(layer.w));
        layer.w.assign(tf.sub(layer.w, tf.mul(tf.matMul(tf.transpose(x), dz), lr)));
        layer.b.assign(tf.sub(layer.b, tf.mul(tf.sum(dz, 0), lr)));
        return grad;
      });
      tf.dispose([x, z, incoming]);
      if (!dx) break;
      dy = dx;
    }
    if (s > 0) {
      dCarry = dy.dataSync() as Float32Array;
      dy.dispose();
    }
  }
  return lossValue;
}

/**
 * Build per-segment weights on their backends, run warm-up and timed steps, read the weights
 * back, free everything, and restore the backend that was active before.
 */
export async function runMixed(chain: readonly DenseSpec[], options: MixedRunOptions): Promise<MixedRunResult> {
  if (options.backends.length !== chain.length) throw new UnsupportedError(`runMixed: ${options.backends.length} backends for ${chain.length} layers`);
  const previous = tf.getBackend();
  const segments: Segment[] = [];
  chain.forEach((spec, index) => {
    const backend = options.backends[index] as string;
    const tail = segments.at(-1);
    if (tail && tail.backend === backend) tail.layers.push({ spec, index, w: undefined as never, b: undefined as never });
    else segments.push({ backend, layers: [{ spec, index, w: undefined as never, b: undefined as never }] });
  });
  try {
    for (const seg of segments) {
      await activate(seg.backend);
      for (const layer of seg.layers) {
        const kernel = tf.tensor2d(layer.spec.kernel, [layer.spec.inputs, layer.spec.units]);
        const bias = tf.tensor1d(layer.spec.bias);
        layer.w = tf.variable(kernel);
        layer.b = tf.variable(bias);
        tf.dispose([kernel, bias]);
      }
    }
    for (let i = 0; i < (options.warmupSteps ?? 1); i++) await step(segments, options);
    const stepSeconds: number[] = [];
    let lastLoss = 0;
    const begin = performance.now();
    const budgetMs = (options.budgetSeconds ?? 0) * 1000;
    while (stepSeconds.length < options.steps || (performance.now() - begin < budgetMs && stepSeconds.length < 200)) {
      const start = performance.now();
      lastLoss = await step(segments, options);
      stepSeconds.push((performance.now() - start) / 1000);
    }
    const sorted = [...stepSeconds].sort((a, b) => a - b);
    const weights = segments.flatMap((seg) => seg.layers.map((l) => ({ kernel: l.w.dataSync() as Float32Array, bias: l.b.dataSync() as Float32Array })));
    return { medianStepSeconds: sorted[Math.floor(sorted.length / 2)] as number, stepSeconds, boundaries: segments.length - 1, lastLoss, weights };
  } finally {
    for (const seg of segments) for (const l of seg.layers) tf.dispose([l.w, l.b].filter(Boolean));
    if (previous) await tf.setBackend(previous);
  }
}
