/**
 * Backend choice in real Chromium: WebGPU (SwiftShader) when the flags allow it, and a fallback
 * that still completes when WebGPU is missing or the backend dies mid-sweep.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import {
  LINKS,
  appAttr,
  cellCount,
  collectErrors,
  dropProfile,
  launch,
  screenshot,
  serve,
  waitForBackend,
  waitForStatus,
  type Browser,
  type Served,
} from './harness';
import { PROBE_MARGIN } from '../../src/worker/protocol';

let server: Served;
let browser: Browser | null = null;

beforeAll(async () => {
  server = await serve();
});

afterEach(async () => {
  await browser?.close();
  if (browser) dropProfile(browser.profileDir);
  browser = null;
});

afterAll(async () => {
  await server?.close();
});

describe('backends', () => {
  it('skips a software WebGPU for WebAssembly and says why; the GPU stays one click away', async () => {
    browser = await launch({ webgpu: true });
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}${LINKS.tinyMnist}`);
    // Headless Chromium's WebGPU adapter is SwiftShader: measured many times slower than wasm.
    expect(await waitForBackend(page)).toBe('wasm');
    expect(await page.getByTestId('backend-why').textContent()).toMatch(/emulated in software/);
    const why = (await page.getByTestId('backend').getAttribute('title')) ?? '';
    expect(why).toMatch(/Chosen over WebGPU: .*software/);

    // The manual choice stays: run on the GPU anyway.
    await page.getByRole('button', { name: 'Use the GPU anyway' }).click();
    await expect.poll(() => appAttr(page, 'data-backend')).toBe('webgpu');
    const badge = (await page.getByTestId('backend').textContent()) ?? '';
    expect(badge).toContain('WebGPU');
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(await waitForStatus(page, ['done', 'error'], 420_000)).toBe('done');
    console.log(
      `tiny MNIST sweep on webgpu (SwiftShader): ${((Date.now() - t0) / 1000).toFixed(1)} s, adapter "${badge}"`,
    );
    expect(await cellCount(page)).toBeGreaterThanOrEqual(1);
    expect(await appAttr(page, 'data-backend')).toBe('webgpu');
    // The choice is remembered across a reload, and can be undone.
    await page.reload();
    expect(await waitForBackend(page)).toBe('webgpu');
    await page.getByRole('button', { name: 'Use WebAssembly (faster here)' }).click();
    await expect.poll(() => appAttr(page, 'data-backend')).toBe('wasm');
    await page.reload();
    expect(await waitForBackend(page)).toBe('wasm');
    expect(errors).toEqual([]);
  });

  it('judges a GPU by a timed probe against WebAssembly, and says what it measured', async () => {
    browser = await launch({ webgpu: true });
    const page = await browser.newPage();
    const errors = collectErrors(page);
    // The hook makes the probe judge SwiftShader as it would a hardware GPU: by timing it, not
    // by its name. WebAssembly wins on these cores.
    await page.goto(`${server.url}?gpuProbe=1${LINKS.tinyMnist}`);
    expect(await waitForBackend(page)).toBe('wasm');
    expect(await page.getByTestId('backend-why').textContent()).toMatch(/measured faster/);
    const title = (await page.getByTestId('backend').getAttribute('title')) ?? '';
    const probe =
      /Chosen over WebGPU: a timed probe ran a test gradient in ([\d.]+) ms on WebAssembly and ([\d.]+) ms on WebGPU/.exec(
        title,
      );
    expect(probe, title).not.toBeNull();
    const [wasmMs, gpuMs] = [Number(probe![1]), Number(probe![2])];
    expect(wasmMs * PROBE_MARGIN).toBeLessThan(gpuMs);
    console.log(`timed probe: WebAssembly ${wasmMs} ms, WebGPU (SwiftShader) ${gpuMs} ms`);
    expect(await page.getByRole('button', { name: 'Use the GPU anyway' }).count()).toBe(1);
    // The sweep runs on the backend the probe chose.
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(await waitForStatus(page, ['done', 'error'], 300_000)).toBe('done');
    expect(await cellCount(page)).toBeGreaterThanOrEqual(1);
    expect(errors).toEqual([]);
  });

  it('falls back when WebGPU is missing and completes', async () => {
    browser = await launch({ webgpu: false });
    const page = await browser.newPage();
    const errors = collectErrors(page);
    await page.goto(`${server.url}${LINKS.tinyMnist}`);
    const backend = await waitForBackend(page);
    expect(backend).not.toBe('webgpu');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(await waitForStatus(page, ['done', 'error'], 300_000)).toBe('done');
    expect(await cellCount(page)).toBeGreaterThanOrEqual(1);
    const title = (await page.getByTestId('backend').getAttribute('title')) ?? '';
    expect(title).toContain('webgpu');
    expect(errors).toEqual([]);
  });

  it('restarts on the next backend when the first dies mid-sweep, losing no finished cell', async () => {
    browser = await launch({ webgpu: false });
    const page = await browser.newPage();
    // The hook makes the first backend fail after 2 runs, as a lost device would. One worker: the
    // pool's per-worker fallback has its own case in faults.test.ts.
    await page.goto(`${server.url}?backends=wasm,cpu&workers=1&failAfterRuns=2${LINKS.tinyMnist}`);
    expect(await waitForBackend(page)).toBe('wasm');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    expect(await waitForStatus(page, ['done', 'error'], 300_000)).toBe('done');
    expect(await appAttr(page, 'data-backend')).toBe('cpu');
    const cells = await cellCount(page);
    expect(cells).toBeGreaterThanOrEqual(2);
    // Each cell computed exactly once across both workers.
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(cells);
    expect((await page.getByTestId('backend').textContent()) ?? '').toContain('1 restart');
    await screenshot(page, 'after-backend-restart');
  });
});
