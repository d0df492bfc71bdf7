import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

describe('costsim bench --checkpoint', () => {
  it('transformer --checkpoint --json: lower peak memory and a longer step than plain training, equal gradients, the recompute=full prediction beside them', async () => {
    const ctx = capture(mkdtempSync(join(tmpdir(), 'costsim-ckpt-')));
    const code = await main(
      [
        'bench',
        '--model',
        'transformer',
        '--checkpoint',
        '--opt',
        'dModel=32',
        '--opt',
        'heads=2',
        '--opt',
        'layers=4',
        '--opt',
        'digits=3',
        '--opt',
        'dataLimit=300',
        '--batch',
        '64',
        '--steps',
        '2',
        '--runs',
        '1',
        '--backend',
        'wasm',
        '--json',
      ],
      ctx,
    );
    expect(ctx.stderr.join('\n')).not.toMatch(/error/i);
    expect(code).toBe(0);
    const record = JSON.parse(ctx.stdout.join('\n'));
    expect(record.config.checkpoint).toBe(true);
    const c = record.metrics.checkpoint;
    // Memory: the activations above the resident state are what checkpointing cuts. Four blocks
    // kept in full against one block at a time plus four block inputs: well under half.
    expect(c.checkpointed.transientPeakBytes).toBeLessThan(0.6 * c.plain.transientPeakBytes);
    expect(c.checkpointed.peakBytes).toBeLessThan(c.plain.peakBytes);
    // Time: one extra forward pass per block (about a third more FLOPs): longer, and not absurdly so.
    expect(c.checkpointed.stepSeconds).toBeGreaterThan(c.plain.stepSeconds);
    expect(c.checkpointed.stepSeconds).toBeLessThan(4 * c.plain.stepSeconds);
    expect(c.gradientMaxRelativeDifference).toBeLessThan(1e-5);
    // Physical: each variant alone in a fresh process; the wasm heap's growth over the model build is that variant's own.
    const growth = (v: { physical: { wasmHeapBytes: number; baselineWasmHeapBytes: number } }) => v.physical.wasmHeapBytes - v.physical.baselineWasmHeapBytes;
    expect(c.checkpointed.physical.wasmHeapBytes).toBeLessThanOrEqual(c.plain.physical.wasmHeapBytes);
    expect(growth(c.checkpointed)).toBeLessThan(growth(c.plain));
    expect(c.plain.physical.peakRssBytes).toBeGreaterThan(0);
    // The placement model's prediction, labelled modeled: fewer activation bytes, ×(1 + 1/3) block FLOPs at most.
    expect(c.predicted.activationBytesRatio).toBeLessThan(1);
    expect(c.predicted.stepFlopsRatio).toBeGreaterThan(1);
    expect(c.predicted.stepFlopsRatio).toBeLessThanOrEqual(4 / 3 + 1e-12);
    expect(record.provenance['metrics.checkpoint.predicted'].kind).toBe('modeled');
    expect(record.provenance['metrics.checkpoint'].source).toMatch(/tfjs logical tensor bytes.*not RSS/);
  }, 120_000);
});
