import { describe, expect, it } from 'vitest';
import { parseBytes, parseFraction, parseMaxMemory } from '../../src/placement/parse.ts';

describe('byte sizes and memory caps', () => {
  it.each([
    ['24GB', 24e9],
    ['22.5GiB', 22.5 * 1024 ** 3],
    ['512MiB', 512 * 1024 ** 2],
    ['2.4e10', 2.4e10],
    ['0', 0],
    ['1 tb', 1e12],
    ['1000', 1000],
  ])('%s = %d bytes', (text, bytes) => {
    expect(parseBytes(text, '--max-memory')).toBe(bytes);
  });

  it.each(['-1GB', '-5', 'lots', '12XB', '', 'GB', '1e400'])('rejects "%s" naming the flag', (text) => {
    expect(() => parseBytes(text, '--max-memory l4')).toThrow(/^--max-memory l4: /);
  });

  it('caps listed devices only, once each', () => {
    expect(parseMaxMemory(['l4=20GB', 'cpu=1TiB'], ['l4', 'cpu'])).toEqual(
      new Map([
        ['l4', 20e9],
        ['cpu', 2 ** 40],
      ]),
    );
    expect(() => parseMaxMemory(['t4=1GB'], ['l4'])).toThrow(/"t4" is not one of the --device ids \(allowed: l4\)/);
    expect(() => parseMaxMemory(['l4=1GB', 'l4=2GB'], ['l4'])).toThrow(/capped twice/);
    expect(() => parseMaxMemory(['20GB'], ['l4'])).toThrow(/must look like <device id>=<bytes>/);
  });

  it('fractions are in (0, 1]', () => {
    expect(parseFraction('0.4', '--compute-efficiency')).toBe(0.4);
    for (const bad of ['0', '1.5', '-0.1', 'half', ''])
      expect(() => parseFraction(bad, '--compute-efficiency')).toThrow(/--compute-efficiency: must be a number in \(0, 1\]/);
  });
});
