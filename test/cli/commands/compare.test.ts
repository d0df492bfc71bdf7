// `costsim compare`: two scenarios side by side. Scenario b moves every provider's cost and
// quality up by the same 0.5, which leaves logit shares unchanged, so each Bertrand–Nash price
// (p = c + mu / (1 − s)) must move by exactly 0.5 and each equilibrium share not at all.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import type { CliContext } from '../../../src/cli/context.ts';
import type { Comparison } from '../../../src/report/index.ts';
import { checkReportPage, CHROMIUM_PATH } from '../../report/browser.ts';

function capture(cwd: string): CliContext & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: {}, isTTY: false, cwd };
}

const scenario = (name: string, shift: number) => `name: ${name}
seed: 1
periods: 4
unit: 1M tokens
monteCarlo: { runs: 2 }
demand: { type: logit, mu: 0.25, outsideQuality: 0 }
providers:
  - { name: A, quality: ${2 + shift}, marginalCost: ${1 + shift}, cash: 100, strategy: { type: bestResponse } }
  - { name: B, quality: ${1.8 + shift}, marginalCost: ${0.9 + shift}, cash: 100, strategy: { type: costPlus, markup: 0.3 } }
`;

describe('costsim compare', () => {
  it('runs two scenario files and reports b − a; a report directory is read without running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costsim-compare-'));
    writeFileSync(join(dir, 'a.yaml'), scenario('base', 0));
    writeFileSync(join(dir, 'b.yaml'), scenario('shifted', 0.5));
    const ctx = capture(dir);
    expect(await main(['compare', 'a.yaml', 'b.yaml', '--workers', '1', '--json'], ctx), ctx.stderr.join('\n')).toBe(0);
    const c = JSON.parse(ctx.stdout[0] as string) as Comparison;
    expect([c.a.name, c.b.name]).toEqual(['base', 'shifted']);
    for (const provider of ['A', 'B']) {
      const nash = c.numbers.find((n) => n.provider === provider && n.metric === 'nashPriceUsd');
      expect(nash?.difference).toBeCloseTo(0.5, 6);
      expect(nash?.unit).toMatch(/1M tokens/);
    }
    expect(c.keyNumbers.length).toBeGreaterThan(0);

    // Report directories: read, not run (stderr says only where the page went), and the text table lists both sides.
    const again = capture(dir);
    expect(await main(['compare', 'reports/base', 'reports/shifted'], again)).toBe(0);
    expect(again.stderr).toEqual([`compare: wrote ${join(dir, 'reports', 'compare-base-vs-shifted', 'index.html')} (5 charts)`]);
    const text = again.stdout.join('\n');
    expect(text).toMatch(/^a: base/m);
    expect(text).toMatch(/^A\s+nashPriceUsd\s+\S+\s+\S+\s+0\.5\s/m);

    // The page: written to reports/compare-base-vs-shifted/ by default, both sides in each series chart.
    const page = join(dir, 'reports', 'compare-base-vs-shifted');
    expect(existsSync(join(page, 'index.html'))).toBe(true);
    const html = readFileSync(join(page, 'index.html'), 'utf8');
    expect(html).toMatch(/<title>base vs shifted<\/title>/);
    const saved = JSON.parse(readFileSync(join(page, 'comparison.json'), 'utf8')) as Comparison;
    expect(saved.numbers).toEqual(c.numbers);
    // The price chart's CSV holds each side's median prices exactly as each side's own report has them.
    const csv = readFileSync(join(page, 'compare-prices.csv'), 'utf8').trim().split('\n');
    const header = (csv[0] as string).split(',');
    const rows = csv.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
    expect(new Set(rows.map((r) => r['scenario']))).toEqual(new Set(['base', 'shifted']));
    for (const side of ['base', 'shifted']) {
      const own = readFileSync(join(dir, 'reports', side, 'market-prices.csv'), 'utf8')
        .trim()
        .split('\n');
      const ownHeader = (own[0] as string).split(',');
      const median = new Map(
        own
          .slice(1)
          .map((line) => Object.fromEntries(line.split(',').map((v, i) => [ownHeader[i], v])))
          .filter((r) => r['kind'] === 'simulated')
          .map((r) => [`${r['period']}/${r['provider']}`, Number(r['medianPriceUsd'])]),
      );
      const mine = rows.filter((x) => x['scenario'] === side);
      expect(mine.length).toBe(median.size);
      for (const r of mine) expect(Number(r['medianPriceUsd'])).toBe(median.get(`${r['period']}/${r['provider']}`));
    }
    for (const id of ['compare-prices', 'compare-shares', 'compare-survival', 'compare-cash', 'compare-differences'])
      expect(existsSync(join(page, `${id}.svg`)), id).toBe(true);
    if (existsSync(CHROMIUM_PATH)) {
      // Offline in headless Chromium: every chart draws, no console error.
      const opened = await checkReportPage(join(page, 'index.html'));
      expect(opened.containers).toHaveLength(5);
      expect(opened.rendered).toEqual(opened.containers);
      expect(opened.consoleErrors).toEqual([]);
    }

    // --out elsewhere; a directory costsim did not write is refused (exit 2), its files untouched.
    const mine = join(dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'keep me');
    const refused = capture(dir);
    expect(await main(['compare', 'reports/base', 'reports/shifted', '--out', 'mine'], refused)).toBe(2);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('keep me');
    const none = capture(dir);
    expect(await main(['compare', 'reports/base', 'reports/shifted', '--no-page', '--out', 'elsewhere'], none)).toBe(0);
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
  }, 120_000);
});
