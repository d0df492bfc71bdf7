/**
 * Parameter distributions for Monte Carlo: anywhere a scenario allows a number it also allows
 * `{ dist: normal|uniform|lognormal, ... }`. Each run draws every distribution once, from an RNG
 * forked by the run and the field's document path, so a draw does not depend on which other
 * fields are random or on how many workers share the runs.
 */
import { z } from 'zod';
import type { Rng } from '../util/rng.ts';

/** Normal(mean, sd), optionally truncated to [min, max] by clamping. */
export interface NormalDist {
  dist: 'normal';
  mean: number;
  sd: number;
  min?: number;
  max?: number;
}
/** Uniform on [min, max). */
export interface UniformDist {
  dist: 'uniform';
  min: number;
  max: number;
}
/** exp(Normal(ln median, sigma)): always positive; `median` is the distribution's median. */
export interface LognormalDist {
  dist: 'lognormal';
  median: number;
  sigma: number;
  min?: number;
  max?: number;
}
/** Any of the supported distributions, tagged by `dist`. */
export type Distribution = NormalDist | UniformDist | LognormalDist;
/** A number or a distribution to draw it from once per Monte Carlo run. */
export type Num = number | Distribution;

/** Field bounds a number (and every value a distribution can draw) must respect. */
export interface Bounds {
  min?: number;
  /** True when the lower bound itself is not allowed (e.g. mu > 0). */
  exclusiveMin?: boolean;
  max?: number;
  int?: boolean;
  /**
   * Magnitude bound: a plain number must lie within ±limit (and above `min`), and so must a
   * distribution's parameters (mean, median, sd, min, max). Unlike `max`, a distribution need
   * not be truncated: a rare extreme draw is caught where results are checked for finiteness.
   */
  limit?: number;
}

function boundText(b: Bounds): string {
  const parts: string[] = [];
  if (b.min !== undefined) parts.push(`${b.exclusiveMin ? '>' : '>='} ${b.min}`);
  if (b.max !== undefined) parts.push(`<= ${b.max}`);
  return parts.join(' and ');
}

function numberSchema(b: Bounds): z.ZodNumber {
  let s = b.int ? z.number().int() : z.number();
  if (b.min !== undefined) s = b.exclusiveMin ? s.gt(b.min) : s.min(b.min);
  if (b.max !== undefined) s = s.max(b.max);
  if (b.limit !== undefined) {
    if (b.max === undefined) s = s.max(b.limit);
    if (b.min === undefined) s = s.min(-b.limit);
  }
  return s;
}

const distKeys = 'dist: normal (mean, sd, min?, max?) | uniform (min, max) | lognormal (median, sigma, min?, max?)';

/**
 * Schema for a number field that may also be a distribution. A distribution must stay inside
 * the field's bounds: a normal on a field that must be >= 0 needs `min` (truncation) >= 0.
 */
export function num(bounds: Bounds = {}): z.ZodType<Num> {
  const plain = numberSchema(bounds);
  const finite = z.number();
  const normal = z.strictObject({ dist: z.literal('normal'), mean: finite, sd: finite.min(0), min: finite.optional(), max: finite.optional() });
  const uniform = z.strictObject({ dist: z.literal('uniform'), min: finite, max: finite });
  const lognormal = z.strictObject({
    dist: z.literal('lognormal'),
    median: finite.gt(0),
    sigma: finite.min(0),
    min: finite.optional(),
    max: finite.optional(),
  });
  const dist = z.discriminatedUnion('dist', [normal, uniform, lognormal], { error: () => `a distribution needs ${distKeys}` }).superRefine((d, ctx) => {
    const lo = d.dist === 'lognormal' ? Math.max(0, d.min ?? 0) : d.min;
    const hi = d.max;
    if (lo !== undefined && hi !== undefined && lo > hi) ctx.addIssue({ code: 'custom', message: `min (${lo}) must be <= max (${hi})`, path: ['min'] });
    const boundedBelow =
      bounds.min === undefined ||
      (lo !== undefined && (bounds.exclusiveMin ? lo > bounds.min || (d.dist === 'lognormal' && bounds.min <= 0) : lo >= bounds.min));
    const boundedAbove = bounds.max === undefined || (hi !== undefined && hi <= bounds.max);
    if (!boundedBelow || !boundedAbove)
      ctx.addIssue({ code: 'custom', message: `every draw must be ${boundText(bounds)}: give the distribution min/max inside that range`, path: [] });
    if (bounds.int) ctx.addIssue({ code: 'custom', message: 'this field must be a whole number; distributions are not allowed here', path: [] });
    const limit = bounds.limit;
    if (limit !== undefined)
      for (const [key, value] of Object.entries(d))
        if (typeof value === 'number' && Math.abs(value) > limit)
          ctx.addIssue({ code: 'custom', message: `${key} must be within ±${limit} (got ${value})`, path: [key] });
    if (d.dist === 'lognormal' && d.sigma > 10)
      ctx.addIssue({
        code: 'custom',
        message: `sigma must be <= 10 (got ${d.sigma}); e^(10σ) already spans more than 40 orders of magnitude`,
        path: ['sigma'],
      });
  });
  return z.union([plain, dist]) as z.ZodType<Num>;
}

/** True when `value` is a distribution object rather than a number. */
export function isDistribution(value: unknown): value is Distribution {
  return typeof value === 'object' && value !== null && 'dist' in value;
}

function clamp(x: number, min?: number, max?: number): number {
  return Math.min(max ?? Infinity, Math.max(min ?? -Infinity, x));
}

/** One draw from `d`. */
export function draw(d: Distribution, rng: Rng): number {
  switch (d.dist) {
    case 'normal':
      return clamp(d.mean + d.sd * rng.normal(), d.min, d.max);
    case 'uniform':
      return d.min + (d.max - d.min) * rng.next();
    case 'lognormal':
      return clamp(Math.exp(Math.log(d.median) + d.sigma * rng.normal()), d.min, d.max);
  }
}

/** `T` with every distribution replaced by the number drawn from it. */
export type Sampled<T> = T extends Distribution
  ? number
  : T extends number | string | boolean | null | undefined
    ? T
    : T extends ReadonlyArray<infer U>
      ? Array<Sampled<U>>
      : { [K in keyof T]: Sampled<T[K]> };

/**
 * Replace every distribution inside `value` by one draw. The RNG for a field is
 * `rng.fork(path)`, so draws are stable per field. Inputs are not mutated.
 */
export function sampleAll<T>(value: T, rng: Rng, path = ''): Sampled<T> {
  if (isDistribution(value)) return draw(value, rng.fork(path)) as Sampled<T>;
  if (Array.isArray(value)) return value.map((v, i) => sampleAll(v, rng, `${path}[${i}]`)) as Sampled<T>;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = sampleAll(v, rng, path ? `${path}.${k}` : k);
    return out as Sampled<T>;
  }
  return value as Sampled<T>;
}

/** True when any distribution appears inside `value` (then Monte Carlo runs differ beyond their seeds). */
export function hasDistribution(value: unknown): boolean {
  if (isDistribution(value)) return true;
  if (Array.isArray(value)) return value.some(hasDistribution);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasDistribution);
  return false;
}

/** Central value of a distribution: the mean (normal, clamped), midpoint (uniform) or median (lognormal, clamped). */
export function centralValue(d: Distribution): number {
  if (d.dist === 'uniform') return (d.min + d.max) / 2;
  return clamp(d.dist === 'normal' ? d.mean : d.median, d.min, d.max);
}

/** `value` with every distribution replaced by its central value: a deterministic point estimate. */
export function pointEstimate<T>(value: T): Sampled<T> {
  if (isDistribution(value)) return centralValue(value) as Sampled<T>;
  if (Array.isArray(value)) return value.map((v) => pointEstimate(v)) as Sampled<T>;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pointEstimate(v)])) as Sampled<T>;
  return value as Sampled<T>;
}
