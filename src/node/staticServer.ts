/**
 * Serves a Vite build on 127.0.0.1 with `vite preview` (Node only), on a free port: the built app
 * for the end-to-end tests (vite.config.ts, with its security headers) and the bench page for
 * `npm run bench` (vite.bench.config.ts). One server, so both are served as a static host serves
 * them, and neither sends cross-origin isolation headers (with them tfjs would pick threaded
 * wasm, whose pthread workers crash in minified builds).
 */
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

export interface Served {
  /** Base URL, ending in "/". */
  url: string;
  close(): Promise<void>;
}

/**
 * `vite preview` of the build that `configFile` (relative to `root`) describes: its `build.outDir`
 * must already hold a build.
 */
export async function serveBuild(root: string, configFile: string): Promise<Served> {
  // Loaded on use: the bench bundled for the device machine (scripts/device/pack.sh) leaves vite
  // out, and only its browser section, which that machine skips, needs a server.
  const { preview } = await import('vite');
  const port = await freePort();
  const server = await preview({
    root,
    configFile: join(root, configFile),
    logLevel: 'warn',
    preview: { host: '127.0.0.1', port, strictPort: true, open: false },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => server.close(),
  };
}
