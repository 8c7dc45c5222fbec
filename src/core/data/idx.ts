/**
 * IDX files (LeCun's MNIST format, also used by Fashion-MNIST): a 4-byte magic 00 00 <type>
 * <ndims>, then ndims big-endian uint32 sizes, then the data row-major. Only type 0x08 (unsigned
 * bytes) is accepted, which is what both datasets use. Gzipped files are detected by their magic.
 */
import { gunzipLimited, hexPrefix, isGzip } from './gzip';
import { fail, ok, type DataResult, type NamedBytes, type ParseLimits } from './result';
import type { ImageDataset } from './types';

/** The IDX element type for unsigned bytes. */
const IDX_UBYTE = 0x08;
/** Most dimensions accepted; MNIST uses 3 (images) and 1 (labels). */
const MAX_IDX_DIMS = 4;

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray {
  /** Sizes of each dimension, outermost first (e.g. [60000, 28, 28]). */
  dims: number[];
  /** Row-major data, `dims` product long; a view into the (decompressed) file. */
  data: Uint8Array;
}

/**
 * Parse one IDX file of unsigned bytes, gzipped (magic 1f 8b) or raw.
 *
 * The header is checked against the file length before anything is sliced: a header declaring
 * more data than the file holds (e.g. 2^31 images), trailing bytes, a wrong magic or an element
 * type other than 0x08 each give an error naming the file.
 */
export function parseIdx(file: NamedBytes, limits: ParseLimits = {}): DataResult<IdxArray> {
  const { name } = file;
  if (file.bytes.length === 0) return fail(`${name}: file is empty`);
  let raw = file.bytes;
  const gzipped = isGzip(raw);
  if (gzipped) {
    const inflated = gunzipLimited(file, limits);
    if (!inflated.ok) return inflated;
    raw = inflated.value;
  }
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) {
    const notGz = !gzipped && /\.gz$/i.test(name) ? 'not gzip data despite its .gz name, and ' : '';
    return fail(
      `${name}: ${notGz}not an IDX file (starts with ${hexPrefix(raw)}; IDX starts with 00 00 08 0N)`,
    );
  }
  const type = raw[2]!;
  const ndims = raw[3]!;
  if (type !== IDX_UBYTE) {
    return fail(
      `${name}: IDX element type 0x${type.toString(16).padStart(2, '0')} is not supported (expected 0x08, unsigned bytes)`,
    );
  }
  if (ndims < 1 || ndims > MAX_IDX_DIMS) {
    return fail(`${name}: IDX header declares ${ndims} dimensions (expected 1 to ${MAX_IDX_DIMS})`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (raw.length < headerBytes) {
    return fail(
      `${name}: truncated IDX header (${raw.length} bytes; ${ndims} dimensions need ${headerBytes})`,
    );
  }
  const dims: number[] = [];
  let product = 1;
  for (let d = 0; d < ndims; d++) {
    const o = 4 + 4 * d;
    const size = ((raw[o]! << 24) | (raw[o + 1]! << 16) | (raw[o + 2]! << 8) | raw[o + 3]!) >>> 0;
    dims.push(size);
    product *= size; // exact up to 2^53, and any larger product fails the length check anyway
  }
  const dataBytes = raw.length - headerBytes;
  if (product > dataBytes) {
    return fail(
      `${name}: truncated or corrupt: the IDX header declares ${dims.join('×')} = ${product} bytes of data, but the file holds ${dataBytes}`,
    );
  }
  if (product < dataBytes) {
    return fail(
      `${name}: ${dataBytes - product} unexpected bytes after the ${dims.join('×')} data the IDX header declares`,
    );
  }
  return ok({ dims, data: raw.subarray(headerBytes) });
}

/**
 * Combine an IDX image file (magic 0x00000803: count × rows × cols) and an IDX label file (magic
 * 0x00000801: count) into a dataset of 1-channel images with 10 classes, as (Fashion-)MNIST.
 *
 * @param datasetName - the `name` of the resulting dataset (e.g. `fashion-mnist`).
 * @returns the dataset with its own compact copies of the pixels and labels, or an error naming
 *   the file: wrong dimensionality, no images, counts that differ, or a label outside 0..9.
 */
export function parseIdxPair(
  images: NamedBytes,
  labels: NamedBytes,
  datasetName: string,
  limits: ParseLimits = {},
): DataResult<ImageDataset> {
  const img = parseIdx(images, limits);
  if (!img.ok) return img;
  const lab = parseIdx(labels, limits);
  if (!lab.ok) return lab;
  const [count, height, width] = img.value.dims;
  if (
    img.value.dims.length !== 3 ||
    count === undefined ||
    height === undefined ||
    width === undefined
  ) {
    return fail(
      `${images.name}: expected IDX image data with 3 dimensions (count×rows×cols, magic 00 00 08 03), got ${img.value.dims.length}`,
    );
  }
  if (lab.value.dims.length !== 1) {
    return fail(
      `${labels.name}: expected IDX label data with 1 dimension (magic 00 00 08 01), got ${lab.value.dims.length}`,
    );
  }
  if (count === 0 || height === 0 || width === 0) {
    return fail(`${images.name}: holds no pixels (${count} images of ${height}×${width})`);
  }
  const labelCount = lab.value.dims[0]!;
  if (labelCount !== count) {
    return fail(
      `${images.name} holds ${count} images but ${labels.name} holds ${labelCount} labels; they must match`,
    );
  }
  const labelData = lab.value.data;
  for (let i = 0; i < count; i++) {
    if (labelData[i]! >= 10) {
      return fail(`${labels.name}: label ${labelData[i]} at record ${i} is outside 0..9`);
    }
  }
  return ok({
    name: datasetName,
    images: img.value.data.slice(),
    labels: labelData.slice(),
    count,
    height,
    width,
    channels: 1,
    numClasses: 10,
  });
}
