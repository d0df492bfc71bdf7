/**
 * GEMM microbenchmark: the achieved fp32 matmul rate of a tfjs backend, measured in this
 * process. The harness divides achieved model FLOP/s by it to get utilisation.
 */
import { tf } from './tf.ts';

/** Result of timing C = A·B with square n×n float32 matrices. */
export interface GemmMeasurement {
  backend: string;
  n: number;
  repeats: number;
  seconds: number;
  /** 2·n³·repeats / seconds / 1e9. */
  gflops: number;
}

/**
 * Time n×n matmuls on the current backend for about `budgetSeconds` (after one warm-up),
 * reading the result back each time so asynchronous backends finish their work.
 */
export async function measureGemm(n: number, budgetSeconds: number): Promise<GemmMeasurement> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  try {
    const once = async (): Promise<void> => {
      const c = tf.matMul(a, b);
      await c.data();
      c.dispose();
    };
    await once();
    let repeats = 0;
    const start = performance.now();
    do {
      await once();
      repeats++;
    } while ((performance.now() - start) / 1000 < budgetSeconds);
    const seconds = (performance.now() - start) / 1000;
    return { backend: tf.getBackend(), n, repeats, seconds, gflops: (2 * n ** 3 * repeats) / seconds / 1e9 };
  } finally {
    a.dispose();
    b.dispose();
  }
}
