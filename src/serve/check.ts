/**
 * Checks of a serving request's numbers, naming the flag (or scenario field) that is wrong.
 */
import { UsageError } from '../errors.ts';
import { SERVE_DTYPES, type ServeDtype } from './dtypes.ts';

/** A finite number ≥ 0 (integer when `integer`), or the flag's error. */
export function parseCount(text: string, flag: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number {
  const n = Number(text);
  const min = opts.min ?? 0;
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(flag, `must be a number (got "${text}")`);
  if (opts.integer && !Number.isInteger(n)) throw new UsageError(flag, `must be a whole number (got "${text}")`);
  if (n < min) throw new UsageError(flag, `must be >= ${min} (got "${text}")`);
  if (opts.max !== undefined && n > opts.max) throw new UsageError(flag, `must be <= ${opts.max} (got "${text}")`);
  return n;
}

export function parseServeDtype(text: string, flag: string): ServeDtype {
  if (!(SERVE_DTYPES as readonly string[]).includes(text)) throw new UsageError(flag, `unknown dtype "${text}"`, SERVE_DTYPES.join(', '));
  return text as ServeDtype;
}

/** Comma-separated positive integers (batch sizes, context lengths). */
export function parseIntegerList(text: string, flag: string, max: number): number[] {
  const values = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => parseCount(t, flag, { integer: true, min: 1, max }));
  if (values.length === 0) throw new UsageError(flag, 'needs at least one value');
  return values;
}
