/**
 * Build of the bench page (bench.html + src/bench) for `npm run bench`, separate from the app's
 * vite.config.ts: only the page and its worker, into test-results/bench-dist (ignored by git), and
 * without public/ (the bench makes synthetic data). Same wasm handling as the app.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  publicDir: false,
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'test-results/bench-dist',
    emptyOutDir: true,
    // The wasm binaries are `?url` imports: keep them as files, never inlined as data URLs.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    chunkSizeWarningLimit: 2000,
    rolldownOptions: { input: 'bench.html' },
  },
});
