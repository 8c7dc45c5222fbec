/**
 * Faults survived: the worker killed mid-sweep, the WebGPU device lost, IndexedDB missing, broken
 * or full, a reload in the middle of a cell, NaN and Inf in training. Each test shows the sweep
 * finishing with every finished cell kept and none counted twice: the cells match the plan (each
 * column is the c grid in order up to its first divergence, no duplicates), the runs computed
 * plus those restored equal the cells shown, and the app's own counter says done / total.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { expandCGrid } from '../../src/core/settings/codec';
import { decodeSettings } from '../../src/core/settings/url';
import {
  sharedServerAndBrowser,
  CELL,
  appAttr,
  cells,
  collectErrors,
  dropProfile,
  launch,
  planProblems,
  pressRun,
  waitForBackend,
  waitForStatus,
  watchCsp,
  type Browser,
  type Served,
} from './harness';

let server: Served;
let browser: Browser;
sharedServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** Faults injected, for the note. */
const injected: string[] = [];
afterAll(() => console.log(`faults injected: ${injected.length}: ${injected.join('; ')}`));

/** The planned columns ("depth/width/seed") and c grid of a link's settings. */
function planOf(hash: string): { columns: string[]; grid: number[] } {
  const { settings } = decodeSettings(hash);
  const uv = settings.model === 'uv' || settings.dataset === 'uv';
  const columns: string[] = [];
  for (const d of uv ? [2] : settings.depths)
    for (const w of settings.widths) for (const s of settings.seeds) columns.push(`${d}/${w}/${s}`);
  return { columns, grid: expandCGrid(settings.cGrid) };
}

/**
 * The finished sweep keeps every cell once: the plan holds, computed + restored = cells, and the
 * progress counter reads "N / N cells".
 */
async function expectComplete(page: Page, hash: string, restored = 0): Promise<number> {
  const found = await cells(page);
  const { columns, grid } = planOf(hash);
  expect(planProblems(found, columns, grid)).toEqual([]);
  expect(Number(await appAttr(page, 'data-computed-runs')) + restored).toBe(found.length);
  expect(await page.getByTestId('cells-done').textContent()).toBe(
    `${found.length} / ${found.length} cells`,
  );
  return found.length;
}

async function computed(page: Page): Promise<number> {
  return Number(await appAttr(page, 'data-computed-runs'));
}

async function waitComputed(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(document.querySelector('.app')?.getAttribute('data-computed-runs')) >= n,
    n,
    { timeout: 120_000, polling: 50 },
  );
}

describe('the worker dies mid-sweep', () => {
  it('a worker killed without a word is noticed, restarted on its backend, and the sweep resumes', async () => {
    const hash = '#v=1&d=2&w=8,16&n=256&mm=64&bs=64&t=5&li=6&c=log2%3A0%3A4.5%3A0.5&s=1';
    const page = await browser.newPage();
    const errors = collectErrors(page);
    // One worker: the sweep runs whole in it and resumes with the finished runs as `done`.
    await page.goto(`${server.url}?backends=wasm&workers=1&testHooks=1${hash}`);
    await waitForBackend(page);
    await pressRun(page);
    await waitComputed(page, 3);
    const killed = await page.evaluate(() =>
      (
        window as unknown as { __phaseExplorer: { killWorker(): boolean } }
      ).__phaseExplorer.killWorker(),
    );
    expect(killed).toBe(true);
    injected.push('worker terminated mid-sweep');
    const before = await computed(page);
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    expect(await appAttr(page, 'data-backend')).toBe('wasm');
    const badge = page.getByTestId('backend');
    expect(await badge.textContent()).toContain('1 restart');
    expect(await badge.getAttribute('title')).toContain('stopped unexpectedly');
    expect(await computed(page)).toBeGreaterThan(before);
    await expectComplete(page, hash);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a pool of two workers', () => {
  /** Kill worker `i` of the pool behind the app's back. */
  const kill = (page: Page, i: number): Promise<boolean> =>
    page.evaluate(
      (i) =>
        (
          window as unknown as { __phaseExplorer: { killWorker(i: number): boolean } }
        ).__phaseExplorer.killWorker(i),
      i,
    );

  it('one worker killed mid-sweep restarts alone; its run is handed out again; no cell lost or doubled', async () => {
    const hash = '#v=1&d=2&w=8,16&n=256&mm=64&bs=64&t=5&li=6&c=log2%3A0%3A4.5%3A0.5&s=11';
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}?backends=wasm&workers=2&testHooks=1${hash}`);
    await waitForBackend(page);
    const pool = page.getByTestId('pool');
    await expect.poll(() => pool.getAttribute('data-ready')).toBe('2');
    await pressRun(page);
    await waitComputed(page, 3);
    expect(await pool.getAttribute('data-sweep-workers')).toBe('2');
    expect(await kill(page, 1)).toBe(true);
    injected.push('worker 2 of 2 terminated mid-sweep');
    const before = await computed(page);
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    const badge = page.getByTestId('backend');
    expect(await badge.textContent()).toContain('1 restart');
    expect(await badge.getAttribute('title')).toContain(
      'worker 2: the worker on wasm stopped unexpectedly; restarted it',
    );
    expect(await computed(page)).toBeGreaterThan(before);
    await expectComplete(page, hash);
    // The restarted worker is back in the pool.
    await expect.poll(() => pool.getAttribute('data-ready')).toBe('2');
    expect(errors).toEqual([]);
    await page.close();
  });

  it("worker 1's backend failing moves it alone to the next backend; the sweep completes", async () => {
    const hash = '#v=1&d=2&w=8,16&n=256&mm=64&bs=64&t=5&li=6&c=log2%3A0%3A4%3A1&s=12';
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}?backends=wasm,cpu&workers=2&failAfterRuns=2${hash}`);
    await waitForBackend(page);
    await pressRun(page);
    injected.push('worker 1 of 2 fails after 2 runs');
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    expect(await appAttr(page, 'data-backend')).toBe('cpu');
    const title = (await page.getByTestId('backend').getAttribute('title')) ?? '';
    expect(title).toContain('worker 1: wasm failed (');
    expect(title).toContain('restarted on cpu');
    await expectComplete(page, hash);
    // The hook's own failure is logged by the worker; nothing else may be.
    expect(errors.filter((e) => !e.includes('(test hook)'))).toEqual([]);
    await page.close();
  });
});

describe('the GPU device is lost', () => {
  it('WebGPU losing its device mid-sweep restarts on WebGL, under the CSP, and no cell is lost', async () => {
    const gpu = await launch({ webgpu: true });
    try {
      const hash = '#v=1&d=2&w=8&c=1%2C2%2C3&n=128&mm=32&bs=32&t=3&li=6&s=7';
      const page = await gpu.newPage();
      const violations = await watchCsp(page);
      const errors = collectErrors(page);
      await page.goto(`${server.url}?backends=webgpu,webgl&loseDeviceAfterRuns=1${hash}`);
      expect(await waitForBackend(page)).toBe('webgpu');
      await pressRun(page);
      injected.push('WebGPU device destroyed after 1 run');
      expect(await waitForStatus(page, ['done', 'error'], 300_000)).toBe('done');
      expect(await appAttr(page, 'data-backend')).toBe('webgl');
      const title = (await page.getByTestId('backend').getAttribute('title')) ?? '';
      expect(title).toContain('webgpu failed');
      console.log(`after the device loss: ${title.replace(/\s+/g, ' ')}`);
      await expectComplete(page, hash);
      expect(await violations()).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await gpu.close();
      dropProfile(gpu.profileDir);
    }
  });
});

describe('IndexedDB fails', () => {
  /** Init scripts that break IndexedDB in the page, each as a browser might. */
  const BROKEN: Record<string, () => void> = {
    'open throws': () => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('IndexedDB is disabled (test)', 'SecurityError');
      };
    },
    'open fails': () => {
      IDBFactory.prototype.open = function () {
        const req = {} as { error?: DOMException; onerror?: (e: unknown) => void };
        setTimeout(() => {
          req.error = new DOMException(
            'Internal error opening backing store (test)',
            'UnknownError',
          );
          req.onerror?.({ target: req });
        }, 10);
        return req as unknown as IDBOpenDBRequest;
      };
    },
    'open never answers': () => {
      IDBFactory.prototype.open = () => ({}) as IDBOpenDBRequest;
    },
  };

  for (const [what, script] of Object.entries(BROKEN)) {
    it(`${what}: the app works and says results will not persist`, async () => {
      const hash = `#v=1&ds=uv&m=uv&w=32&c=log2%3A0%3A2.5%3A0.5&t=${20 + Object.keys(BROKEN).indexOf(what)}`;
      const page = await browser.newPage();
      const errors = collectErrors(page);
      await page.addInitScript(script);
      await page.goto(`${server.url}?backends=wasm${hash}`);
      injected.push(`IndexedDB ${what}`);
      await waitForBackend(page);
      await expect
        .poll(() => page.getByTestId('persistence-warning').textContent(), { timeout: 10_000 })
        .toContain('will not survive a reload');
      await pressRun(page);
      expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
      await expectComplete(page, hash);
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('full (QuotaExceededError on write): the sweep completes, the app says so, stored cells stay', async () => {
    const hash = '#v=1&ds=uv&m=uv&w=32,48&c=log2%3A0%3A2.5%3A0.5&t=30';
    const page = await browser.newPage();
    const errors = collectErrors(page);
    // Three writes fit, then every transaction aborts with QuotaExceededError, as when full.
    await page.addInitScript(() => {
      const put = IDBObjectStore.prototype.put;
      let writes = 0;
      IDBObjectStore.prototype.put = function (
        this: IDBObjectStore,
        value: unknown,
        key?: IDBValidKey,
      ) {
        const req = put.call(this, value, key);
        if (key !== '~probe' && ++writes > 3) {
          const tx = this.transaction;
          Object.defineProperty(tx, 'error', {
            value: new DOMException('The quota has been exceeded (test).', 'QuotaExceededError'),
          });
          tx.abort();
        }
        return req;
      };
    });
    await page.goto(`${server.url}?backends=wasm${hash}`);
    injected.push('IndexedDB full (QuotaExceededError)');
    await waitForBackend(page);
    await pressRun(page);
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    await expect
      .poll(() => page.getByTestId('persistence-warning').textContent())
      .toContain('storage is full');
    const total = await expectComplete(page, hash);
    expect(total).toBeGreaterThan(3);
    // The three cells stored before it filled up come back.
    await page.reload();
    await waitForBackend(page);
    await expect.poll(() => appAttr(page, 'data-restored-runs')).toBe('3');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('a reload in the middle of a cell', () => {
  it('brings back the finished cells and computes the interrupted one once', async () => {
    const hash = '#v=1&d=2&w=16&n=256&mm=64&bs=64&t=60&li=6&c=log2%3A0%3A4%3A1&s=3';
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}?backends=wasm${hash}`);
    await waitForBackend(page);
    await pressRun(page);
    await waitComputed(page, 2);
    // A cell is running and a few steps in.
    await page.waitForFunction(
      () => {
        const stats = document.querySelector('.sweep-stats')?.textContent ?? '';
        const step = /step (\d+) \/ 60/.exec(stats);
        return document.querySelector('.cell-running') !== null && step && Number(step[1]) >= 5;
      },
      undefined,
      { polling: 20 },
    );
    const finished = await computed(page);
    await page.reload();
    injected.push('reload while a cell was running');
    await page.waitForFunction(
      () => Number(document.querySelector('.app')?.getAttribute('data-restored-runs')) > 0,
    );
    const restored = Number(await appAttr(page, 'data-restored-runs'));
    expect(restored).toBeGreaterThanOrEqual(finished);
    // The sweep resumes by itself.
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    const total = await expectComplete(page, hash, restored);
    expect(total).toBeGreaterThan(restored);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('NaN and Inf in training', () => {
  it('diverging runs become divergence cells; no NaN reaches the page; the sweep completes', async () => {
    // Linear networks overflow float32 at these c (loss and sharpness become Inf, then NaN)
    // before the loss reaches the highest divergence threshold.
    const hash =
      '#v=1&d=2&w=8,16&act=linear&n=256&mm=64&bs=64&t=10&li=6&c=1%2C4%2C16%2C10000&dl=1e30';
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}?backends=wasm${hash}`);
    await waitForBackend(page);
    await pressRun(page);
    injected.push('NaN/Inf in loss and sharpness (linear net, c up to 1e4)');
    expect(await waitForStatus(page, ['done', 'error'])).toBe('done');
    await expectComplete(page, hash);
    const diverged = page.locator(`${CELL}[data-regime="divergence"]`);
    expect(await diverged.count()).toBe(2);

    // The exported runs show the non-finite values that training produced (JSON writes null).
    await page.getByRole('button', { name: 'Export' }).click();
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('menuitem', { name: 'Runs and columns (JSON Lines, as the CLI)' }).click(),
    ]);
    const runs = readFileSync((await dl.path())!, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            type: string;
            diverged?: boolean;
            loss?: unknown[];
            sharpness?: unknown[];
          },
      )
      .filter((r) => r.type === 'run' && r.diverged);
    expect(runs.filter((r) => r.loss?.includes(null) || r.sharpness?.includes(null))).toHaveLength(
      2,
    );

    // Select the diverged cells: curves, details and table, none of them with NaN or Infinity.
    await diverged.first().click();
    await diverged.last().click({ modifiers: ['Shift'] });
    await diverged.first().focus();
    await expect
      .poll(() => page.getByTestId('trajectory-caption').textContent())
      .toMatch(/\d+ selected/);
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/NaN|Infinity/);
    const attrs = await page.evaluate(() =>
      [...document.querySelectorAll('svg *')]
        .flatMap((el) => [...el.attributes].map((a) => a.value))
        .filter((v) => /NaN|Infinity/.test(v)),
    );
    expect(attrs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
