/**
 * Build the `phase-explorer` command to plain JavaScript: `dist-cli/phase-explorer.js`, one ES
 * module for Node ≥ 20 with a `#!/usr/bin/env node` line, so an installed package runs it without
 * tsx or any dev dependency (`npm run build:cli`; `npm pack` runs it first).
 *
 * Packages stay outside the bundle (`packages: 'external'`): the tfjs backends are resolved from
 * node_modules at run time, and tfjs-backend-wasm finds its .wasm binaries beside its own files
 * there. The built-in MNIST file is not bundled either: the package ships
 * `public/data/mnist.bin` (built here first), which the CLI finds under the package root.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT, buildMnistFile } from '../src/node/mnistBuilder';

const OUT = path.join(REPO_ROOT, 'dist-cli', 'phase-explorer.js');

buildMnistFile(REPO_ROOT);
fs.rmSync(path.dirname(OUT), { recursive: true, force: true });
await build({
  entryPoints: [path.join(REPO_ROOT, 'src/cli/bin.ts')],
  outfile: OUT,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
fs.chmodSync(OUT, 0o755);
process.stderr.write(
  `build:cli: ${path.relative(REPO_ROOT, OUT)} (${fs.statSync(OUT).size} bytes)\n`,
);
