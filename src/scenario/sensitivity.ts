/**
 * The uncertain inputs of a scenario for a one-at-a-time sensitivity analysis
 * (`simulate --sensitivity`): every number the scenario document gives as a distribution
 * (`{ dist: ... }`, found by walking the document as written, before validation fills
 * defaults), with its 10th and 90th percentile and its central value. Each input becomes two
 * grid points, low and high, with every other distribution fixed at its central value; a
 * baseline point has every distribution at its central value. Pure.
 */
import { centralValue, isDistribution, type Distribution } from './distribution.ts';
import { formatValuePath, type ScenarioOverride, type ValuePath } from './paths.ts';
import type { GridPoint } from './grid.ts';

/** The flag sensitivity overrides name when a value is refused. */
export const SENSITIVITY_FLAG = '--sensitivity';

/** z of the standard normal's 90th percentile (Φ⁻¹(0.9), e.g. Abramowitz & Stegun 1964, table 26.1). */
export const Z90 = 1.2815515655446004;

/** One distribution in the scenario and the values the analysis sets it to. */
export interface UncertainInput {
  /** Path in the document, e.g. "providers[1].cash". */
  name: string;
  path: ValuePath;
  dist: Distribution;
  /** 10th percentile. */
  low: number;
  central: number;
  /** 90th percentile. */
  high: number;
}

const clamp = (x: number, min?: number, max?: number): number => Math.min(max ?? Infinity, Math.max(min ?? -Infinity, x));

/** The p-th quantile (0 < p < 1) of `d`; only p = 0.1 and 0.9 are exact for normal and lognormal (z = ∓Z90). Clamping commutes with quantiles. */
export function percentile(d: Distribution, p: 0.1 | 0.9): number {
  const z = p === 0.9 ? Z90 : -Z90;
  switch (d.dist) {
    case 'uniform':
      return d.min + p * (d.max - d.min);
    case 'normal':
      return clamp(d.mean + z * d.sd, d.min, d.max);
    case 'lognormal':
      return clamp(d.median * Math.exp(z * d.sigma), d.min, d.max);
  }
}

/** Every distribution in `data` (the scenario as plain data), in document order. */
export function uncertainInputs(data: unknown): UncertainInput[] {
  const found: UncertainInput[] = [];
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (isDistribution(node)) {
      found.push({ name: formatValuePath(path), path, dist: node, low: percentile(node, 0.1), central: centralValue(node), high: percentile(node, 0.9) });
    } else if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
    else if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(data, []);
  return found;
}

/** Which level of which input a sensitivity grid point sets. */
export interface SensitivityPoint extends GridPoint {
  /** Null for the baseline (every input central). */
  input: string | null;
  level: 'central' | 'low' | 'high';
}

/** Point 0: every input central; then each input's low and high (the others central). */
export function sensitivityPoints(inputs: readonly UncertainInput[]): SensitivityPoint[] {
  const at = (name: string | null, level: 'low' | 'high' | 'central'): ScenarioOverride[] =>
    inputs.map((i) => ({ path: i.path, value: i.name === name ? i[level] : i.central, flag: SENSITIVITY_FLAG }));
  const points: Array<Omit<SensitivityPoint, 'index'>> = [{ input: null, level: 'central', values: {}, overrides: at(null, 'central') }];
  for (const input of inputs)
    for (const level of ['low', 'high'] as const)
      points.push({ input: input.name, level, values: { [input.name]: input[level] }, overrides: at(input.name, level) });
  return points.map((p, index) => ({ ...p, index }));
}
