import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
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

  it('--scenario adds its devices and fills flags from its placement entry; flags name the scenario path in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-plan-'));
    const file = join(dir, 'gpus.yaml');
    const figure = (value: number): string => `{ value: ${value}, source: my contract, date: 2026-01 }`;
    writeFileSync(
      file,
      [
        'devices:',
        '  - id: my-gpu',
        '    name: Rented 48 GB card',
        '    kind: gpu',
        `    peakFlops: { fp32: ${figure(40e12)}, bf16: ${figure(180e12)} }`,
        `    memoryBytes: ${figure(48e9)}`,
        `    memoryBandwidthBytesPerSecond: ${figure(900e9)}`,
        `    hostLinkBytesPerSecond: ${figure(31.5e9)}`,
        `    powerWatts: ${figure(300)}`,
        `    usdPerHour: ${figure(0.9)}`,
        'placement:',
        `  - model: ${SEVEN_B}`,
        '    devices: [my-gpu, aws-r6a.4xlarge]',
        '    maxMemory: { my-gpu: 40000000000 }',
      ].join('\n'),
    );
    const ctx = capture();
    expect(await main(['plan', '--scenario', file, '--json'], ctx)).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string);
    const gpu = out.plans[0].devices.find((d: { id: string }) => d.id === 'my-gpu');
    expect(gpu.capacityBytes).toBe(40e9);
    // A bad shape in any entry is refused when the scenario is read (issue 12: checked at parse
    // time, with the line), whichever entry is asked for.
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}\n  - model: transformer:layers=0,hidden=64,heads=4,seq=8,vocab=10\n    devices: [l4]\n`);
    for (const entry of ['0', '1']) {
      const bad = capture();
      expect(await main(['plan', '--scenario', file, '--entry', entry], bad)).toBe(2);
      expect(bad.stderr.join('\n')).toMatch(/placement\[1\]\.model \(line \d+\): shape field "layers" must be a positive integer/);
    }
  });

  it("local-cpu is measured now and priced as the named instance; its capacity is this machine's memory", async () => {
    const ctx = capture();
    expect(
      await main(['plan', '--model', 'mlp:width=32,batch=16', '--device', 'local-cpu', '--local-price', 'aws-c6a.large', '--backend', 'wasm', '--json'], ctx),
    ).toBe(0);
    const out = JSON.parse(ctx.stdout[0] as string);
    const local = out.plans[0].devices.find((d: { id: string }) => d.id === 'local-cpu');
    expect(local.capacityBytes).toBe(totalmem());
    expect(out.plans[0].fits).toBe(true);
    expect(out.plans[0].usdPerMTokens).toBeGreaterThan(0);
  });
});
