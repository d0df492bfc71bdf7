import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function capture(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

const PLAN_FIELDS = [
  'device',
  'count',
  'dtype',
  'batch',
  'fits',
  'ttftSeconds',
  'tpotSeconds',
  'outputTokensPerSecondPerDevice',
  'inputTokensPerSecondPerDevice',
  'usdPerMInputTokens',
  'usdPerMCachedInputTokens',
  'usdPerMOutputTokens',
  'bottleneck',
  'memory',
];

describe('costsim serve', () => {
  it('--json prints { plans } with every field the issue names; batch 1 decode of Llama-3.1-8B on an H100 SXM is bandwidth-bound', async () => {
    const ctx = capture();
    expect(
      await main(['serve', '--model', 'llama-3.1-8b', '--device', 'h100-sxm', '--batch', '1', '--prompt-tokens', '10', '--output-tokens', '10', '--json'], ctx),
    ).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string);
    expect(Object.keys(out)).toEqual(['plans']);
    const [p] = out.plans;
    for (const f of PLAN_FIELDS) expect(p).toHaveProperty(f);
    expect(Object.keys(p.memory)).toEqual(expect.arrayContaining(['weightsBytes', 'kvCacheBytes', 'capacityBytes']));
    expect(p.bottleneck).toBe('bandwidth');
    // By hand: 16.06e9 B ÷ (3.35e12 B/s × 0.8 default efficiency) = 5.99 ms per token
    expect(p.tpotSeconds / 5.99e-3).toBeCloseTo(1, 2);
  });

  it('a model that fits nowhere names the missing bytes and the options', async () => {
    const ctx = capture();
    expect(await main(['serve', '--model', 'deepseek-v3', '--device', 'h100-sxm', '--count', '8'], ctx)).toBe(0);
    const text = ctx.stdout.join('\n');
    expect(text).toMatch(/does not fit: [\d.]+ GB missing/);
    expect(text).toMatch(/--count \d+/);
    // By hand: usable 8 × 80e9 × 0.9 = 576e9 B; bf16 1342e9 and fp8 671e9 B do not fit, int4 335.5e9 B does; 1342e9 / 72e9 → 19 GPUs.
    expect(text).toMatch(/--count 19 /);
    expect(text).toMatch(/--dtype int4/);
    expect(text).not.toMatch(/--dtype fp8/);
  });

  it('an unmeetable target is reported, never a number', async () => {
    const ctx = capture();
    expect(await main(['serve', '--model', 'llama-3.1-70b', '--device', 'h100-sxm', '--count', '4', '--min-tokens-per-second', '1000', '--json'], ctx)).toBe(0);
    const [p] = JSON.parse(ctx.stdout[0] as string).plans;
    expect(p.fits).toBe(true);
    expect(p.meetsTarget).toBe(false);
    expect(p.usdPerMOutputTokens).toBeNull();
    expect(p.unmet).toMatch(/no batch meets the target/);
  });

  for (const [args, flag] of [
    [['--model', 'gpt-9', '--device', 'l4'], '--model'],
    [['--model', 'gpt2', '--device', 'warp-drive'], '--device'],
    [['--model', 'gpt2', '--device', 'l4', '--prompt-tokens', '-1'], '--prompt-tokens'],
    [['--model', 'gpt2', '--device', 'l4', '--output-tokens', '-5'], '--output-tokens'],
    [['--model', 'gpt2', '--device', 'l4', '--cache-hit', '1.2'], '--cache-hit'],
    [['--model', 'gpt2', '--device', 'l4', '--cache-hit', '-0.1'], '--cache-hit'],
    [['--model', 'gpt2', '--device', 'l4', '--dtype', 'fp4'], '--dtype'],
    [['--model', 'gpt2', '--device', 'l4', '--measure'], '--measure'],
  ] as const) {
    it(`exits 2 naming ${flag} for ${args.slice(-1)[0]}`, async () => {
      const ctx = capture();
      expect(await main(['serve', ...args], ctx)).toBe(2);
      expect(ctx.stderr.join('\n')).toContain(flag);
    });
  }
});
