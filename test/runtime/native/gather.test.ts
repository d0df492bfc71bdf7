/**
 * The native GatherV2 and UnsortedSegmentSum kernels (runtime/native/gather.ts): the embedding
 * lookup and its gradient, against tfjs's cpu backend at 1e-4 relative and against hand-worked values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/runtime/tf.ts';
import { addonHas, expectNativeMatchesCpu, setUpBackends } from './helpers.ts';

const kernels = addonHas('gather', 'segmentSum');

/** Output and the gradient wrt `table` of sum(f(table) · w) for a fixed weighting w. */
function withGrad(f: (table: tf.Tensor) => tf.Tensor): (table: tf.Tensor) => tf.Tensor[] {
  return (table) => {
    const y = f(table);
    const weights = tf.linspace(-1, 2, y.size).reshape(y.shape);
    return [y, tf.grad((t: tf.Tensor) => f(t).mul(weights).sum())(table)];
  };
}

/** Fixed indices in [0, range), with repeats (so the gradient must add rows). */
function indices(shape: number[], range: number): tf.Tensor {
  const count = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Int32Array.from({ length: count }, (_, i) => (i * 7 + 3) % range),
    shape,
    'int32',
  );
}

const nativeKernel = (name: string): boolean => tf.getKernel(name, 'native')?.kernelFunc !== tf.getKernel(name, 'wasm')?.kernelFunc;

describe.skipIf(!kernels.ok)(`native gather kernels${kernels.reason}`, () => {
  beforeAll(setUpBackends);

  it('are the native kernels, not the wasm ones', () => {
    expect(nativeKernel('GatherV2')).toBe(true);
    expect(nativeKernel('UnsortedSegmentSum')).toBe(true);
  });

  it('embedding lookup (a [4, 12] index batch from a 14 × 64 table): rows and the table gradient match cpu', async () => {
    await expectNativeMatchesCpu(
      [[14, 64]],
      withGrad((table) => tf.gather(table, indices([4, 12], 14))),
    );
  });

  it('gather along an inner axis: values and gradient match cpu', async () => {
    await expectNativeMatchesCpu(
      [[3, 9, 5]],
      withGrad((x) => tf.gather(x, indices([6], 9), 1)),
    );
  });

  it('gather with batch dims matches cpu', async () => {
    await expectNativeMatchesCpu([[3, 8, 4]], (x) => tf.gather(x, indices([3, 5], 8), 1, 1));
  });

  it('unsorted segment sum drops ids outside [0, segments) and matches cpu', async () => {
    const ids = (): tf.Tensor1D => tf.tensor1d([2, -1, 0, 2, 5, 1, 2], 'int32');
    await expectNativeMatchesCpu([[7, 3, 2]], (x) => tf.unsortedSegmentSum(x, ids(), 4));
  });

  it('hand-worked: rows [2, 0, 2] of [[1,2],[3,4],[5,6]], and the gradient of their sum counts each row', async () => {
    await tf.setBackend('native');
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const ids = tf.tensor1d([2, 0, 2], 'int32');
    expect(Array.from(await tf.gather(table, ids).data())).toEqual([5, 6, 1, 2, 5, 6]);
    const grad = tf.grad((t: tf.Tensor) => tf.gather(t, ids).sum())(table);
    expect(Array.from(await grad.data())).toEqual([1, 1, 0, 0, 2, 2]);
  });

  it('an index outside the table is an error naming it, as on wasm', async () => {
    await tf.setBackend('native');
    expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([1, 3], 'int32'))).toThrow(/index value 3 is not in \[0, 2\]/);
  });
});
