import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function capture(env: Record<string, string | undefined> = {}): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, isTTY: false, cwd: process.cwd() };
}

describe('costsim doctor', () => {
  it('--json prints one object: wasm and cpu available with a GEMM rate, tensorflow unavailable with the reason', async () => {
    const ctx = capture();
    expect(await main(['doctor', '--json'], ctx)).toBe(0);
    expect(ctx.stdout).toHaveLength(1);
    const report = JSON.parse(ctx.stdout[0] as string);
    expect(report.node).toBe(process.versions.node);
    expect(report.tfjs).toBe('4.22.0');
    const byName = Object.fromEntries(report.backends.map((b: { name: string }) => [b.name, b]));
    for (const name of ['wasm', 'cpu']) {
      expect(byName[name].available).toBe(true);
      // Plausible: above 1 MFLOP/s (pure JS on a slow, heavily shared core) and below 10 TFLOP/s (no CPU does that).
      expect(byName[name].gemmGflops).toBeGreaterThan(0.001);
      expect(byName[name].gemmGflops).toBeLessThan(10_000);
    }
    if (!byName.tensorflow.available) expect(byName.tensorflow.reason).toMatch(/tfjs-node/);
    expect(report.backends.map((b: { name: string }) => b.name)).toContain(report.chosen);
    expect(report.cpu.cores).toBeGreaterThan(0);
    expect(typeof report.cpu.model).toBe('string');
  });

  it('exits 2 naming the flag for an unknown backend', async () => {
    const ctx = capture();
    expect(await main(['doctor', '--backend', 'quantum'], ctx)).toBe(2);
    expect(ctx.stderr.join('\n')).toMatch(/--backend: unknown backend "quantum" \(allowed: tensorflow, native, wasm, cpu\)/);
  });

  it('exits 2 for an unknown command', async () => {
    const ctx = capture();
    expect(await main(['frobnicate'], ctx)).toBe(2);
  });
});
