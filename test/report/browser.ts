/**
 * Open a report's index.html in headless Debian Chromium (playwright-core) and report what
 * rendered: per chart container, whether it holds a non-empty SVG or canvas; plus every
 * console error and page error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

/** Where .ci/run's `apt-get install chromium` puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface PageCheck {
  /** Chart container ids found on the page (chart-<id>). */
  containers: string[];
  /** Containers that hold an <svg> with at least one drawn child, or a non-empty <canvas>. */
  rendered: string[];
  consoleErrors: string[];
}

/**
 * Open `indexHtml` from disk (file://, no server, no network: any other request is aborted and
 * recorded) in a fresh headless Chromium profile, run `use` on the page, and close everything.
 */
export async function withReportPage<T>(indexHtml: string, use: (page: Page, consoleErrors: string[]) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'costsim-chromium-'));
  // A fresh profile directory per launch (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
    // Block anything that is not the file itself: the page must open offline.
    await page.route(/^(?!file:)/, (route) => {
      consoleErrors.push(`network request: ${route.request().url()}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(indexHtml).href, { waitUntil: 'load' });
    return await use(page, consoleErrors);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Load `indexHtml` and wait for every chart. */
export async function checkReportPage(indexHtml: string): Promise<PageCheck> {
  return withReportPage(indexHtml, async (page, consoleErrors) => {
    const containers = await page.$$eval('div.chart', (nodes) => nodes.map((n) => n.id));
    await page.waitForFunction((count) => document.querySelectorAll('div.chart svg, div.chart canvas').length >= count, containers.length, { timeout: 60_000 });
    const rendered = await page.$$eval('div.chart', (nodes) =>
      nodes
        .filter((n) => {
          const svg = n.querySelector('svg');
          if (svg) return svg.querySelectorAll('path, text, rect, line').length > 0 && svg.getBoundingClientRect().width > 0;
          const canvas = n.querySelector('canvas');
          return canvas !== null && canvas.width > 0 && canvas.height > 0;
        })
        .map((n) => n.id),
    );
    return { containers, rendered, consoleErrors };
  });
}
