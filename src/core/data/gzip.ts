/**
 * Bounded gunzip for user files. A hostile `.gz` can expand about 1000× (deflate's ceiling is
 * ~1032:1), so the output is streamed through fflate with a cap instead of trusting the header:
 * the ISIZE trailer (decompressed size mod 2^32, RFC 1952 §2.3.1) only rejects early and sizes the
 * first buffer; the running total is what is enforced.
 */
import { Gunzip } from 'fflate';
import {
  bytesText,
  fail,
  MAX_DECOMPRESSED_BYTES,
  ok,
  type DataResult,
  type NamedBytes,
  type ParseLimits,
} from './result';

/** Deflate cannot expand beyond about 1032:1; a trailer claiming more is a lie or a bomb. */
const MAX_DEFLATE_RATIO = 1032;
/** Input fed per push, at most: larger pushes amortise fflate's per-push copies. */
const MAX_PUSH_BYTES = 1 << 20;
/** Input fed per push, at least. */
const MIN_PUSH_BYTES = 1 << 14;
/** Smallest gzip stream: 10-byte header, 2-byte empty deflate block, 8-byte trailer. */
const MIN_GZIP_BYTES = 18;

/** True when `bytes` starts with the gzip magic 1f 8b (RFC 1952). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The first `n` bytes as hex, for messages about wrong magic numbers. */
export function hexPrefix(bytes: Uint8Array, n = 4): string {
  if (bytes.length === 0) return '(nothing)';
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * Decompress a gzip file (single or multi-member) with a cap on the output size.
 *
 * @param file - the compressed file; its name goes into every error message.
 * @param limits - `maxDecompressedBytes` (default {@link MAX_DECOMPRESSED_BYTES}, 1 GiB).
 * @returns the decompressed bytes, or an error for non-gzip data, corrupt or truncated streams,
 *   and streams that would exceed the cap (checked while inflating, not after).
 */
export function gunzipLimited(file: NamedBytes, limits: ParseLimits = {}): DataResult<Uint8Array> {
  const { name, bytes } = file;
  const maxBytes = limits.maxDecompressedBytes ?? MAX_DECOMPRESSED_BYTES;
  if (!isGzip(bytes)) {
    return fail(`${name}: not gzip data (starts with ${hexPrefix(bytes)}; gzip starts with 1f 8b)`);
  }
  if (bytes.length < MIN_GZIP_BYTES) {
    return fail(`${name}: truncated gzip file (${bytesText(bytes.length)})`);
  }
  if (bytes[2] !== 8) {
    return fail(`${name}: unsupported gzip compression method ${bytes[2]} (expected 8, deflate)`);
  }
  const n = bytes.length;
  const trailerSize =
    (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  if (trailerSize > maxBytes) {
    return fail(
      `${name}: gzip trailer declares ${bytesText(trailerSize)} decompressed, over the limit of ${bytesText(maxBytes)} (too large, or a truncated file)`,
    );
  }
  // The trailer is only a hint for the first buffer: trust it when deflate could produce it.
  const plausible = trailerSize <= n * MAX_DEFLATE_RATIO;
  let out = new Uint8Array(plausible ? trailerSize : Math.min(n * 4, maxBytes));
  let total = 0;
  let overLimit = false;
  let members = 1;
  const stream = new Gunzip({}, (chunk) => {
    if (overLimit) return;
    const needed = total + chunk.length;
    if (needed > maxBytes) {
      overLimit = true;
      return;
    }
    if (needed > out.length) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(out.length * 2, needed)));
      grown.set(out.subarray(0, total));
      out = grown;
    }
    out.set(chunk, total);
    total = needed;
  });
  stream.onmember = () => {
    members++;
  };
  try {
    let offset = 0;
    while (offset < n && !overLimit) {
      // One push can inflate to ~1032× its input before the cap is checked, so size each push
      // to what is left of the budget: fflate's buffers never grow far past the cap.
      const budget = Math.floor((maxBytes - total) / MAX_DEFLATE_RATIO);
      const step = Math.min(MAX_PUSH_BYTES, Math.max(MIN_PUSH_BYTES, budget));
      const end = Math.min(offset + step, n);
      stream.push(bytes.subarray(offset, end), end === n);
      offset = end;
    }
  } catch (e) {
    if (e instanceof RangeError) {
      return fail(`${name}: out of memory while decompressing (${total} bytes so far)`);
    }
    const why = e instanceof Error ? e.message : String(e);
    return fail(`${name}: corrupt or truncated gzip data (${why})`);
  }
  if (overLimit) {
    return fail(
      `${name}: decompresses to more than the limit of ${bytesText(maxBytes)}; refusing it (corrupt file or gzip bomb)`,
    );
  }
  // For one member the trailer must match exactly (mod 2^32); a mismatch means a cut or bad file.
  if (members === 1 && total % 2 ** 32 !== trailerSize) {
    return fail(
      `${name}: corrupt or truncated gzip data (trailer says ${bytesText(trailerSize)}, inflated ${total})`,
    );
  }
  return ok(total === out.length ? out : out.slice(0, total));
}
