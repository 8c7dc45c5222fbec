import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Content-Security-Policy of the built app: scripts only from this origin, no inline script and
 * no eval. 'wasm-unsafe-eval' lets tfjs compile its WebAssembly (nothing else); the charts embed a
 * <style> element so that an exported SVG renders the same outside the page, hence inline styles;
 * PNG export draws the SVG through a blob: image.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The headers of one path rule (`/*` by default) of a `_headers` file, the format Netlify and
 * Cloudflare Pages read: a line with the path, then indented `Name: value` lines; `#` comments.
 */
export function headersFileRule(text: string, rule = '/*'): Record<string, string> {
  const headers: Record<string, string> = {};
  let inRule = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) {
      inRule = line.trim() === rule;
      continue;
    }
    const colon = line.indexOf(':');
    if (inRule && colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * The HTTP headers every response of the built app should carry: `public/_headers`, copied into
 * dist/ for static hosts that read it and sent by `vite preview` too, so both serve the same.
 */
export const STATIC_HEADERS = headersFileRule(
  readFileSync(new URL('./public/_headers', import.meta.url), 'utf8'),
);

/**
 * The policy as a <meta> in the built index.html only: the dev server injects inline scripts for
 * HMR. A <meta> policy binds the page but not the worker (a worker takes its policy from the HTTP
 * header of its script) nor frame-ancestors, so the policy also ships as a header
 * (`public/_headers`, which `vite preview` sends).
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: 'phase-explorer:csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) => {
        if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(html))
          throw new Error('index.html has an inline <script>: the CSP forbids it');
        // Right after <meta charset>, before anything the policy governs.
        const meta = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
        const charset = /<meta charset="[^"]*"\s*\/?>/i;
        if (!charset.test(html)) throw new Error('index.html: <meta charset> not found');
        return html.replace(charset, (m) => `${m}\n    ${meta}`);
      },
    },
  };
}

// No cross-origin isolation headers on purpose: with them tfjs picks threaded wasm, whose pthread
// workers crash in minified builds (docs/ARCHITECTURE.md).
// Every URL the app loads (scripts, the worker, the wasm binaries, data/mnist.bin) is built from
// `base`, so `vite build --base /sub/path/` gives an app that works under that path.
export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The wasm binaries are `?url` imports: keep them as files, never inlined as data URLs.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    // The worker carries tfjs (≈ 1.3 MB); that is expected, not a warning.
    chunkSizeWarningLimit: 2000,
  },
  preview: {
    host: '127.0.0.1',
    headers: STATIC_HEADERS,
  },
});
