/**
 * Finished cells live in IndexedDB: a reload in the middle of a sweep brings them back and the
 * sweep carries on without computing any of them again.
 */
import { describe, expect, it } from 'vitest';
import {
  sharedServerAndBrowser,
  LINKS,
  appAttr,
  cellCount,
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

describe('reload mid-sweep', () => {
  it('restores finished cells without recomputing them, then finishes the rest', async () => {
    const page = await browser.newPage();
    const url = `${server.url}?backends=wasm${LINKS.smallMnist}`;
    await page.goto(url);
    await waitForBackend(page);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForFunction(
      () => Number(document.querySelector('.app')?.getAttribute('data-computed-runs')) >= 3,
      undefined,
      {
        timeout: 180_000,
      },
    );
    const before = Number(await appAttr(page, 'data-computed-runs'));

    await page.reload();
    // Restored from storage before any computing.
    await page.waitForFunction(
      () => Number(document.querySelector('.app')?.getAttribute('data-restored-runs')) > 0,
      undefined,
      {
        timeout: 30_000,
      },
    );
    const restored = Number(await appAttr(page, 'data-restored-runs'));
    expect(restored).toBeGreaterThanOrEqual(before);
    // The sweep resumes by itself and finishes.
    await waitForStatus(page, ['done'], 300_000);
    const computedAfter = Number(await appAttr(page, 'data-computed-runs'));
    const cells = await cellCount(page);
    expect(computedAfter + restored).toBe(cells);

    // A second reload: everything is restored, nothing computed, and Run finishes at once.
    await page.reload();
    await page.waitForFunction(
      () => Number(document.querySelector('.app')?.getAttribute('data-restored-runs')) > 0,
    );
    expect(Number(await appAttr(page, 'data-restored-runs'))).toBe(cells);
    await waitForBackend(page);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(0);
    expect(await cellCount(page)).toBe(cells);
    await page.close();
  });

  it('works without IndexedDB and says that results will not persist', async () => {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
    });
    await page.goto(`${server.url}?backends=wasm${LINKS.uv}`);
    await waitForBackend(page);
    await expect
      .poll(() => page.locator('.sweep-message.warn').textContent())
      .toContain('will not survive a reload');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    expect(await cellCount(page)).toBeGreaterThan(0);
    await page.close();
  });
});
