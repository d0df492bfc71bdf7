/**
 * Parsing of placement inputs given as text (command-line flags, scenario fields): byte sizes,
 * per-device memory caps, fractions. Pure; every problem is a UsageError naming the flag.
 */
import { UsageError } from '../errors.ts';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};
const BYTES_ALLOWED = 'a non-negative number of bytes, optionally with a unit: 24e9, 24GB, 22.5GiB, 512MiB (KB/MB/GB/TB = 10^3.., KiB/MiB/GiB/TiB = 2^10..)';

/** Parse a byte size such as `24GB`, `22.5GiB` or `2.4e10`; negative or malformed → UsageError. */
export function parseBytes(text: string, flag: string): number {
  const match = /^\s*(-?[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const scale = UNITS[unit];
  if (!match || scale === undefined) throw new UsageError(flag, `"${text}" is not a byte size`, BYTES_ALLOWED);
  const value = Number(match[1]) * scale;
  if (!Number.isFinite(value)) throw new UsageError(flag, `"${text}" is not a finite byte size`, BYTES_ALLOWED);
  if (value < 0) throw new UsageError(flag, `memory cap must not be negative (got "${text}")`, BYTES_ALLOWED);
  return Math.floor(value);
}

/** Parse repeated `<device id>=<bytes>` caps; each id must be one of `deviceIds`, at most once. */
export function parseMaxMemory(entries: readonly string[], deviceIds: readonly string[], flag = '--max-memory'): Map<string, number> {
  const caps = new Map<string, number>();
  for (const entry of entries) {
    const eq = entry.lastIndexOf('=');
    if (eq <= 0) throw new UsageError(flag, `"${entry}" must look like <device id>=<bytes>, e.g. l4=20GB`);
    const id = entry.slice(0, eq).trim();
    if (!deviceIds.includes(id)) throw new UsageError(flag, `"${id}" is not one of the --device ids`, deviceIds.join(', '));
    if (caps.has(id)) throw new UsageError(flag, `"${id}" is capped twice`);
    caps.set(id, parseBytes(entry.slice(eq + 1), `${flag} ${id}`));
  }
  return caps;
}

/** Parse a fraction in (0, 1], e.g. an efficiency. */
export function parseFraction(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0 || value > 1) throw new UsageError(flag, `must be a number in (0, 1] (got "${text}")`);
  return value;
}
