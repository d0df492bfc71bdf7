import { describe, expect, it } from 'vitest';
import { additionLayout, encodeAddition, generateAddition, EQUALS_TOKEN, PLUS_TOKEN } from '../../../src/bench/data/addition.ts';
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
