/**
 * In headless Chromium: clicking a colour legend entry filters the chart (the picked provider's
 * lines stay opaque, every other provider's fade), and a second click on the background shows
 * all again. The page is the real report page (libraries inlined, opened from disk, offline).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCharts } from '../../src/report/charts/index.ts';
import { loadEmbedLibraries, renderHtml } from '../../src/report/html.ts';
import { UNPICKED_OPACITY } from '../../src/report/theme.ts';
import { CHROMIUM_PATH, withReportPage } from './browser.ts';
import { fixtureResults } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'costsim-legend-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(CHROMIUM_PATH))('legend filtering in Chromium', () => {
  it('a click on a legend entry fades every other provider in market-prices', async () => {
    const full = fixtureResults();
    const results = { ...full, rows: { priceBands: full.rows.priceBands, marginalCost: full.rows.marginalCost } };
    const file = join(root, 'index.html');
    writeFileSync(file, renderHtml(results, buildCharts(results.rows), loadEmbedLibraries()));
    const { before, after, errors } = await withReportPage(file, async (page, consoleErrors) => {
      await page.waitForSelector('#chart-market-prices svg .role-legend-label text', { timeout: 60_000 });
      // Opacity of every drawn line path, by the stroke colour (one colour per provider).
      const opacities = () =>
        page.$$eval('#chart-market-prices svg g.mark-line path', (paths) =>
          paths.map((p) => ({ stroke: p.getAttribute('stroke') ?? '', opacity: Number(p.getAttribute('opacity') ?? p.getAttribute('stroke-opacity') ?? '1') })),
        );
      const first = await opacities();
      await page.locator('#chart-market-prices svg .role-legend-label text', { hasText: 'DeepSeek' }).first().click();
      await page.waitForFunction(
        (faded) => [...document.querySelectorAll('#chart-market-prices svg g.mark-line path')].some((p) => Number(p.getAttribute('opacity')) === faded),
        UNPICKED_OPACITY,
        { timeout: 10_000 },
      );
      return { before: first, after: await opacities(), errors: consoleErrors };
    });
    expect(errors).toEqual([]);
    expect(before.length).toBeGreaterThan(3);
    expect(before.every((p) => p.opacity === 1)).toBe(true);
    const deepSeek = '#f58518'; // the second colour of the palette: providers sort as Challenger, DeepSeek, Incumbent
    const picked = after.filter((p) => p.stroke === deepSeek);
    const others = after.filter((p) => p.stroke !== deepSeek);
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.every((p) => p.opacity === 1)).toBe(true);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((p) => p.opacity === UNPICKED_OPACITY)).toBe(true);
  }, 120_000);
});
