/**
 * Build the built-in MNIST file `public/data/mnist.bin` (see `src/node/mnistBuilder.ts`).
 *
 * Usage: `tsx scripts/buildMnist.ts [--force]` (run by `npm run prepare-data`). Skips the work when
 * the output is newer than its inputs, so `npm run dev` stays fast.
 */
import path from 'node:path';
import { buildMnistFile, REPO_ROOT } from '../src/node/mnistBuilder';

const r = buildMnistFile(REPO_ROOT, process.argv.includes('--force'));
const where = path.relative(process.cwd(), r.outPath) || r.outPath;
console.log(
  `${where}: ${r.count} MNIST images, ${r.bytes} bytes${r.skipped ? ' (up to date, not rebuilt)' : ''}`,
);
