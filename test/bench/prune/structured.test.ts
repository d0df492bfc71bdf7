import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import type { Tensor } from '../../../src/runtime/tf.ts';
import { pruneOnce } from '../../../src/bench/prune/pruner.ts';
import { planStructured, structuredPolicy, unitL1Norms } from '../../../src/bench/prune/structured-plan.ts';
import { rebuildStructured } from '../../../src/bench/prune/structured.ts';
import { UnsupportedError } from '../../../src/errors.ts';
import { randomInput, randomiseBatchNormStats, tinyCnn, tinyMlp } from './models.ts';

function maxAbsDiff(a: Tensor, b: Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

describe('structured pruning', () => {
  it('scores units by the L1 norm of their kernel slice', () => {
    // Kernel [in=2, out=3] flattened row-major: rows (1, -2, 3), (-4, 5, 0.5) → unit norms 5, 7, 3.5.
    expect(Array.from(unitL1Norms([1, -2, 3, -4, 5, 0.5], 3))).toEqual([5, 7, 3.5]);
  });

  it('rebuilds a smaller CNN that computes the same outputs as the masked dense one', async () => {
    const model = tinyCnn(11);
    randomiseBatchNormStats(model);
    const policy = structuredPolicy(model);
    pruneOnce(policy, 0.5);
    const kept = policy.lastKept() as number[][];
    // 4 filters → keep 2; 6 filters → keep 3; 8 neurons → keep 4; the output layer keeps its 3.
    expect(kept.map((k) => k.length)).toEqual([2, 3, 4, 3]);
    const smaller = await rebuildStructured(model, policy.plan, kept);
    const x = randomInput([5, 8, 8, 2]);
    const dense = model.predict(x) as Tensor;
    const small = smaller.predict(x) as Tensor;
    expect(small.shape).toEqual([5, 3]);
    expect(maxAbsDiff(dense, small)).toBeLessThan(1e-5);
    expect(smaller.countParams()).toBeLessThan(model.countParams());
    // By hand: conv1 3·3·2·2+2, BN 4·2, conv2 3·3·2·3+3, BN 4·3, dense 2·2·3·4+4 (4×4 pooled → 2×2 after valid conv), out 4·3+3.
    expect(smaller.countParams()).toBe(38 + 8 + 57 + 12 + 52 + 15);
  });

  it('keeps the most important units: the ones with the largest L1 norm survive', async () => {
    const model = tinyMlp(2);
    const first = model.layers[0]!;
    const [kernel, bias] = first.getWeights();
    // Make unit 5 and unit 9 dominant.
    const values = (kernel as Tensor).arraySync() as number[][];
    for (const row of values) {
      row[5] = 10;
      row[9] = -10;
    }
    first.setWeights([tf.tensor(values), bias as Tensor]);
    const policy = structuredPolicy(model);
    pruneOnce(policy, 0.875); // 16 units → keep 2
    expect(policy.lastKept()?.[0]).toEqual([5, 9]);
    const smaller = await rebuildStructured(model, policy.plan, policy.lastKept() as number[][]);
    const x = randomInput([7, 4], 9);
    expect(maxAbsDiff(model.predict(x) as Tensor, smaller.predict(x) as Tensor)).toBeLessThan(1e-5);
  });

  it('refuses models it cannot shrink exactly, naming the layer', () => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [3], units: 4, activation: 'sigmoid' }));
    m.add(tf.layers.dense({ units: 2 }));
    expect(() => planStructured(m)).toThrow(UnsupportedError);
    expect(() => planStructured(m)).toThrow(/sigmoid/);
  });
});
