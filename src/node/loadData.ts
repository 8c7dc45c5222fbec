/**
 * Data for Node (the CLI, the bench, the validation script, tests) from disk: the built-in MNIST
 * file, the official files in a data directory (`--data-dir`), or synthetic data. Which of them a
 * sweep trains on is the core's choice (`dataSourceFor`, core/data/source.ts); reading the files
 * lives here; parsing and preparation are the core's (src/core/data).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  parseBuiltinMnist,
  parseDatasetFiles,
  prepareData,
  syntheticDataset,
  type DataResult,
  type ImageDataset,
  type NamedBytes,
  type PreparedData,
} from '../core/data';
import { fail, ok } from '../core/data/result';
import { dataSourceFor, type ImageSource } from '../core/data/source';
import type { Settings } from '../core/settings/schema';
import { buildMnistFile } from './mnistBuilder';

/** Where Node finds the data. */
export interface DataLocation {
  /** Folder with the official files of the dataset (`--data-dir`); null for none. */
  dataDir: string | null;
  /** The repository root, whose `public/data/mnist.bin` is the built-in MNIST. */
  repoRoot: string;
}

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
 * Read the images `source` names.
 *
 * - `builtin-mnist`: `<repoRoot>/public/data/mnist.bin`, built first when missing.
 * - `files` of `mnist` / `fashion-mnist`: the IDX train pair in `dataDir`.
 * - `files` of `cifar10`: `.bin` batches in `dataDir` or `dataDir/cifar-10-batches-bin/`, else a
 *   `cifar-10-binary.tar.gz` in `dataDir`.
 * - `synthetic`: `syntheticDataset({ count, seed })`.
 *
 * @returns the dataset, or an error naming the directory (or file) and what was missing or wrong.
 *   Never throws for missing or unreadable files.
 */
export function loadImages(source: ImageSource, where: DataLocation): DataResult<ImageDataset> {
  if (source.kind === 'synthetic') {
    const { count, seed } = source;
    if (!Number.isInteger(count) || count < 1) {
      return fail(`synthetic: record count must be a positive integer, got ${count}`);
    }
    return ok(syntheticDataset({ count, seed }));
  }
  if (source.kind === 'builtin-mnist') return loadBuiltinMnist(where.repoRoot);
  const { dataset } = source;
  if (where.dataDir === null) {
    return fail(`${dataset}: needs --data-dir DIR with the official files (see README.md)`);
  }
  const dir = path.resolve(where.dataDir);
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

/**
 * The prepared data of a sweep of `settings`: the images {@link dataSourceFor} picks (MNIST from
 * `dataDir` when one is given, else the built-in file), read by {@link loadImages}, then their
 * first `trainSize` records prepared. Null for the uv model, which makes its own data.
 *
 * @returns the data, or an error naming what was missing or wrong. Never throws for bad files.
 */
export function loadSweepData(
  settings: Pick<Settings, 'model' | 'dataset' | 'trainSize' | 'dataSeed'>,
  where: DataLocation,
): DataResult<PreparedData | null> {
  const source = dataSourceFor(settings, where.dataDir === null ? 'builtin' : 'files');
  if (source.kind === 'none') return ok(null);
  const images = loadImages(source, where);
  if (!images.ok) return images;
  return prepareData(images.value, source.trainSize);
}
