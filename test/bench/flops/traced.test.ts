import { describe, expect, it } from 'vitest';
import { defaultLoaders, initRuntime, probeBackends, tf } from '../../../src/runtime/index.ts';
import { countFlops } from '../../../src/bench/flops/analytic.ts';
import { kernelFlops, traceFlops, countKernels } from '../../../src/bench/flops/traced.ts';
import { buildZooModel } from '../../../src/bench/zoo/index.ts';
import { trainStep } from '../../../src/bench/train/loop.ts';

const SMALL = {
  mlp: { width: 32, depth: 2 },
  cnn: { filters1: 4, filters2: 8, dense: 16 },
  transformer: { dModel: 16, heads: 2, layers: 1, digits: 2 },
} as const;

describe('kernel FLOP formulas', () => {
  it('matmul: 2·M·N·K, with K recovered from sizes whatever the transposes', () => {
    expect(
      kernelFlops({
        name: 'BatchMatMul',
        inputShapes: [
          [2, 3],
          [3, 4],
        ],
        outputShapes: [[2, 4]],
      }).flops,
    ).toBe(2 * 2 * 4 * 3);
    // aᵀ·b with a = [K=5, M=2]: out [2, 7]
    expect(
      kernelFlops({
        name: 'BatchMatMul',
        inputShapes: [
          [5, 2],
          [5, 7],
        ],
        outputShapes: [[2, 7]],
      }).flops,
    ).toBe(2 * 2 * 7 * 5);
    // batched with a broadcast a: [1, 3, 4] · [6, 4, 2] → [6, 3, 2]
    expect(
      kernelFlops({
        name: 'BatchMatMul',
        inputShapes: [
          [1, 3, 4],
          [6, 4, 2],
        ],
        outputShapes: [[6, 3, 2]],
      }).flops,
    ).toBe(2 * 6 * 3 * 2 * 4);
  });

  it('conv2d and its two gradients each cost 2·N·Ho·Wo·Co·kh·kw·Ci', () => {
    const forward = 2 * 2 * 8 * 8 * 5 * 3 * 3 * 4;
    expect(
      kernelFlops({
        name: 'Conv2D',
        inputShapes: [
          [2, 8, 8, 4],
          [3, 3, 4, 5],
        ],
        outputShapes: [[2, 8, 8, 5]],
      }).flops,
    ).toBe(forward);
    expect(
      kernelFlops({
        name: 'Conv2DBackpropInput',
        inputShapes: [
          [2, 8, 8, 5],
          [3, 3, 4, 5],
        ],
        outputShapes: [[2, 8, 8, 4]],
      }).flops,
    ).toBe(forward);
    expect(
      kernelFlops({
        name: 'Conv2DBackpropFilter',
        inputShapes: [
          [2, 8, 8, 4],
          [2, 8, 8, 5],
        ],
        outputShapes: [[3, 3, 4, 5]],
      }).flops,
    ).toBe(forward);
  });

  it('skips op wrappers (names ending in __op) so nothing is counted twice', () => {
    const counted = countKernels([
      {
        name: 'matMul__op',
        inputShapes: [
          [2, 3],
          [3, 4],
        ],
        outputShapes: [[2, 4]],
      },
      {
        name: 'BatchMatMul',
        inputShapes: [
          [2, 3],
          [3, 4],
        ],
        outputShapes: [[2, 4]],
      },
      { name: 'Reshape', inputShapes: [[2, 4]], outputShapes: [[8]] },
    ]);
    expect(counted.matmulConvFlops).toBe(48);
    expect(counted.kernelCount).toBe(2);
  });
});

// Every backend available here (wasm and cpu always; native where its addon is built).
const backends = (await probeBackends(defaultLoaders())).filter((p) => p.available).map((p) => p.name);

for (const backend of backends) {
  describe(`traced vs analytic on ${backend}`, () => {
    for (const name of ['mlp', 'cnn', 'transformer'] as const) {
      it(`${name}: matmul/conv FLOPs of one training step agree within 5%`, async () => {
        await initRuntime({ flag: backend });
        const { model, task } = buildZooModel(name, { seed: 3, dataLimit: 300, ...SMALL[name] });
        const batch = 8;
        const optimizer = tf.train.adam(1e-3);
        const indices = Int32Array.from({ length: batch }, (_, i) => i);
        const traced = await traceFlops(() => {
          trainStep(model, task, optimizer, indices, 1, false);
        });
        const analytic = countFlops(model, { batchSize: batch }).totals.matmulTrainStepFlops;
        expect(traced.matmulConvFlops).toBeGreaterThan(0);
        expect(Math.abs(traced.matmulConvFlops - analytic) / analytic).toBeLessThan(0.05);
        optimizer.dispose();
        model.dispose();
        task.dispose();
      });
    }
  });
}

describe.skipIf(!backends.includes('native'))('the fused transformer kernels count the per-op path’s GEMMs', () => {
  it('one training step: native (one whole-model kernel each way) and cpu (tfjs’s per-op kernels) trace the same matmul FLOPs exactly', async () => {
    const traced: number[] = [];
    for (const backend of ['cpu', 'native']) {
      await initRuntime({ flag: backend });
      const { model, task } = buildZooModel('transformer', { seed: 3, dataLimit: 300 });
      const optimizer = tf.train.adam(1e-3);
      const result = await traceFlops(() => {
        trainStep(
          model,
          task,
          optimizer,
          Int32Array.from({ length: 8 }, (_, i) => i),
          1,
          false,
        );
      });
      traced.push(result.matmulConvFlops);
      if (backend === 'native') expect(Object.keys(result.byKernel)).toContain('CostsimNativeTransformerGrad');
      optimizer.dispose();
      model.dispose();
      task.dispose();
    }
    expect(traced[1]).toBe(traced[0]);
  });
});
