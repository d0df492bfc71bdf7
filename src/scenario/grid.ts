/**
 * A parameter grid over scenario numbers, as `--sweep key=v1,v2,...` (repeatable) states it:
 * each flag is one axis, the grid is their product (Mesa's `batch_run`), and every grid point
 * is a list of overrides (paths.ts) that parseScenario applies before validation. Pure.
 */
import { UsageError } from '../errors.ts';
import { formatValuePath, parseValuePath, valueAtPath, type ScenarioOverride, type ValuePath } from './paths.ts';
import { isDistribution } from './distribution.ts';

/** The flag every grid error names. */
export const SWEEP_FLAG = '--sweep';

/** Grid points one sweep may have: each is a whole Monte Carlo simulation, so 10,000 is already hours of work. */
export const MAX_GRID_POINTS = 10_000;

/** One swept scenario number and the values it takes, in the order given. */
export interface GridAxis {
  /** The path as written, normalised (e.g. "providers[1].cash"); also the column name in rows. */
  name: string;
  path: ValuePath;
  values: number[];
}

/** One point of the grid: its 0-based index (axes vary last-fastest) and the value of every axis. */
export interface GridPoint {
  index: number;
  /** Value per axis name, in axis order. */
  values: Record<string, number>;
  overrides: ScenarioOverride[];
}

const FORM = 'key=v1,v2,... over a scenario number, e.g. demand.mu=0.1,0.25 or providers[1].cash=1e6,5e6';

/** Parse one `--sweep` value; a malformed one is a UsageError naming --sweep. */
export function parseSweepAxis(text: string): GridAxis {
  const eq = text.indexOf('=');
  if (eq < 0) throw new UsageError(SWEEP_FLAG, `"${text}" has no "=" between the scenario value and its list of values`, FORM);
  const path = parseValuePath(text.slice(0, eq).trim(), SWEEP_FLAG);
  const name = formatValuePath(path);
  const parts = text
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  const values = parts.map((part) => {
    const n = part === '' ? NaN : Number(part);
    if (!Number.isFinite(n)) throw new UsageError(SWEEP_FLAG, `${name}: "${part}" is not a finite number`, FORM);
    return n;
  });
  const repeated = values.find((v, i) => values.indexOf(v) !== i);
  if (repeated !== undefined) throw new UsageError(SWEEP_FLAG, `${name}: the value ${repeated} is listed twice; each grid value once`);
  return { name, path, values };
}

/** Parse every `--sweep` flag; the same scenario value swept twice, or too many grid points, is refused. */
export function parseSweepAxes(texts: readonly string[]): GridAxis[] {
  const axes = texts.map(parseSweepAxis);
  const names = axes.map((a) => a.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new UsageError(SWEEP_FLAG, `${twice} is swept twice; give all its values in one --sweep ${twice}=v1,v2,...`);
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_GRID_POINTS)
    throw new UsageError(
      SWEEP_FLAG,
      `${axes.map((a) => a.values.length).join(' × ')} = ${points.toLocaleString('en-US')} grid points, more than ${MAX_GRID_POINTS.toLocaleString('en-US')}; each point is a whole Monte Carlo simulation: sweep fewer values`,
    );
  return axes;
}

/**
 * Check every axis names a number of `data` (the scenario as plain data): an existing number
 * or distribution (which the grid replaces by a fixed number), or an absent optional key the
 * schema then checks. A string, list or other mapping is refused naming --sweep.
 */
export function checkAxesAgainst(data: unknown, axes: readonly GridAxis[]): void {
  for (const axis of axes) {
    const at = valueAtPath(data, axis.path, SWEEP_FLAG);
    if (!at.found || typeof at.value === 'number' || isDistribution(at.value)) continue;
    const what = Array.isArray(at.value)
      ? 'a list'
      : at.value === null
        ? 'null'
        : typeof at.value === 'object'
          ? 'a mapping'
          : `${typeof at.value} ${JSON.stringify(at.value)}`;
    throw new UsageError(SWEEP_FLAG, `${axis.name} is ${what} in the scenario, not a number; a grid sweeps numbers`);
  }
}

/** Every point of the product of `axes`, the first axis varying slowest. No axes: one point, no overrides. */
export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
  let combos: number[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((combo) => axis.values.map((v) => [...combo, v]));
  return combos.map((combo, index) => ({
    index,
    values: Object.fromEntries(axes.map((a, i) => [a.name, combo[i] as number])),
    overrides: axes.map((a, i) => ({ path: a.path, value: combo[i] as number, flag: SWEEP_FLAG })),
  }));
}
