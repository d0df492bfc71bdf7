import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadMnistDigits, splitMnist, MNIST_PIXELS } from '../../../src/bench/data/mnist.ts';
import { createRng } from '../../../src/util/rng.ts';

const require = createRequire(import.meta.url);

describe('MNIST digits from the mnist package', () => {
  it('has the 10,000 digits of the package files, labelled by file', () => {
    const digits = loadMnistDigits();
    expect(digits.count).toBe(10_000);
    // Independent reference: count samples per class straight from each JSON file's length.
    for (let d = 0; d < 10; d++) {
      const path = require.resolve(`mnist/src/digits/${d}.json`);
      const perFile = (JSON.parse(readFileSync(path, 'utf8')) as { data: number[] }).data.length / MNIST_PIXELS;
      expect(digits.labels.filter((l) => l === d).length).toBe(perFile);
    }
    expect(Math.min(...digits.images.subarray(0, 50_000))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...digits.images.subarray(0, 50_000))).toBeLessThanOrEqual(1);
  });

  it('splits disjointly, reproducibly per seed, differently across seeds', () => {
    const a = splitMnist(createRng(7), { testFraction: 0.2 });
    const b = splitMnist(createRng(7), { testFraction: 0.2 });
    const c = splitMnist(createRng(8), { testFraction: 0.2 });
    // 2,000 test; a tenth of the other 8,000 (800) held out as validation; 7,200 trained on.
    expect(a.train.count + a.validation.count + a.test.count).toBe(10_000);
    expect(a.test.count).toBe(2000);
    expect(a.validation.count).toBe(800);
    expect(Array.from(a.test.labels)).toEqual(Array.from(b.test.labels));
    expect(a.test.images.subarray(0, 784 * 3)).toEqual(b.test.images.subarray(0, 784 * 3));
    expect(Array.from(a.test.labels.subarray(0, 50))).not.toEqual(Array.from(c.test.labels.subarray(0, 50)));
    // Disjoint: no test image appears among the training images (compare by content hash).
    const key = (images: Float32Array, i: number): string => images.subarray(i * 784, (i + 1) * 784).join(',');
    const train = new Set(Array.from({ length: a.train.count }, (_, i) => key(a.train.images, i)));
    let overlap = 0;
    for (let i = 0; i < 200; i++) if (train.has(key(a.test.images, i))) overlap++;
    expect(overlap).toBeLessThanOrEqual(1); // MNIST has a handful of exact duplicate images, not more
  });

  it('carves the validation set out of the training part by seed, never touching the test set', () => {
    const withValidation = splitMnist(createRng(11), { testFraction: 0.2, validationFraction: 0.25 });
    const again = splitMnist(createRng(11), { testFraction: 0.2, validationFraction: 0.25 });
    const smaller = splitMnist(createRng(11), { testFraction: 0.2, validationFraction: 0.05 });
    // The test set does not depend on how much validation is carved out.
    expect(Array.from(smaller.test.labels)).toEqual(Array.from(withValidation.test.labels));
    expect(Array.from(again.validation.labels)).toEqual(Array.from(withValidation.validation.labels));
    // Index-level check: rebuild every digit's identity by content and count overlaps (no validation digit in test or train).
    const key = (images: Float32Array, i: number): string => images.subarray(i * 784, (i + 1) * 784).join(',');
    const keys = (d: { images: Float32Array; count: number }): string[] => Array.from({ length: d.count }, (_, i) => key(d.images, i));
    const test = new Set(keys(withValidation.test));
    const train = new Set(keys(withValidation.train));
    const validation = keys(withValidation.validation);
    expect(validation).toHaveLength(2000);
    // MNIST holds a handful of exact duplicate images; a leak of the split would show hundreds.
    expect(validation.filter((k) => test.has(k)).length).toBeLessThanOrEqual(2);
    expect(validation.filter((k) => train.has(k)).length).toBeLessThanOrEqual(2);
  });
});
