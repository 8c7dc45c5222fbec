/**
 * Route user files to the right parser by dataset and file name (the drop zone, the worker's
 * `load-files` command and the CLI's `--data-dir` all come through here).
 */
import { isBuiltinMnist, parseBuiltinMnist } from './builtinMnist';
import { parseCifar10 } from './cifar10';
import { parseIdxPair } from './idx';
import { fail, type DataResult, type NamedBytes, type ParseLimits } from './result';
import type { ImageDataset } from './types';

/** Datasets that can come from user files. */
export type FileDatasetName = 'cifar10' | 'fashion-mnist' | 'mnist';

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return (parts[parts.length - 1] ?? path).toLowerCase();
}

/** 0 for a training file, 2 for a test file, 1 when the name says neither. */
function splitRank(name: string): number {
  const base = baseName(name);
  if (base.includes('train')) return 0;
  if (base.includes('t10k') || base.includes('test')) return 2;
  return 1;
}

/**
 * Pick the IDX image and label files: names containing "images" (or "idx3") and "labels" (or
 * "idx1"), preferring "train" over unmarked over "t10k"/"test", both from the same split; the
 * first in name order within a split.
 */
export function pickIdxPair(
  files: readonly NamedBytes[],
): { images: NamedBytes; labels: NamedBytes } | { missing: string } {
  const sorted = [...files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const images = sorted.filter((f) => /images|idx3/.test(baseName(f.name)));
  const labels = sorted.filter((f) => /labels|idx1/.test(baseName(f.name)));
  for (const rank of [0, 1, 2]) {
    const img = images.find((f) => splitRank(f.name) === rank);
    const lab = labels.find((f) => splitRank(f.name) === rank);
    if (img && lab) return { images: img, labels: lab };
  }
  if (images.length === 0 && labels.length === 0)
    return { missing: 'an image file and a label file' };
  if (images.length === 0) return { missing: 'an image file' };
  if (labels.length === 0) return { missing: 'a label file' };
  return { missing: 'an image file and a label file from the same split (train or t10k)' };
}

/**
 * Parse user files as the dataset `dataset`.
 *
 * - `cifar10`: {@link parseCifar10} (the `.tar.gz` or `.bin` batches).
 * - `mnist`, `fashion-mnist`: the IDX pair chosen by {@link pickIdxPair} (e.g.
 *   `train-images-idx3-ubyte.gz` + `train-labels-idx1-ubyte.gz`), gzipped or raw; for `mnist`, a
 *   built-in `mnist.bin` ("PXMN") is accepted too.
 *
 * @returns the dataset, or an error naming the file at fault, or listing what was expected and
 *   the names given when the needed files are missing.
 */
export function parseDatasetFiles(
  dataset: FileDatasetName,
  files: readonly NamedBytes[],
  limits: ParseLimits = {},
): DataResult<ImageDataset> {
  if (dataset === 'cifar10') return parseCifar10(files, limits);
  if (dataset === 'mnist') {
    const builtin = files.find((f) => isBuiltinMnist(f.bytes));
    if (builtin) return parseBuiltinMnist(builtin.bytes, builtin.name);
  }
  const pair = pickIdxPair(files);
  if ('missing' in pair) {
    const given = files.length > 0 ? files.map((f) => f.name).join(', ') : 'no files';
    return fail(
      `${dataset}: missing ${pair.missing}; expected IDX files such as train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz; got: ${given}`,
    );
  }
  return parseIdxPair(pair.images, pair.labels, dataset, limits);
}
