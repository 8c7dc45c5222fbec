/**
 * The built app under a sub-path, as a static host serves it (GitHub Pages serves a project at
 * https://<owner>.github.io/<repo>/): built with `--base /phase-explorer/`, served by a plain
 * static file server that knows nothing of Vite and sends the headers of dist/_headers. The quick
 * demo fills there, every request stays under the sub-path, and the policy in the page's <meta>
 * and in the header agree and hold.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, headersFileRule } from '../../vite.config';
import {
  ROOT,
  appAttr,
  cellCount,
  collectErrors,
  dropProfile,
  launch,
  pressRun,
  waitForBackend,
  waitForStatus,
  watchCsp,
  type Browser,
} from './harness';

const BASE = '/phase-explorer/';
const OUT_DIR = join(ROOT, 'tmp', 'dist-subpath');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** Every path the server was asked for, by the page and by its worker. */
const served: string[] = [];
/** Every path asked for outside the sub-path (each one a URL the build did not base). */
const outside: string[] = [];
let server: Server;
let origin: string;
let browser: Browser;

/** A static server for OUT_DIR at BASE: files only, the `/*` headers of its _headers file. */
function staticServer(headers: Record<string, string>): Server {
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    served.push(url.pathname);
    if (!url.pathname.startsWith(BASE)) {
      outside.push(url.pathname);
      res.writeHead(404).end();
      return;
    }
    const rel = decodeURIComponent(url.pathname.slice(BASE.length)) || 'index.html';
    const file = resolve(OUT_DIR, rel);
    if (!file.startsWith(OUT_DIR + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    });
    createReadStream(file).pipe(res);
  });
}

beforeAll(async () => {
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    base: BASE,
    logLevel: 'warn',
    build: { outDir: OUT_DIR, emptyOutDir: true },
  });
  const headers = headersFileRule(readFileSync(join(OUT_DIR, '_headers'), 'utf8'));
  server = staticServer(headers);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launch({ webgpu: false });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (browser) dropProfile(browser.profileDir);
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
});

describe(`the app built with --base ${BASE}`, () => {
  it('ships the policy as <meta> and in _headers, the header adding frame-ancestors', () => {
    const html = readFileSync(join(OUT_DIR, 'index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
    expect(meta).toBe(CONTENT_SECURITY_POLICY);
    const headers = headersFileRule(readFileSync(join(OUT_DIR, '_headers'), 'utf8'));
    expect(headers['Content-Security-Policy']).toBe(`${meta}; frame-ancestors 'none'`);
    // Every script and stylesheet of the page is under the sub-path.
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(1);
    for (const ref of refs) expect(ref.startsWith(BASE), ref).toBe(true);
  });

  it('fills the quick demo under the sub-path, loading nothing from outside it', async () => {
    const page = await browser.newPage();
    const errors = collectErrors(page);
    const violations = await watchCsp(page);
    const response = await page.goto(`${origin}${BASE}?backends=wasm`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(await waitForBackend(page)).toBe('wasm');
    await pressRun(page);
    await waitForStatus(page, ['done'], 400_000);
    const cells = await cellCount(page);
    // The quick demo's columns on the built-in MNIST file, fetched from BASE/data/mnist.bin.
    expect(cells).toBeGreaterThanOrEqual(6);
    expect(Number(await appAttr(page, 'data-computed-runs'))).toBe(cells);
    expect(served).toContain(`${BASE}data/mnist.bin`);
    expect(served.some((p) => p.startsWith(`${BASE}assets/`) && p.endsWith('.wasm'))).toBe(true);
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
    expect(await violations()).toEqual([]);
    await page.close();
  });
});
