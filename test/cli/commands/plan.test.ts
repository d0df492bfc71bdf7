import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function capture(): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd: process.cwd() };
}

const SEVEN_B = 'transformer:layers=32,hidden=4096,heads=32,seq=2048,vocab=32000,recompute=full';

describe('costsim plan', () => {
  it('--json prints exactly { plans: [{ strategy, fits, devices, stepSeconds, usdPerMTokens }] }, best first', async () => {
    const ctx = capture();
    expect(await main(['plan', '--model', SEVEN_B, '--device', 'l4', '--device', 'aws-r6a.4xlarge', '--json'], ctx)).toBe(0);
    expect(ctx.stdout).toHaveLength(1);
    const out = JSON.parse(ctx.stdout[0] as string);
    expect(Object.keys(out)).toEqual(['plans']);
    for (const p of out.plans) {
      expect(Object.keys(p).sort()).toEqual(['devices', 'fits', 'stepSeconds', 'strategy', 'usdPerMTokens']);
      for (const d of p.devices) expect(Object.keys(d).sort()).toEqual(['bytesUsed', 'capacityBytes', 'id']);
    }
    const strategies = out.plans.map((p: { strategy: string }) => p.strategy);
    expect(new Set(strategies)).toEqual(new Set(['optimal-dp', 'optimizer-offload', 'greedy', 'all-cpu', 'all-gpu']));
    expect(out.plans[0].fits).toBe(true);
    expect(out.plans.at(-1).fits).toBe(false); // all of a 7B's Adam state on the L4 does not fit
    const l4 = out.plans.find((p: { strategy: string }) => p.strategy === 'all-gpu').devices[0];
    expect(l4.capacityBytes).toBe(24e9);
  });

  it('--max-memory caps a device; the text output explains the best plan', async () => {
    const ctx = capture();
    expect(await main(['plan', '--model', SEVEN_B, '--device', 'l4,aws-r6a.4xlarge', '--max-memory', 'l4=20GB', '--objective', 'cost'], ctx)).toBe(0);
    const text = ctx.stdout.join('\n');
    expect(text).toMatch(/l4 [\d.]+ GB\/20\.0 GB/);
    expect(text).toMatch(/best plan: /);
    expect(text).toMatch(/layers → device/);
  });

  it('a model that fits nowhere says how much memory is missing', async () => {
    const ctx = capture();
    expect(await main(['plan', '--model', SEVEN_B, '--device', 't4'], ctx)).toBe(0);
    expect(ctx.stdout.join('\n')).toMatch(/FITS NOWHERE: at least [\d.]+ GB of memory missing/);
  });

  it.each([
    [['--model', SEVEN_B, '--device', 'h900'], /--device: unknown device "h900" \(allowed: .*l4.*local-cpu\)/],
    [['--model', SEVEN_B, '--device', 'l4', '--max-memory', 'l4=-5GB'], /--max-memory l4: memory cap must not be negative/],
    [['--model', SEVEN_B, '--device', 'l4', '--max-memory', 'l4=lots'], /--max-memory l4: "lots" is not a byte size/],
    [['--model', SEVEN_B, '--device', 'l4', '--max-memory', 'a100-80gb=1GB'], /--max-memory: "a100-80gb" is not one of the --device ids/],
    [['--model', 'transformer:layers=0,hidden=64,heads=4,seq=8,vocab=10', '--device', 'l4'], /--model: shape field "layers" must be a positive integer/],
    [['--model', SEVEN_B, '--device', 'l4', '--objective', 'speed'], /--objective: unknown objective "speed"/],
    [['--model', SEVEN_B], /--device: at least one device is required/],
    [['--model', SEVEN_B, '--device', 'local-cpu'], /--local-price: "local-cpu" needs a price/],
    [['--model', 'resnet', '--device', 'l4'], /--model: unknown model "resnet"/],
  ])('exits 2 naming the flag: %j', async (args, message) => {
    const ctx = capture();
    expect(await main(['plan', ...args], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(message);
    expect(ctx.stdout).toHaveLength(0);
  });

  it('plans a zoo model from its analytic FLOP rows', async () => {
    const ctx = capture();
    expect(await main(['plan', '--model', 'mlp:width=64,batch=16', '--device', 't4,aws-c6a.large', '--json', '--backend', 'cpu'], ctx)).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string);
    expect(out.plans[0].fits).toBe(true);
  });
});
