/**
 * The one way this project starts Chromium (Node only): the end-to-end harness
 * (tests/e2e/harness.ts) and the bench's browser section (scripts/bench/browser.ts) both drive
 * Debian's Chromium through playwright-core with the flags below, each in a fresh profile unless
 * given one to reopen.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

/** The browser binary: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A WebGPU adapter where there is no GPU: SwiftShader (CPU-emulated, 30–40× slower than wasm). */
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader'];

/** Why Chromium cannot be started here, or null when its binary is present. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`;
}

export interface LaunchOptions {
  /** Add the flags that give a (SwiftShader) WebGPU adapter; default true. */
  webgpu?: boolean;
  /** Reopen this profile (IndexedDB survives); default a new temporary one. */
  profileDir?: string;
  /** Context options (viewport, permissions, …). */
  context?: BrowserContextOptions;
}

export interface LaunchedChromium {
  context: BrowserContext;
  profileDir: string;
  /** The browser's version string, e.g. "131.0.6778.85". */
  version: string;
  /** Close the browser; `dropProfile: true` also removes its profile directory. */
  close(opts?: { dropProfile?: boolean }): Promise<void>;
}

/** Start headless Chromium (the real headless mode, `--headless=new`) in one profile directory. */
export async function launchChromium(opts: LaunchOptions = {}): Promise<LaunchedChromium> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(missing);
  const profileDir = opts.profileDir ?? mkdtempSync(join(tmpdir(), 'pe-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    ...opts.context,
    executablePath: CHROMIUM_PATH,
    headless: false, // '--headless=new' in the args: the real headless mode, not the shell
    args: [...BASE_ARGS, ...(opts.webgpu === false ? [] : WEBGPU_ARGS)],
  });
  return {
    context,
    profileDir,
    version: context.browser()?.version() ?? 'unknown',
    close: async ({ dropProfile = false } = {}) => {
      await context.close();
      if (dropProfile) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
