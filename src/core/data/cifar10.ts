/**
 * CIFAR-10 in its official binary layout: records of 3073 bytes (1 label byte, then 1024 red,
 * 1024 green, 1024 blue bytes, each plane row-major 32×32), in `data_batch_1.bin` …
 * `data_batch_5.bin` and `test_batch.bin`, shipped together as `cifar-10-binary.tar.gz`.
 * Pixels are converted from planar CHW to the project's channel-last HWC.
 */
import { gunzipLimited, hexPrefix, isGzip } from './gzip';
import { parseTar } from './tar';
import { fail, ok, type DataResult, type NamedBytes, type ParseLimits } from './result';
import type { ImageDataset } from './types';

/** Image side in pixels. */
export const CIFAR10_SIDE = 32;
/** Pixels per channel plane (32×32). */
const PLANE = CIFAR10_SIDE * CIFAR10_SIDE;
/** Bytes per image (3 planes). */
const IMAGE_BYTES = 3 * PLANE;
/** Bytes per record: one label byte, then the image. */
export const CIFAR10_RECORD_BYTES = 1 + IMAGE_BYTES;

const EXPECTED =
  'expected cifar-10-binary.tar.gz, or its data_batch_1.bin … data_batch_5.bin (or test_batch.bin)';

interface Batch {
  /** Name for messages: the file, or `archive/path` for an entry of an archive. */
  displayName: string;
  baseName: string;
  bytes: Uint8Array;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}

/** Tar archives have "ustar" at byte 257 (POSIX and GNU). */
function isTar(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 512 &&
    bytes[257] === 0x75 &&
    bytes[258] === 0x73 &&
    bytes[259] === 0x74 &&
    bytes[260] === 0x61 &&
    bytes[261] === 0x72
  );
}

/** Unpack archives (tar, tar.gz) into their entries; pass other files through. */
function collectFiles(files: readonly NamedBytes[], limits: ParseLimits): DataResult<Batch[]> {
  const out: Batch[] = [];
  for (const file of files) {
    if (file.bytes.length === 0) return fail(`${file.name}: file is empty`);
    let bytes = file.bytes;
    const looksCompressed = /\.(t?gz)$/i.test(file.name);
    if (isGzip(bytes)) {
      const inflated = gunzipLimited(file, limits);
      if (!inflated.ok) return inflated;
      bytes = inflated.value;
    } else if (looksCompressed) {
      return fail(
        `${file.name}: not gzip data (starts with ${hexPrefix(bytes)}; gzip starts with 1f 8b)`,
      );
    }
    if (isTar(bytes) || looksCompressed || /\.tar$/i.test(file.name)) {
      const entries = parseTar({ name: file.name, bytes });
      if (!entries.ok) return entries;
      for (const e of entries.value) {
        out.push({
          displayName: `${file.name}/${e.name}`,
          baseName: baseName(e.name),
          bytes: e.bytes,
        });
      }
    } else {
      out.push({ displayName: file.name, baseName: baseName(file.name), bytes });
    }
  }
  return ok(out);
}

/**
 * Choose the training batches: `data_batch_N.bin` in order of N (duplicates by name dropped);
 * else `test_batch.bin` when it is all there is; else any other `.bin` files in name order.
 */
function selectBatches(all: readonly Batch[]): Batch[] {
  const train = new Map<number, Batch>();
  for (const b of all) {
    const m = /^data_batch_(\d+)\.bin$/i.exec(b.baseName);
    if (m && !train.has(Number(m[1]))) train.set(Number(m[1]), b);
  }
  if (train.size > 0) return [...train.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
  const test = all.find((b) => /^test_batch\.bin$/i.test(b.baseName));
  if (test) return [test];
  return all
    .filter((b) => /\.bin$/i.test(b.baseName))
    .sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : 0));
}

/**
 * Parse CIFAR-10 from the official binary files.
 *
 * @param files - one or more `.bin` batches, or `cifar-10-binary.tar.gz` (or a plain `.tar`).
 *   The training set is `data_batch_1..N.bin` in batch order; `test_batch.bin` and other entries
 *   (`batches.meta.txt`, `readme.html`) are ignored unless `test_batch.bin` is the only batch.
 * @returns a dataset of 32×32×3 uint8 images, channel-last (HWC), labels 0..9, in file order;
 *   or an error naming the file: a size that is not a whole number of 3073-byte records, a label
 *   outside 0..9 (with its record index), unreadable archives, or no batch at all.
 */
export function parseCifar10(
  files: readonly NamedBytes[],
  limits: ParseLimits = {},
): DataResult<ImageDataset> {
  if (files.length === 0) return fail(`CIFAR-10: no files given; ${EXPECTED}`);
  const collected = collectFiles(files, limits);
  if (!collected.ok) return collected;
  const batches = selectBatches(collected.value);
  if (batches.length === 0) {
    const seen = collected.value.map((b) => b.displayName);
    const names = seen.length > 0 ? seen.join(', ') : files.map((f) => f.name).join(', ');
    return fail(`CIFAR-10: none of the files is a CIFAR-10 batch (${EXPECTED}); got: ${names}`);
  }
  let count = 0;
  for (const b of batches) {
    if (b.bytes.length === 0) return fail(`${b.displayName}: file is empty`);
    if (b.bytes.length % CIFAR10_RECORD_BYTES !== 0) {
      return fail(
        `${b.displayName}: size ${b.bytes.length} bytes is not a multiple of the ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 record`,
      );
    }
    count += b.bytes.length / CIFAR10_RECORD_BYTES;
  }
  for (const b of batches) {
    const records = b.bytes.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records; r++) {
      const label = b.bytes[r * CIFAR10_RECORD_BYTES]!;
      if (label > 9) {
        return fail(
          `${b.displayName}: record ${r} has label ${label}; CIFAR-10 labels are 0..9 (is this CIFAR-100?)`,
        );
      }
    }
  }
  const images = new Uint8Array(count * IMAGE_BYTES);
  const labels = new Uint8Array(count);
  let record = 0;
  for (const b of batches) {
    const src = b.bytes;
    const records = src.length / CIFAR10_RECORD_BYTES;
    for (let r = 0; r < records; r++, record++) {
      const s = r * CIFAR10_RECORD_BYTES;
      labels[record] = src[s]!;
      const d = record * IMAGE_BYTES;
      for (let p = 0; p < PLANE; p++) {
        const o = d + 3 * p;
        images[o] = src[s + 1 + p]!;
        images[o + 1] = src[s + 1 + PLANE + p]!;
        images[o + 2] = src[s + 1 + 2 * PLANE + p]!;
      }
    }
  }
  return ok({
    name: 'cifar10',
    images,
    labels,
    count,
    height: CIFAR10_SIDE,
    width: CIFAR10_SIDE,
    channels: 3,
    numClasses: 10,
  });
}
