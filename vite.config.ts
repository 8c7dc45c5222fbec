import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// No cross-origin isolation headers on purpose: with them tfjs picks threaded wasm, whose pthread
// workers crash in minified builds (DESIGN.md).
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The wasm binaries are `?url` imports: keep them as files, never inlined as data URLs.
    assetsInlineLimit: (file) => (file.endsWith('.wasm') ? false : undefined),
    // The worker carries tfjs (≈ 1.3 MB); that is expected, not a warning.
    chunkSizeWarningLimit: 2000,
  },
  preview: { host: '127.0.0.1' },
});
