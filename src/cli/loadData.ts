/**
 * Load a dataset for the CLI from disk: the built-in MNIST file, user files in `--data-dir`, or
 * synthetic data. File reading lives here; parsing is the core's (src/core/data).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildMnistFile } from '../../scripts/buildMnist';
import {
  parseBuiltinMnist,
  parseDatasetFiles,
  syntheticDataset,
  type DataResult,
  type ImageDataset,
  type NamedBytes,
} from '../core/data';
import { fail } from '../core/data/result';

/** Datasets the CLI can load as images (the uv model makes its own data). */
export type CliDatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'synthetic';

/** Records in the CLI's synthetic dataset. */
export const SYNTHETIC_COUNT = 4096;
/** Seed of the CLI's synthetic dataset: the data are fixed, the run seeds vary the rest. */
export const SYNTHETIC_SEED = 0;

const CIFAR_BATCH = /^(data_batch_\d+|test_batch)\.bin$/i;
const CIFAR_ARCHIVE = /\.(tar\.gz|tgz|tar)$/i;

function regularFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort();
}

function readFiles(dir: string, names: readonly string[]): NamedBytes[] {
  return names.map((name) => {
    const buf = fs.readFileSync(path.join(dir, name));
    return { name, bytes: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) };
  });
}

/** Prefix a parser's error with the directory, so the user knows where we looked. */
function inDir<T>(dir: string, r: DataResult<T>): DataResult<T> {
  return r.ok ? r : fail(`${dir}: ${r.error}`);
}

function loadBuiltinMnist(repoRoot: string): DataResult<ImageDataset> {
  const file = path.join(repoRoot, 'public', 'data', 'mnist.bin');
  try {
    if (!fs.existsSync(file)) buildMnistFile(repoRoot); // a fresh clone has not run prepare-data
    const buf = fs.readFileSync(file);
    return parseBuiltinMnist(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail(`${file}: could not build or read the built-in MNIST file (${why})`);
  }
}

function loadIdx(dataset: 'mnist' | 'fashion-mnist', dir: string): DataResult<ImageDataset> {
  const names = regularFiles(dir).filter((n) => /images|labels|idx[13]/i.test(n));
  if (names.length === 0) {
    return fail(
      `${dir}: no IDX files for ${dataset} (expected train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz)`,
    );
  }
  return inDir(dir, parseDatasetFiles(dataset, readFiles(dir, names)));
}

function loadCifar10(dir: string): DataResult<ImageDataset> {
  for (const candidate of [dir, path.join(dir, 'cifar-10-batches-bin')]) {
    if (!fs.existsSync(candidate) || !fs.statSync(candidate).isDirectory()) continue;
    const batches = regularFiles(candidate).filter((n) => CIFAR_BATCH.test(n));
    if (batches.length > 0)
      return inDir(candidate, parseDatasetFiles('cifar10', readFiles(candidate, batches)));
  }
  const archives = regularFiles(dir).filter((n) => CIFAR_ARCHIVE.test(n));
  const archive = archives.find((n) => n === 'cifar-10-binary.tar.gz') ?? archives[0];
  if (archive !== undefined)
    return inDir(dir, parseDatasetFiles('cifar10', readFiles(dir, [archive])));
  return fail(
    `${dir}: no CIFAR-10 data (expected data_batch_1.bin … in it or in cifar-10-batches-bin/, or cifar-10-binary.tar.gz)`,
  );
}

/**
 * Load `dataset` for the CLI.
 *
 * - `mnist` without `dataDir`: `<repoRoot>/public/data/mnist.bin`, built first when missing.
 * - `mnist` / `fashion-mnist` with `dataDir`: the IDX train pair in that directory.
 * - `cifar10`: `.bin` batches in `dataDir` or `dataDir/cifar-10-batches-bin/`, else a
 *   `cifar-10-binary.tar.gz` in `dataDir`.
 * - `synthetic`: {@link syntheticDataset}, by default 4096 records from seed 0; pass `synthetic`
 *   (e.g. `{ count: trainSize, seed: dataSeed }`) to match what the worker generates.
 *
 * @returns the dataset, or an error naming the directory (or file) and what was missing or wrong.
 *   Never throws for missing or unreadable files.
 */
export function loadDataset(
  dataset: CliDatasetName,
  dataDir: string | null,
  repoRoot: string,
  synthetic: { count?: number; seed?: number } = {},
): DataResult<ImageDataset> {
  if (dataset === 'synthetic') {
    const count = synthetic.count ?? SYNTHETIC_COUNT;
    const seed = synthetic.seed ?? SYNTHETIC_SEED;
    if (!Number.isInteger(count) || count < 1) {
      return fail(`synthetic: record count must be a positive integer, got ${count}`);
    }
    return { ok: true, value: syntheticDataset({ count, seed }) };
  }
  if (dataset === 'mnist' && dataDir === null) return loadBuiltinMnist(repoRoot);
  if (dataDir === null) {
    return fail(`${dataset}: needs --data-dir DIR with the official files (see README.md)`);
  }
  const dir = path.resolve(dataDir);
  try {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      return fail(`${dir}: data directory does not exist`);
    }
    return dataset === 'cifar10' ? loadCifar10(dir) : loadIdx(dataset, dir);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return fail(`${dir}: could not read the data files (${why})`);
  }
}
