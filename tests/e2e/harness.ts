/**
 * End-to-end harness: serves the built app (dist/) with `vite preview` on a free localhost port
 * and drives Debian's Chromium through playwright-core, one fresh profile directory per context
 * (both from src/node/, which the bench shares).
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../src/node/chromium';
import { serveBuild, type Served } from '../../src/node/staticServer';

export type { Served } from '../../src/node/staticServer';

export const ROOT = resolve(import.meta.dirname, '../..');
export const RESULTS_DIR = join(ROOT, 'test-results');

/** `vite preview` of dist/ (built by `npm run build` before the suite). */
export function serve(): Promise<Served> {
  return serveBuild(ROOT, 'vite.config.ts');
}

export interface Browser {
  context: BrowserContext;
  profileDir: string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A Chromium with its own fresh profile. `webgpu: true` adds the flags that give a SwiftShader
 * WebGPU adapter; without them WebGPU is unavailable and the app falls back.
 * Pass an existing `profileDir` to reopen the same profile (IndexedDB survives).
 */
export async function launch(
  opts: { webgpu?: boolean; profileDir?: string } = {},
): Promise<Browser> {
  const chromium = await launchChromium({
    ...opts,
    context: {
      viewport: { width: 1440, height: 1000 },
      permissions: ['clipboard-read', 'clipboard-write'],
    },
  });
  const { context, profileDir } = chromium;
  context.setDefaultTimeout(60_000);
  return {
    context,
    profileDir,
    newPage: () => context.newPage(),
    close: () => chromium.close(),
  };
}

/** Remove a profile directory (after its browser is closed). */
export function dropProfile(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Console errors and page errors, for asserting that a page ran cleanly. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: false });
}

/** Cells of the phase diagram (DOM interface: docs/ARCHITECTURE.md). */
export const CELL = '[data-regime][data-c][data-depth][data-width]';

export async function cellCount(page: Page): Promise<number> {
  return page.locator(CELL).count();
}

export async function appAttr(page: Page, name: string): Promise<string | null> {
  return page.locator('.app').getAttribute(name);
}

/** Wait until the sweep reports a status in `statuses` (data-status on the app root). */
export async function waitForStatus(
  page: Page,
  statuses: string[],
  timeoutMs = 240_000,
): Promise<string> {
  const handle = await page.waitForFunction(
    (wanted) => {
      const s = document.querySelector('.app')?.getAttribute('data-status') ?? '';
      return wanted.includes(s) ? s : null;
    },
    statuses,
    { timeout: timeoutMs, polling: 250 },
  );
  return (await handle.jsonValue()) as string;
}

/** Wait for the worker to report its backend; returns its name. */
export async function waitForBackend(page: Page, timeoutMs = 120_000): Promise<string> {
  const handle = await page.waitForFunction(
    () => document.querySelector('.app')?.getAttribute('data-backend') || null,
    undefined,
    { timeout: timeoutMs, polling: 200 },
  );
  return (await handle.jsonValue()) as string;
}

/** Tiny sweeps for the suite, as links (settings in the hash). */
export const LINKS = {
  /** 2 columns of built-in MNIST, up to 10 c values each: a few seconds on wasm. */
  smallMnist: '#v=1&d=2&w=16,32&c=log2%3A0%3A4.5%3A0.5&n=512&mm=128&bs=128&t=5',
  /** 1 column, 3 c values, 3 steps: small enough for SwiftShader's WebGPU. */
  tinyMnist: '#v=1&d=2&w=8&c=1%2C3%2C6&n=128&mm=32&bs=32&t=3&li=8',
  /** The uv model: exact float64, no tfjs at all. */
  uv: '#v=1&ds=uv&m=uv&d=2&w=64,256&c=log2%3A0%3A2.5%3A0.25',
} as const;

/**
 * Watches a page for Content-Security-Policy violations: `securitypolicyviolation` events in the
 * document, and console messages naming the policy (a worker's violations only reach the
 * console). Add before the first `goto`.
 */
export async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const fromConsole: string[] = [];
  page.on('console', (msg) => {
    if (/content.security.policy/i.test(msg.text())) fromConsole.push(msg.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(
        `${e.effectiveDirective}: ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
      ),
    );
  });
  return async () => [
    ...fromConsole,
    ...(await page
      .evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])
      .catch(() => [] as string[])),
  ];
}

/**
 * Main-thread long tasks (PerformanceObserver `longtask`), with their start times, so a test can
 * keep those of one phase (e.g. from pressing Run to the end of the sweep).
 */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: { start: number; ms: number }[] };
    w.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries())
          w.__longTasks.push({ start: e.startTime, ms: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch {
      // No long-task timing in this browser.
    }
  });
}

/** Long tasks (durations, ms) that started at or after `sinceMs` (page time, performance.now()). */
export async function longTasksSince(page: Page, sinceMs: number): Promise<number[]> {
  return page.evaluate(
    (since) =>
      (window as unknown as { __longTasks: { start: number; ms: number }[] }).__longTasks
        .filter((t) => t.start >= since)
        .map((t) => t.ms),
    sinceMs,
  );
}

export interface CellInfo {
  id: string;
  depth: number;
  width: number;
  seed: number;
  c: number;
  regime: string;
}

/** Every diagram cell as data (DOM interface: docs/ARCHITECTURE.md). */
export async function cells(page: Page): Promise<CellInfo[]> {
  return page.locator(CELL).evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-run-id') ?? '',
      depth: Number(el.getAttribute('data-depth')),
      width: Number(el.getAttribute('data-width')),
      seed: Number(el.getAttribute('data-seed') ?? 0),
      c: Number(el.getAttribute('data-c')),
      regime: el.getAttribute('data-regime') ?? '',
    })),
  );
}

/**
 * Problems with a finished grid sweep's cells against its plan: duplicates, columns that are not
 * the c grid in ascending order up to and including the first divergence (docs/PROTOCOL.md §2: a column
 * stops there), missing columns. `columns` are "depth/width/seed" keys; `grid` the c values.
 */
export function planProblems(found: CellInfo[], columns: string[], grid: number[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const cell of found) {
    if (ids.has(cell.id)) problems.push(`cell ${cell.id} appears twice`);
    ids.add(cell.id);
  }
  const sorted = [...grid].sort((a, b) => a - b);
  for (const col of columns) {
    const mine = found
      .filter((f) => `${f.depth}/${f.width}/${f.seed}` === col)
      .sort((a, b) => a.c - b.c);
    if (mine.length === 0) {
      problems.push(`column ${col} has no cells`);
      continue;
    }
    const firstDiverged = mine.findIndex((m) => m.regime === 'divergence');
    const expected = firstDiverged < 0 ? sorted.length : firstDiverged + 1;
    if (mine.length !== expected)
      problems.push(`column ${col}: ${mine.length} cells, expected ${expected}`);
    mine.forEach((m, i) => {
      if (Math.abs(m.c - (sorted[i] ?? NaN)) > 1e-9 * m.c)
        problems.push(`column ${col}: cell ${i} has c = ${m.c}, expected ${sorted[i]}`);
    });
  }
  for (const f of found)
    if (!columns.includes(`${f.depth}/${f.width}/${f.seed}`))
      problems.push(`cell ${f.id} is outside the planned columns`);
  return problems;
}

/** Starts a sweep with the Run button. */
export async function pressRun(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).click();
}

/**
 * One server and one browser (WebGPU off: SwiftShader's WebGPU is 30-40× slower than wasm) for a
 * whole test file: registers the hooks that start and stop them and hands them to `use`.
 */
export function sharedServerAndBrowser(use: (server: Served, browser: Browser) => void): void {
  let server: Served | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await serve();
    browser = await launch({ webgpu: false });
    use(server, browser);
  });
  afterAll(async () => {
    await browser?.close();
    if (browser) dropProfile(browser.profileDir);
    await server?.close();
  });
}
