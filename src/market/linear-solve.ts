/**
 * Solve A x = b for a small dense system (n ≤ a few dozen providers) by Gaussian elimination
 * with partial pivoting. A local solver rather than mathjs's lusolve: importing mathjs costs
 * seconds per process, paid by every Monte Carlo worker, for systems of size n.
 */

/** x with A x = b. Throws RangeError when A is singular (to working precision). Inputs are not mutated. */
export function solveLinear(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs((M[r] as number[])[col]!) > Math.abs((M[pivot] as number[])[col]!)) pivot = r;
    const top = M[pivot] as number[];
    if (Math.abs(top[col]!) < 1e-300) throw new RangeError('solveLinear: singular matrix');
    [M[col], M[pivot]] = [top, M[col] as number[]];
    for (let r = col + 1; r < n; r++) {
      const row = M[r] as number[];
      const f = row[col]! / top[col]!;
      for (let k = col; k <= n; k++) row[k] = row[k]! - f * top[k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = M[r] as number[];
    let s = row[n]!;
    for (let k = r + 1; k < n; k++) s -= row[k]! * x[k]!;
    x[r] = s / row[r]!;
  }
  return x;
}
