import { describe, expect, it } from 'vitest';
import { additionLayout, additionProblemCount, encodeAddition, generateAddition, EQUALS_TOKEN, PLUS_TOKEN } from '../../../src/bench/data/addition.ts';
import { createRng } from '../../../src/util/rng.ts';

describe('addition task data', () => {
  it('encodes a + b = reversed sum, zero padded', () => {
    expect(encodeAddition(47, 195, 3)).toEqual([0, 4, 7, PLUS_TOKEN, 1, 9, 5, EQUALS_TOKEN, 2, 4, 2, 0]);
    expect(encodeAddition(999, 999, 3)).toEqual([9, 9, 9, PLUS_TOKEN, 9, 9, 9, EQUALS_TOKEN, 8, 9, 9, 1]);
  });

  it('lays targets one token ahead and scores only the answer', () => {
    const layout = additionLayout(2);
    expect(layout).toEqual({ digits: 2, inputLength: 8, answerStart: 5, answerLength: 3 });
    const { train } = generateAddition(createRng(1), { digits: 2, trainCount: 20, testCount: 5 });
    for (let i = 0; i < train.count; i++) {
      const [a, b] = train.pairs[i] as [number, number];
      const row = Array.from(train.targets.subarray(i * 8, i * 8 + 8));
      const answer = row.slice(5, 8).reverse().join('');
      expect(Number(answer)).toBe(a + b);
      expect(train.inputs[i * 8 + 1]).toBe(row[0]); // input shifted by one
    }
  });

  it('draws distinct problems, none shared between train and test, reproducibly', () => {
    const one = generateAddition(createRng(3), { digits: 2, trainCount: 300, testCount: 100 });
    const two = generateAddition(createRng(3), { digits: 2, trainCount: 300, testCount: 100 });
    expect(one.train.pairs).toEqual(two.train.pairs);
    const keys = [...one.train.pairs, ...one.test.pairs].map(([a, b]) => `${a}+${b}`);
    expect(new Set(keys).size).toBe(400);
    expect(() => generateAddition(createRng(3), { digits: 1, trainCount: 60, testCount: 0 })).toThrow(/distinct problems/);
  });
});

describe('addition split: no leak through commutativity', () => {
  it.each([2, 3, 4])("no test problem or its twin b + a is in training at %i digits (the zoo's own counts)", (digits) => {
    const capacity = additionProblemCount(digits);
    // (10^d)(10^d + 1)/2 unordered problems, by hand: 2 digits → 100·101/2 = 5,050.
    expect(capacity).toBe({ 2: 5050, 3: 500500, 4: 50005000 }[digits]);
    const trainCount = Math.min(10_000, Math.floor(capacity / 1.1));
    const testCount = Math.min(Math.max(100, Math.round(trainCount / 10)), capacity - trainCount);
    const { train, test } = generateAddition(createRng(digits), { digits, trainCount, testCount });
    const unorderedKey = ([a, b]: [number, number]) => `${Math.min(a, b)}+${Math.max(a, b)}`;
    const trainKeys = new Set(train.pairs.map(unorderedKey));
    const overlap = test.pairs.filter((p) => trainKeys.has(unorderedKey(p)) || trainKeys.has(unorderedKey([p[1], p[0]])));
    expect(overlap).toEqual([]);
    expect(new Set(test.pairs.map(unorderedKey)).size).toBe(test.count); // no twin inside one side either
    expect(train.count + test.count).toBe(trainCount + testCount);
  });

  it.each([2, 3])('draws validation from the training side only: no validation problem (or twin) in test or training at %i digits', (digits) => {
    const capacity = additionProblemCount(digits);
    const trainCount = Math.min(10_000, Math.floor(capacity / 1.1));
    const testCount = Math.min(Math.max(100, Math.round(trainCount / 10)), capacity - trainCount);
    const validationCount = Math.round(trainCount / 10);
    const withValidation = generateAddition(createRng(digits), { digits, trainCount, testCount, validationCount });
    const without = generateAddition(createRng(digits), { digits, trainCount, testCount });
    const unorderedKey = ([a, b]: [number, number]) => `${Math.min(a, b)}+${Math.max(a, b)}`;
    const keys = (pairs: Array<[number, number]>) => new Set(pairs.map(unorderedKey));
    const test = keys(withValidation.test.pairs);
    const train = keys(withValidation.train.pairs);
    const validation = withValidation.validation.pairs.map(unorderedKey);
    expect(validation).toHaveLength(validationCount);
    expect(validation.filter((k) => test.has(k))).toEqual([]);
    expect(validation.filter((k) => train.has(k))).toEqual([]);
    // The validation problems are exactly problems the split without validation put on the training side.
    const formerTrain = keys(without.train.pairs);
    expect(validation.every((k) => formerTrain.has(k))).toBe(true);
    expect(withValidation.test.pairs).toEqual(without.test.pairs);
    expect(withValidation.train.count + validationCount).toBe(trainCount);
  });

  it('uses each order a + b and b + a (the model still sees both orientations)', () => {
    const { train } = generateAddition(createRng(5), { digits: 2, trainCount: 2000, testCount: 200 });
    const swapped = train.pairs.filter(([a, b]) => a > b).length;
    expect(swapped).toBeGreaterThan(800); // ~half of the pairs with a ≠ b are written larger-first
    expect(swapped).toBeLessThan(1200);
  });
});
