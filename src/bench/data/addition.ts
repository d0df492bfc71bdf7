/**
 * Multi-digit addition as a next-token task for the tiny transformer, generated from a seeded
 * RNG (nothing downloaded). A sample with `digits` = 3 reads
 *
 *     0 4 7 + 1 9 5 = 2 4 2 0      (47 + 195 = 242, answer written least significant digit first)
 *
 * Operands are zero padded to `digits`; the answer has `digits` + 1 digits, reversed so the
 * model can produce each digit after seeing the carry from the one before (a common trick for
 * learning addition with small transformers). The model reads tokens 0..L-2 and predicts
 * tokens 1..L-1; only the answer positions are scored. Exact match = every answer digit right.
 */
import type { Rng } from '../../util/rng.ts';

/** Token ids: digits 0–9 are themselves, then '+' and '='. */
export const PLUS_TOKEN = 10;
export const EQUALS_TOKEN = 11;
export const ADDITION_VOCAB_SIZE = 12;

/** Geometry of the sequences for a given operand length. */
export interface AdditionLayout {
  digits: number;
  /** Tokens the model reads per sample (= full sequence length − 1). */
  inputLength: number;
  /** Index in the target sequence of the first answer digit. */
  answerStart: number;
  /** Answer digits per sample (digits + 1). */
  answerLength: number;
}

/** Generated samples: `inputs` and `targets` are [count, inputLength] row-major token ids. */
export interface AdditionData extends AdditionLayout {
  count: number;
  inputs: Int32Array;
  targets: Int32Array;
  /** The operand pairs, for checks and display. */
  pairs: Array<[number, number]>;
}

/** Sequence layout for `digits`-digit operands (digits ≥ 1). */
export function additionLayout(digits: number): AdditionLayout {
  if (!Number.isInteger(digits) || digits < 1 || digits > 7) throw new RangeError(`addition digits must be an integer in [1, 7] (got ${digits})`);
  const fullLength = 3 * digits + 3; // a + b = c, c has digits+1 digits
  return { digits, inputLength: fullLength - 1, answerStart: 2 * digits + 1, answerLength: digits + 1 };
}

/** Tokens of one full sequence a + b = reverse(a + b). */
export function encodeAddition(a: number, b: number, digits: number): number[] {
  const pad = (n: number, width: number): number[] => String(n).padStart(width, '0').split('').map(Number);
  const answer = pad(a + b, digits + 1).reverse();
  return [...pad(a, digits), PLUS_TOKEN, ...pad(b, digits), EQUALS_TOKEN, ...answer];
}

/**
 * Generate `trainCount` + `testCount` distinct problems (no operand pair in both sets), split
 * into train and test. Requires (10^digits)² ≥ 2 × total so the draw ends quickly.
 */
export function generateAddition(rng: Rng, options: { digits: number; trainCount: number; testCount: number }): { train: AdditionData; test: AdditionData } {
  const layout = additionLayout(options.digits);
  const range = 10 ** layout.digits;
  const total = options.trainCount + options.testCount;
  if (range * range < 2 * total) {
    throw new RangeError(`addition: ${total} distinct problems need more than ${layout.digits}-digit operands (at most ${(range * range) / 2})`);
  }
  const seen = new Set<number>();
  const pairs: Array<[number, number]> = [];
  while (pairs.length < total) {
    const a = rng.int(range);
    const b = rng.int(range);
    const key = a * range + b;
    if (seen.has(key)) continue;
    seen.add(key);
    pairs.push([a, b]);
  }
  const build = (chosen: Array<[number, number]>): AdditionData => {
    const inputs = new Int32Array(chosen.length * layout.inputLength);
    const targets = new Int32Array(chosen.length * layout.inputLength);
    chosen.forEach(([a, b], i) => {
      const tokens = encodeAddition(a, b, layout.digits);
      inputs.set(tokens.slice(0, -1), i * layout.inputLength);
      targets.set(tokens.slice(1), i * layout.inputLength);
    });
    return { ...layout, count: chosen.length, inputs, targets, pairs: chosen };
  };
  return { train: build(pairs.slice(0, options.trainCount)), test: build(pairs.slice(options.trainCount)) };
}
