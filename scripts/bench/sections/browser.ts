/**
 * Section `browser`: builds bench.html (vite.bench.config.ts), serves it and runs every browser
 * backend's plan in headless Chromium, one worker per backend, on synthetic 28×28 data. Then it
 * builds the app itself and times the quick demo with a pool of 1 and of 2 training workers on
 * WebAssembly, as a user would run it (press Run, wait for "Finished"). Skipped with a message
 * when there is no Chromium or a build fails.
 */
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromiumMissing, launchChromium } from '../../../src/node/chromium';
import { serveBuild } from '../../../src/node/staticServer';
import type { BrowserBenchPlan, BrowserBenchResult } from '../../../src/bench/protocol';
import { DEPTH, configRow, emit, progress, repoRoot } from '../common';
import type { BrowserPoolFigures, SectionRunner } from '../types';

const BENCH_CONFIG = 'vite.bench.config.ts';
const APP_CONFIG = 'vite.config.ts';

/** Pool sizes the app is timed with. */
export const POOL_SIZES: readonly number[] = [1, 2];

/**
 * The sweep timed per pool size: the quick demo (the defaults, an empty link), or with --quick
 * its two narrowest widths.
 */
function poolLink(quick: boolean): string {
  return quick ? '#v=1&w=16,64' : '';
}

/** The quick demo filled in headless Chromium with each of POOL_SIZES workers on wasm. */
export async function timePools(quick: boolean): Promise<BrowserPoolFigures | string> {
  const missing = chromiumMissing();
  if (missing !== null) return missing;
  progress(`browser pool: building the app with ${APP_CONFIG}`);
  const vite = path.join(repoRoot, 'node_modules/.bin/vite');
  const build = spawnSync(vite, ['build', '--config', APP_CONFIG, '--logLevel', 'error'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (build.status !== 0)
    return `vite build failed: ${(build.stderr || build.stdout).slice(-2000)}`;
  const link = poolLink(quick);
  const loadBefore = os.loadavg()[0] ?? 0;
  const server = await serveBuild(repoRoot, APP_CONFIG);
  const pools: { workers: number; seconds: number; runs: number; mainThreadSeconds: number }[] = [];
  try {
    for (const workers of POOL_SIZES) {
      // A fresh profile each time: no results stored by the previous pool size.
      const browser = await launchChromium({ webgpu: false });
      try {
        const page = await browser.context.newPage();
        page.on('pageerror', (e) => progress(`browser pool page error: ${e.message}`));
        await page.goto(`${server.url}?backends=wasm&workers=${workers}${link}`);
        await page
          .locator(`.app[data-backend="wasm"] [data-testid="pool"][data-ready="${workers}"]`)
          .waitFor({ timeout: 120_000 });
        // The page's main thread (React, the charts, the worker messages) shares the cores
        // with the workers: its busy time over the fill, from Chromium's own counters.
        const cdp = await browser.context.newCDPSession(page);
        await cdp.send('Performance.enable');
        const busy = async (): Promise<number> => {
          const { metrics } = await cdp.send('Performance.getMetrics');
          return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
        };
        const busy0 = await busy();
        const t0 = performance.now();
        await page.getByRole('button', { name: 'Run', exact: true }).click();
        await page
          .locator(['done', 'error', 'stopped'].map((st) => `.app[data-status="${st}"]`).join(', '))
          .waitFor({ timeout: 1_800_000 });
        const seconds = (performance.now() - t0) / 1000;
        const mainThreadSeconds = (await busy()) - busy0;
        const status = await page.locator('.app').getAttribute('data-status');
        const runs = Number(await page.locator('.app').getAttribute('data-computed-runs'));
        if (status !== 'done') return `the sweep with ${workers} workers ended as ${status}`;
        progress(
          `browser pool: ${workers} worker(s): ${seconds.toFixed(1)} s for ${runs} runs, main thread busy ${mainThreadSeconds.toFixed(1)} s`,
        );
        pools.push({ workers, seconds, runs, mainThreadSeconds });
      } finally {
        await browser.close({ dropProfile: true });
      }
    }
  } finally {
    await server.close();
  }
  const one = pools.find((p) => p.workers === 1);
  return {
    link: link === '' ? 'quick demo (defaults)' : link,
    backend: 'wasm',
    cores: os.availableParallelism(),
    pools: pools.map((p) => ({ ...p, speedup: one ? one.seconds / p.seconds : null })),
    loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
  };
}

export function browserPlan(quick: boolean): BrowserBenchPlan {
  const small = { depth: DEPTH, width: 64, batch: 128, measure: 256 };
  const mid = { depth: DEPTH, width: 256, batch: 128, measure: 256 };
  const common = { inputDim: 784, steps: 10, reps: quick ? 2 : 3, matmulReps: 3 };
  // What a real GPU should show (16 members of a w ≤ 256 column well under 4× one run). The worker
  // skips it on a software adapter (SwiftShader here), where it would take many minutes and say
  // nothing about a GPU.
  const gpuEnsemble = { ...mid, steps: 10, members: 16, singles: 2 };
  return {
    backends: [
      // SwiftShader (a CPU-emulated adapter here) is 30–40× slower than wasm: tiny sizes only.
      {
        backend: 'webgpu',
        ...common,
        matmulN: 256,
        configs: [{ ...small, cell: false }],
        ensemble: gpuEnsemble,
      },
      {
        backend: 'webgl',
        ...common,
        matmulN: 512,
        configs: quick
          ? [{ ...small, cell: false }]
          : [
              { ...small, cell: true },
              { ...mid, cell: false },
            ],
        ensemble: gpuEnsemble,
      },
      {
        backend: 'wasm',
        ...common,
        matmulN: quick ? 512 : 1024,
        configs: quick
          ? [{ ...small, cell: true }]
          : [
              { ...small, cell: true },
              { ...mid, cell: true },
            ],
        // The Node section measures wasm ensembles.
        ensemble: null,
      },
    ],
  };
}

async function runInBrowser(
  quick: boolean,
): Promise<{ result: BrowserBenchResult; version: string } | string> {
  const missing = chromiumMissing();
  if (missing !== null) return missing;
  progress(`browser: building bench.html with ${BENCH_CONFIG}`);
  const vite = path.join(repoRoot, 'node_modules/.bin/vite');
  const build = spawnSync(vite, ['build', '--config', BENCH_CONFIG, '--logLevel', 'error'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (build.status !== 0)
    return `vite build failed: ${(build.stderr || build.stdout).slice(-2000)}`;
  const server = await serveBuild(repoRoot, BENCH_CONFIG);
  try {
    const browser = await launchChromium({ webgpu: true });
    try {
      const page = await browser.context.newPage();
      page.on('console', (m) => {
        if (m.text().startsWith('[bench]')) progress(`browser ${m.text().slice(8)}`);
        else if (m.type() === 'error') progress(`browser console: ${m.text()}`);
      });
      page.on('pageerror', (e) => progress(`browser page error: ${e.message}`));
      await page.goto(`${server.url}bench.html`);
      await page.waitForFunction(
        () => typeof (globalThis as unknown as { runBench?: unknown }).runBench === 'function',
      );
      const plan = browserPlan(quick);
      const result = await page.evaluate(
        (p) =>
          (
            globalThis as unknown as {
              runBench: (p: BrowserBenchPlan) => Promise<BrowserBenchResult>;
            }
          ).runBench(p),
        plan,
      );
      return { result, version: browser.version };
    } finally {
      await browser.close({ dropProfile: true });
    }
  } finally {
    await server.close();
  }
}

export const browserSection: SectionRunner = async ({ opts, report }) => {
  const b = await runInBrowser(opts.quick).catch((err: unknown) =>
    err instanceof Error ? `browser run failed: ${err.message}` : String(err),
  );
  if (typeof b === 'string') {
    progress(`browser skipped: ${b}`);
    report.browser = b;
    return;
  }
  report.browser = b;
  report.machine['chromium'] = b.version;
  for (const br of b.result.results) {
    const label = br.softwareAdapter ? `${br.backend} (software adapter)` : br.backend;
    if (br.matmul) {
      report.matmuls.push({
        where: 'browser',
        backend: label,
        figures: br.matmul,
        adapter: br.adapter,
      });
      emit({
        type: 'matmul',
        where: 'browser',
        backend: label,
        adapter: br.adapter,
        ...br.matmul,
      });
    }
    br.kernels.forEach((k) => {
      const cell =
        br.cells.find(
          (c) => c.width === k.width && c.batch === k.batch && c.measure === k.measure,
        ) ?? null;
      const row = configRow('browser', label, 'synthetic', k, cell, br.matmul);
      report.rows.push(row);
      emit(row);
    });
    if (br.ensemble) emit({ type: 'ensemble', where: 'browser', backend: label, ...br.ensemble });
    if (br.error) emit({ type: 'browser-error', backend: br.backend, error: br.error });
  }
  const pool = await timePools(opts.quick).catch((err: unknown) =>
    err instanceof Error ? `browser pool run failed: ${err.message}` : String(err),
  );
  report.browserPool = pool;
  if (typeof pool === 'string') progress(`browser pool skipped: ${pool}`);
  else emit({ type: 'browser-pool', ...pool });
};
