/**
 * From stored images to model inputs: the first N records, each image standardised on its own,
 * stored row by row with its image shape (FCNs flatten, conv nets do not), with one-hot targets.
 */
import { fail, ok, type DataResult } from './result';
import type { ImageDataset, PreparedData } from './types';

/**
 * Standardise one image over all its pixels and channels: x̂ = (x − mean) / std, with the
 * population std (divisor n). Sums are taken in float64; the result is stored as float32. An image
 * with std 0 (all pixels equal) maps to zeros.
 *
 * @param pixels - the image's n values (any layout; the statistics ignore it).
 * @param out - where to write the n standardised values; a new array when omitted.
 * @returns `out`.
 */
export function standardizeImage(
  pixels: ArrayLike<number>,
  out: Float32Array = new Float32Array(pixels.length),
): Float32Array {
  const n = pixels.length;
  if (out.length !== n) {
    throw new RangeError(`standardizeImage: out has ${out.length} values, expected ${n}`);
  }
  if (n === 0) return out;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += pixels[i]!;
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = pixels[i]! - mean;
    squares += d * d;
  }
  const std = Math.sqrt(squares / n);
  if (std === 0) {
    out.fill(0);
    return out;
  }
  const inv = 1 / std;
  for (let i = 0; i < n; i++) out[i] = (pixels[i]! - mean) * inv;
  return out;
}

/**
 * Prepare the first `trainSize` records of `ds` for training (docs/PROTOCOL.md §2: `--train-size N` takes
 * the *first* N records of the training file, in file order).
 *
 * @returns `x`: N × (H·W·C) float32, row-major, each row standardised by
 *   {@link standardizeImage}; `shape`: [H, W, C]; `y`: N × numClasses one-hot (unscaled). An error names the dataset
 *   when N is not a positive integer or exceeds `ds.count`, or when `ds` is inconsistent.
 */
export function prepareData(ds: ImageDataset, trainSize: number): DataResult<PreparedData> {
  if (!Number.isInteger(trainSize) || trainSize < 1) {
    return fail(`${ds.name}: train size must be a positive integer, got ${trainSize}`);
  }
  if (trainSize > ds.count) {
    return fail(
      `${ds.name}: train size ${trainSize} exceeds the ${ds.count} records the dataset holds`,
    );
  }
  const dim = ds.height * ds.width * ds.channels;
  if (ds.images.length < ds.count * dim || ds.labels.length < ds.count) {
    return fail(`${ds.name}: dataset arrays are shorter than its count of ${ds.count} records`);
  }
  const { numClasses } = ds;
  const x = new Float32Array(trainSize * dim);
  const y = new Float32Array(trainSize * numClasses);
  for (let i = 0; i < trainSize; i++) {
    const label = ds.labels[i]!;
    if (label >= numClasses) {
      return fail(`${ds.name}: label ${label} at record ${i} is outside 0..${numClasses - 1}`);
    }
    standardizeImage(
      ds.images.subarray(i * dim, (i + 1) * dim),
      x.subarray(i * dim, (i + 1) * dim),
    );
    y[i * numClasses + label] = 1;
  }
  const shape: [number, number, number] = [ds.height, ds.width, ds.channels];
  return ok({ name: ds.name, x, y, count: trainSize, dim, shape, numClasses });
}
