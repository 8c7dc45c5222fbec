/**
 * Synthetic image data for tests and quick runs: Gaussian class clusters, rendered to uint8.
 */
import { createRng } from '../random/prng';
import type { ImageDataset } from './types';

/** Options for {@link syntheticDataset}. */
export interface SyntheticOptions {
  count: number;
  /** Default 8. */
  height?: number;
  /** Default 8. */
  width?: number;
  /** Default 10. */
  numClasses?: number;
  seed: number;
}

/** Spread of a sample around its class centre, in units of the centres' spread. */
const NOISE_STD = 0.75;
/** uint8 rendering: pixel = clamp(round(PIXEL_MID + PIXEL_SCALE·z), 0, 255). */
const PIXEL_MID = 127.5;
const PIXEL_SCALE = 48;

/**
 * A deterministic dataset of `count` single-channel images: class k has a centre μ_k with pixels
 * drawn N(0, 1); record i has label i mod numClasses and pixels z = μ_label + 0.75·ε, ε ~ N(0, I),
 * rendered as clamp(round(127.5 + 48·z), 0, 255). All draws come from
 * `createRng(seed, 'synthetic')`: the centres first, then the records in order, so the first N
 * records do not depend on `count`.
 *
 * Throws (a bug, not bad input) when a size is not a positive integer (count may be 0) or numClasses > 256.
 */
export function syntheticDataset(opts: SyntheticOptions): ImageDataset {
  const height = opts.height ?? 8;
  const width = opts.width ?? 8;
  const numClasses = opts.numClasses ?? 10;
  const { count } = opts;
  for (const [key, v] of [
    ['count', count],
    ['height', height],
    ['width', width],
    ['numClasses', numClasses],
  ] as const) {
    const min = key === 'count' ? 0 : 1;
    if (!Number.isInteger(v) || v < min) {
      throw new RangeError(`syntheticDataset: ${key} must be an integer >= ${min}, got ${v}`);
    }
  }
  if (numClasses > 256) throw new RangeError(`syntheticDataset: numClasses ${numClasses} > 256`);
  const dim = height * width;
  const rng = createRng(opts.seed, 'synthetic');
  const centres = new Float64Array(numClasses * dim);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  const images = new Uint8Array(count * dim);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % numClasses;
    labels[i] = label;
    for (let p = 0; p < dim; p++) {
      const z = centres[label * dim + p]! + NOISE_STD * rng.normal();
      images[i * dim + p] = Math.min(255, Math.max(0, Math.round(PIXEL_MID + PIXEL_SCALE * z)));
    }
  }
  return { name: 'synthetic', images, labels, count, height, width, channels: 1, numClasses };
}
