/**
 * Teaching and sharing, as a lecturer and the colleague who opens their link would: a first visit
 * shows a whole diagram at once; a shared link opens the same cells, selection and view in a
 * fresh browser without computing; a lecture link hides the controls.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  CELL,
  LINKS,
  appAttr,
  cellCount,
  collectErrors,
  dropProfile,
  launch,
  screenshot,
  sharedServerAndBrowser,
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

async function selectedIds(page: Page): Promise<string[]> {
  return page
    .locator(`${CELL}[aria-pressed="true"]`)
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id') ?? '').sort());
}

describe('a first visit', () => {
  it('shows the precomputed quick demo at once, labelled, with how to read it', async () => {
    const fresh = await launch({ webgpu: false });
    try {
      const page = await fresh.newPage();
      const errors = collectErrors(page);
      await page.goto(server.url);
      // Nothing pressed: the shipped diagram fills in.
      await expect.poll(() => cellCount(page), { timeout: 30_000 }).toBeGreaterThan(30);
      const banner = page.getByTestId('import-banner');
      expect(await banner.getAttribute('data-source')).toBe('precomputed');
      expect(await banner.textContent()).toMatch(/Precomputed.*press Run to compute it live/i);
      expect(await page.getByTestId('how-to-read').textContent()).toContain('η = c/λ₀');
      expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(0);
      await screenshot(page, 'first-visit');

      // Dismissed, the help stays reachable.
      await page.getByRole('button', { name: 'Got it' }).click();
      expect(await page.getByTestId('how-to-read').count()).toBe(0);
      await page.getByRole('button', { name: 'How to read this' }).click();
      expect(await page.getByTestId('how-to-read').count()).toBe(1);

      // Run gives way: the shipped cells go and the live sweep starts.
      await waitForBackend(page);
      await page.getByRole('button', { name: 'Run', exact: true }).click();
      await expect.poll(() => banner.count()).toBe(0);
      await expect.poll(() => appAttr(page, 'data-status')).toMatch(/starting|running|done/);
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await waitForStatus(page, ['stopped', 'done']);
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
      dropProfile(fresh.profileDir);
    }
  });
});

describe('the typical curves', () => {
  it('show one small chart per phase, clipped where a run diverged, read out rounded', async () => {
    const fresh = await launch({ webgpu: false });
    try {
      const page = await fresh.newPage();
      const errors = collectErrors(page);
      await page.goto(server.url);
      await expect.poll(() => cellCount(page), { timeout: 30_000 }).toBeGreaterThan(30);
      const svg = page.locator('#trajectories-svg');
      await expect.poll(() => svg.getAttribute('data-view')).toBe('typical');
      const regimes = await svg
        .locator('g.multiple')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-regime')));
      expect(regimes.length).toBeGreaterThanOrEqual(3);
      expect(new Set(regimes).size).toBe(regimes.length);
      expect(regimes).toContain('divergence');
      expect(
        await svg
          .locator('g.multiple[data-regime="divergence"] g.diverged-marker')
          .first()
          .textContent(),
      ).toMatch(/^diverged at step \d+$/);
      // The readout sits by the cursor, with rounded numbers.
      const point = svg.locator('g.multiple g.panel-loss circle').nth(3);
      await point.scrollIntoViewIfNeeded();
      const at = (await point.boundingBox())!;
      await page.mouse.move(at.x + at.width / 2, at.y + at.height / 2);
      const readout = page.getByTestId('trajectory-readout');
      await expect.poll(() => readout.isVisible()).toBe(true);
      expect(await readout.textContent()).toMatch(/step 3/);
      expect(await readout.textContent()).not.toMatch(/\d\.\d{4,}/);
      await screenshot(page, 'typical-curves');
      // The other view: the latest run that did not diverge.
      await page.getByLabel('Selected runs').check();
      await expect.poll(() => svg.getAttribute('data-view')).toBe('overlay');
      expect(await page.getByTestId('trajectory-caption').textContent()).toContain(
        'did not diverge',
      );
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
      dropProfile(fresh.profileDir);
    }
  });
});

describe('a shared link', () => {
  it('opens in a fresh browser with the same cells, selection and Log y, without running', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm${LINKS.uv}`);
    await waitForBackend(page);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    const cells = await cellCount(page);
    await page.locator(CELL).nth(3).click();
    await page
      .locator(CELL)
      .nth(cells - 2)
      .click({ modifiers: ['Control'] });
    await page.getByLabel('Log y').check();
    const chosen = await selectedIds(page);
    expect(chosen).toHaveLength(2);
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toContain('ly=1');
    expect(link).toContain('res=');
    await page.close();

    const fresh = await launch({ webgpu: false });
    try {
      const other = await fresh.newPage();
      const errors = collectErrors(other);
      await other.goto(link);
      await expect.poll(() => cellCount(other)).toBe(cells);
      expect(await other.getByTestId('import-banner').getAttribute('data-source')).toBe('link');
      await expect.poll(() => selectedIds(other)).toEqual(chosen);
      expect(await other.getByLabel('Log y').isChecked()).toBe(true);
      await expect
        .poll(() => other.getByTestId('trajectory-caption').textContent())
        .toContain('2 selected');
      expect(await other.locator('#setting-dataset').inputValue()).toBe('uv');
      // Nothing was computed there.
      expect(Number(await appAttr(other, 'data-computed-runs'))).toBe(0);
      expect(await appAttr(other, 'data-status')).toBe('idle');
      expect(await other.getByTestId('url-notice').count()).toBe(0);
      await screenshot(other, 'shared-link-opened');

      // A tampered payload is refused with the named notice; the settings still apply.
      const bad = link.replace(/res=[^&]*/, 'res=AAAAbm90IGEgcGF5bG9hZA');
      await other.goto('about:blank');
      await other.goto(bad);
      const notice = other.getByTestId('url-notice');
      await expect.poll(() => notice.textContent()).toContain('shared results not shown');
      expect(await other.getByTestId('import-banner').count()).toBe(0);
      expect(await other.locator('#setting-dataset').inputValue()).toBe('uv');
      expect(errors).toEqual([]);
    } finally {
      await fresh.close();
      dropProfile(fresh.profileDir);
    }
  });
});

describe('a lecture link', () => {
  it('hides every control and keeps the diagram', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm${LINKS.uv}`);
    await waitForBackend(page);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    const cells = await cellCount(page);
    const hash = await page.evaluate(() => location.hash);
    await page.goto(`${server.url}?backends=wasm${hash}&lecture=1`);
    await expect.poll(() => cellCount(page)).toBe(cells);
    expect(await appAttr(page, 'data-lecture')).toBe('true');
    // No form field, and no button but the way out (the table's column links select cells, as
    // the cells themselves do: they are the view, not its controls).
    const fields = await page.locator('input:visible, select:visible, textarea:visible').count();
    expect(fields).toBe(0);
    const buttons = await page
      .locator('button:visible')
      .evaluateAll((els) =>
        els.filter((e) => !e.closest('.column-table')).map((e) => e.textContent?.trim() ?? ''),
      );
    expect(buttons).toEqual(['Exit lecture mode']);
    for (const name of ['Run', 'Share', 'Export', 'Import', 'Quick demo', 'Settings'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await page.locator('#setting-widths').count()).toBe(0);
    // The readout sits by the cursor, with rounded numbers.
    await page.locator(CELL).nth(2).hover();
    const float = page.getByTestId('hover-float');
    await expect.poll(() => float.isVisible()).toBe(true);
    expect(await float.textContent()).toMatch(/c = \d+(\.\d{1,2})?\b/);
    expect(await float.textContent()).not.toMatch(/\d\.\d{4,}/);
    await screenshot(page, 'lecture-mode');
    await page.getByTestId('lecture-exit').click();
    await expect.poll(() => page.getByRole('button', { name: 'Run', exact: true }).count()).toBe(1);
    expect(await page.evaluate(() => location.hash)).not.toContain('lecture');
    await page.close();
  });
});

describe('fields and keys', () => {
  it('widths "abc" disables Run and says why; fixing it enables Run again', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm${LINKS.uv}`);
    await waitForBackend(page);
    const run = page.getByRole('button', { name: 'Run', exact: true });
    await expect.poll(() => run.isEnabled()).toBe(true);
    const widths = page.locator('#setting-widths');
    await widths.fill('abc');
    await expect.poll(() => run.isDisabled()).toBe(true);
    expect(await page.getByTestId('run-blocked').textContent()).toContain('Widths w');
    await widths.fill('64,128');
    await widths.press('Enter');
    await expect.poll(() => run.isEnabled()).toBe(true);
    expect(await page.getByTestId('run-blocked').count()).toBe(0);
    await page.close();
  });

  it('the diagram is one Tab stop: arrows move inside it, Escape clears the selection', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm${LINKS.uv}`);
    await waitForBackend(page);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await waitForStatus(page, ['done']);
    expect(await cellCount(page)).toBeGreaterThan(10);
    const stops = () => page.locator(`${CELL}[tabindex="0"]`).count();
    expect(await stops()).toBe(1);
    await page.locator(`${CELL}[tabindex="0"]`).focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'));
    expect(await selectedIds(page)).toEqual([focused]);
    expect(await stops()).toBe(1);
    expect(await page.locator(`${CELL}[tabindex="0"]`).getAttribute('data-run-id')).toBe(focused);
    // Tab leaves the diagram at once instead of walking through every cell.
    await page.keyboard.press('Tab');
    const after = await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'));
    expect(after ?? null).toBeNull();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-run-id'))).toBe(
      focused,
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => selectedIds(page)).toEqual([]);
    await page.close();
  });
});

describe('before any run', () => {
  it('the diagram shows the planned grid: every column, the whole c range, empty cells', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    // Two columns of built-in MNIST, c = 2^0 … 2^4.5 in steps of 0.5: ten values each.
    await page.goto(`${server.url}${LINKS.smallMnist}`);
    const diagram = page.getByTestId('phase-diagram');
    await expect.poll(() => diagram.locator('rect.cell-planned').count()).toBe(20);
    expect(await cellCount(page)).toBe(0);
    // The c axis spans the grid, not only the reference lines at 2 and 4.
    const yTicks = await diagram.locator('.y-axis g.tick text').allTextContents();
    expect(yTicks).toEqual(expect.arrayContaining(['1 (2⁰)', '16 (2⁴)']));
    expect(await diagram.locator('.x-axis g.tick').count()).toBe(2);
    expect(await diagram.locator('text.empty-note').textContent()).toContain('Planned: 2 columns');
    await screenshot(page, 'planned-grid');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the first screen at the sizes people use', () => {
  it.each([
    [1440, 900],
    [1280, 720],
    [390, 844],
  ])('at %d×%d the help strip leaves the diagram in the first screen', async (width, height) => {
    const page = await browser.newPage();
    try {
      await page.setViewportSize({ width, height });
      await page.goto(`${server.url}?backends=wasm`);
      await expect.poll(() => cellCount(page), { timeout: 30_000 }).toBeGreaterThan(30);
      // Open, as on a first visit (another test of this browser may have folded it).
      if ((await page.getByTestId('how-to-read').count()) === 0)
        await page.getByRole('button', { name: 'How to read this' }).click();
      const help = await page.getByTestId('how-to-read').boundingBox();
      expect(help).not.toBeNull();
      // A strip, not a page: at most an eighth of the screen's height.
      expect(help!.height).toBeLessThanOrEqual(height / 8);
      // The diagram's top row of cells is in view without scrolling.
      const tops = await page
        .locator(CELL)
        .evaluateAll((els: Element[]) => els.map((e) => e.getBoundingClientRect().top));
      expect(Math.min(...tops)).toBeLessThan(height);
      // "More" unfolds the rest in place, and folds it again.
      await page.getByRole('button', { name: 'More', exact: true }).click();
      expect(await page.getByTestId('how-to-read').textContent()).toContain('Sharpness λ');
      await page.getByRole('button', { name: 'Less', exact: true }).click();
      expect(await page.locator('#how-to-read-more').isVisible()).toBe(false);
    } finally {
      await page.close();
    }
  });
});

describe('counts, estimates and panels', () => {
  it('the planned count and the estimate follow the typing, before Enter or blur', async () => {
    const page = await browser.newPage();
    // The uv model at widths no other test here computes (nothing stored for them).
    await page.goto(
      `${server.url}?backends=wasm#v=1&ds=uv&m=uv&d=2&w=64,128&c=log2%3A0%3A2.5%3A0.25`,
    );
    await waitForBackend(page);
    const done = page.getByTestId('cells-done');
    // Two widths × 11 c values.
    await expect.poll(() => done.textContent()).toMatch(/\/ 22 cells/);
    const eta = page.getByTestId('run-eta');
    await expect.poll(() => eta.textContent()).toMatch(/^22 runs · /);
    const widths = page.locator('#setting-widths');
    await widths.click();
    await widths.press('End');
    await widths.pressSequentially(',512', { delay: 30 });
    await expect.poll(() => done.textContent()).toMatch(/\/ 33 cells/);
    await expect.poll(() => eta.textContent()).toMatch(/^33 runs · /);
    // Still typing: the field kept its focus and its text.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('setting-widths');
    expect(await widths.inputValue()).toBe('64,128,512');
    await page.close();
  });

  it('the Paper preset opens its shipped result; a long Run asks first and offers it', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm`);
    await waitForBackend(page);
    await page.getByRole('button', { name: 'Paper: d = 8 FCN on CIFAR-10', exact: true }).click();
    const banner = page.getByTestId('import-banner');
    await expect.poll(() => banner.getAttribute('data-source')).toBe('precomputed');
    await expect.poll(() => cellCount(page)).toBe(51);
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(0);
    // The paper's own scale: days on WebAssembly, so Run asks, naming the estimate.
    const widths = page.locator('#setting-widths');
    await widths.fill('64,128,256,512,1024,2048');
    await page.locator('#setting-measureSize').fill('4096');
    await page.locator('#setting-measureSize').press('Enter');
    await expect
      .poll(() => page.getByTestId('run-eta').textContent())
      .toMatch(/days on WebAssembly/);
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const confirm = page.getByTestId('run-confirm');
    await expect.poll(() => confirm.isVisible()).toBe(true);
    expect(await confirm.textContent()).toMatch(/would take at most ≈ \d+ days on WebAssembly/);
    expect(await appAttr(page, 'data-status')).toBe('idle');
    await page.getByRole('button', { name: 'Open the precomputed result' }).click();
    await expect.poll(() => banner.getAttribute('data-source')).toBe('precomputed');
    await expect.poll(() => cellCount(page)).toBe(51);
    expect(await widths.inputValue()).toBe('32,64,128,256');
    expect(await appAttr(page, 'data-status')).toBe('idle');
    await page.close();
  });

  it('a link carries which panels are open, and a fresh browser opens them so', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}?backends=wasm${LINKS.uv}`);
    await waitForBackend(page);
    // Fold Settings and the help (with its key, which, unlike "Got it", is not remembered).
    await page.locator('.app-controls > details > summary').click();
    if ((await page.getByTestId('how-to-read').count()) === 1) await page.keyboard.press('?');
    await expect.poll(() => page.getByTestId('how-to-read').count()).toBe(0);
    const hash = await page.evaluate(() => location.hash);
    expect(hash).toMatch(/open=[^&]*-help/);
    expect(hash).toMatch(/open=[^&]*-settings/);
    await page.close();

    const fresh = await launch({ webgpu: false });
    try {
      const other = await fresh.newPage();
      await other.goto(`${server.url}?backends=wasm${hash}`);
      await waitForBackend(other);
      expect(await other.locator('.app-controls > details').getAttribute('open')).toBeNull();
      expect(await other.getByTestId('how-to-read').count()).toBe(0);
      // A first visit would show the help: the link's choice wins.
      await other.getByRole('button', { name: 'How to read this' }).click();
      await expect.poll(() => other.evaluate(() => location.hash)).toMatch(/open=[^&]*\bhelp/);
    } finally {
      await fresh.close();
      dropProfile(fresh.profileDir);
    }
  });
});
