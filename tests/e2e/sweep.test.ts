/**
 * A person's path through the app: open it, press Run, watch cells appear, click one, share the
 * link, open a malformed link.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  sharedServerAndBrowser,
  CELL,
  LINKS,
  appAttr,
  cellCount,
  collectErrors,
  dropProfile,
  launch,
  screenshot,
  waitForBackend,
  waitForStatus,
  type Browser,
  type Served,
} from './harness';

let server: Served;
let browser: Browser;
sharedServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function open(hash = '', query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors = collectErrors(page);
  // Long tasks on the main thread, for the report (tests never assert wall-clock time).
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push(e.duration);
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // No long-task timing in this browser.
    }
  });
  await page.goto(`${server.url}${query}${hash}`);
  await waitForBackend(page);
  return { page, errors };
}

describe('the default page', () => {
  it('runs the quick demo: cells with data-regime appear, a clicked cell shows its curves', async () => {
    // The wasm backend (the test hook pins it): the quick demo is sized for it.
    const { page, errors } = await open('', '?backends=wasm');
    await expect.poll(() => appAttr(page, 'data-backend')).toBe('wasm');
    await expect.poll(() => page.getByTestId('backend').textContent()).toContain('WebAssembly');
    await screenshot(page, 'default-view');

    const t0 = Date.now();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    // The precomputed quick demo of a first visit gives way to the live sweep.
    await page.waitForFunction(() => !document.querySelector('[data-source="precomputed"]'));
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length >= 6, CELL, {
      timeout: 180_000,
    });
    const firstSix = (Date.now() - t0) / 1000;
    await waitForStatus(page, ['done'], 300_000);
    const seconds = (Date.now() - t0) / 1000;
    const cells = await cellCount(page);
    const longTasks = await page.evaluate(
      () => (window as unknown as { __longTasks: number[] }).__longTasks,
    );
    console.log(
      `quick demo on wasm: 6 cells after ${firstSix.toFixed(1)} s, ${cells} cells in ${seconds.toFixed(1)} s; ` +
        `main-thread long tasks: ${longTasks.length}, longest ${Math.max(0, ...longTasks).toFixed(0)} ms`,
    );
    expect(cells).toBeGreaterThanOrEqual(6);
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(cells);
    // Every cell says its run in words.
    const label = await page.locator(CELL).first().getAttribute('aria-label');
    expect(label).toMatch(/depth \d+, width \d+/);
    await screenshot(page, 'finished-diagram');

    const cell = page.locator(CELL).nth(Math.floor(cells / 2));
    await cell.click();
    await expect
      .poll(() => page.getByTestId('trajectory-caption').textContent())
      .toContain('1 selected');
    const lines = page.locator('#trajectories-svg g.series path.line');
    await expect.poll(() => lines.count()).toBeGreaterThanOrEqual(2); // loss and sharpness panels
    const d = await lines.first().getAttribute('d');
    expect(d?.length ?? 0).toBeGreaterThan(10);
    await screenshot(page, 'selected-cell');

    // Shift-click a second cell: a range is selected and overlaid.
    await page
      .locator(CELL)
      .nth(0)
      .click({ modifiers: ['Shift'] });
    await expect
      .poll(() => page.getByTestId('trajectory-caption').textContent())
      .toMatch(/[2-9]\d* selected|\d{2,} selected/);
    expect(errors).toEqual([]);

    // Read-only on a phone: the diagram first, the settings folded away below.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await screenshot(page, 'phone');
    await page.close();
  });
});

describe('export and import', () => {
  it('exports runs as CSV and JSON Lines; importing a file with bad lines shows the good ones and counts the bad', async () => {
    const { page, errors } = await open(LINKS.uv, '?backends=wasm');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    const cells = await cellCount(page);

    const download = async (item: string): Promise<string> => {
      await page.getByRole('button', { name: 'Export' }).click();
      const [dl] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('menuitem', { name: item }).click(),
      ]);
      return readFileSync((await dl.path())!, 'utf8');
    };
    const csv = (await download('Runs (CSV)')).trim().split('\n');
    expect(csv[0]).toMatch(/^depth,width,seed,orderSeed,c,eta,/);
    expect(csv).toHaveLength(cells + 1);
    const jsonl = await download('Runs and columns (JSON Lines, as the CLI)');
    const lines = jsonl.trim().split('\n');
    expect(lines.length).toBeGreaterThan(cells);

    const bad = [...lines.slice(0, 3), '{"type":"run","depth":"deep"}', 'garbage'].join('\n');
    await page.getByTestId('import-input').setInputFiles({
      name: 'cli.jsonl',
      mimeType: 'application/x-ndjson',
      buffer: Buffer.from(bad),
    });
    const banner = page.getByTestId('import-banner');
    await expect.poll(() => banner.textContent()).toContain('2 of 5 lines rejected');
    expect(await banner.textContent()).toContain('line 4: "depth" must be a positive integer');
    expect(await cellCount(page)).toBe(3);
    await expect
      .poll(() => page.getByRole('button', { name: 'Run', exact: true }).isDisabled())
      .toBe(true);
    await page.getByRole('button', { name: 'Close import' }).click();
    await expect.poll(() => cellCount(page)).toBe(cells);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('sharing', () => {
  it('Share copies a link that reproduces the settings in a fresh page', async () => {
    const { page } = await open(LINKS.uv);
    // Change a setting through its control, as a person would.
    const steps = page.locator('#setting-steps');
    await steps.fill('12');
    await steps.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toContain('t=12');
    await page.getByRole('button', { name: 'Share' }).click();
    const shown = await page.getByTestId('share-link').inputValue();
    const copied = await page.evaluate(() => navigator.clipboard.readText()).catch(() => shown);
    expect(copied).toBe(shown);
    expect(copied).toContain('t=12');
    await page.close();

    const fresh = await launch({ webgpu: false });
    try {
      const other = await fresh.newPage();
      await other.goto(copied);
      await expect.poll(() => other.locator('#setting-steps').inputValue()).toBe('12');
      await expect.poll(() => other.locator('#setting-widths').inputValue()).toBe('64,256');
      expect(await other.locator('#setting-dataset').inputValue()).toBe('uv');
      expect(await other.getByTestId('url-notice').count()).toBe(0);
    } finally {
      await fresh.close();
      dropProfile(fresh.profileDir);
    }
  });

  it('refuses invalid input with a message naming the problem, and keeps the old value', async () => {
    const { page } = await open(LINKS.uv);
    const widths = page.locator('#setting-widths');
    await widths.fill('64,abc');
    await widths.press('Enter');
    await expect
      .poll(() => page.getByRole('alert').first().textContent())
      .toContain('"abc" is not an integer');
    expect(await page.evaluate(() => location.hash)).toContain('w=64%2C256');
    await page.close();
  });
});

describe('a malformed link', () => {
  it('shows a notice naming each bad field, and the app still runs', async () => {
    const { page, errors } = await open(
      '#v=1&ds=uv&m=uv&w=64,zebra&c=log2:0:banana:1&t=-3&wat=1',
      '?backends=wasm',
    );
    const notice = page.getByTestId('url-notice');
    await expect.poll(() => notice.isVisible()).toBe(true);
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('Widths w');
    expect(text).toContain('c grid');
    expect(text).toContain('Steps T');
    expect(text).toContain('wat');
    await screenshot(page, 'malformed-link');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    expect(await cellCount(page)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await notice.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
