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

/** Distinct problems a + b with `digits`-digit operands, counting a + b and b + a as one. */
export function additionProblemCount(digits: number): number {
  const range = 10 ** additionLayout(digits).digits;
  return (range * (range + 1)) / 2;
}

/** How the train/test split is made, for records and reports. */
export const ADDITION_SPLIT_NOTE =
  'problems drawn without replacement as unordered pairs {a, b} (a + b and b + a are one problem), each shown in one random order; ' +
  'every problem is on one side only, so no test problem or its commuted twin is in training; the validation problems (which decide when training stops) ' +
  'are carved out of the training side, never the test side';

/**
 * Generate `trainCount` + `testCount` distinct problems and split them into train and test;
 * `validationCount` (default 0) of the `trainCount` training problems are held out as validation.
 * A problem is the unordered pair {a, b}: a + b and b + a are the same sum, so a split of
 * ordered pairs would leak test answers through commutativity (at 2 digits, 209 of 455 test
 * problems had their twin in training). Each problem is written in one random order. Small
 * problem spaces (≤ 2M problems) are enumerated and shuffled, larger ones drawn by rejection.
 */
export function generateAddition(
  rng: Rng,
  options: { digits: number; trainCount: number; testCount: number; validationCount?: number },
): { train: AdditionData; validation: AdditionData; test: AdditionData } {
  const validationCount = options.validationCount ?? 0;
  if (!(Number.isInteger(validationCount) && validationCount >= 0 && validationCount < options.trainCount)) {
    throw new RangeError(`addition: validationCount must be an integer in [0, trainCount) (got ${validationCount} of ${options.trainCount})`);
  }
  const layout = additionLayout(options.digits);
  const range = 10 ** layout.digits;
  const capacity = additionProblemCount(layout.digits);
  const total = options.trainCount + options.testCount;
  if (total > capacity) {
    throw new RangeError(
      `addition: ${total} distinct problems need more than ${layout.digits}-digit operands (there are ${capacity}, counting a + b and b + a as one)`,
    );
  }
  const unordered: Array<[number, number]> = [];
  if (capacity <= 2_000_000) {
    const all: Array<[number, number]> = [];
    for (let a = 0; a < range; a++) for (let b = a; b < range; b++) all.push([a, b]);
    for (let i = 0; i < total; i++) {
      const j = i + rng.int(all.length - i); // partial Fisher–Yates: the first `total` of a uniform shuffle
      [all[i], all[j]] = [all[j] as [number, number], all[i] as [number, number]];
      unordered.push(all[i] as [number, number]);
    }
  } else {
    const seen = new Set<number>();
    while (unordered.length < total) {
      const x = rng.int(range);
      const y = rng.int(range);
      const [a, b] = x <= y ? [x, y] : [y, x];
      const key = a * range + b;
      if (seen.has(key)) continue;
      seen.add(key);
      unordered.push([a, b]);
    }
  }
  const pairs = unordered.map(([a, b]): [number, number] => (rng.int(2) === 0 ? [a, b] : [b, a]));
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
  // The validation problems are the last of the training side: the test side is the same with or without them.
  const trainEnd = options.trainCount - validationCount;
  return { train: build(pairs.slice(0, trainEnd)), validation: build(pairs.slice(trainEnd, options.trainCount)), test: build(pairs.slice(options.trainCount)) };
}
