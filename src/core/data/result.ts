/**
 * Errors as values for the data layer: parsers meet user files, and a bad file is an expected
 * outcome the caller must show, not a bug. Every `error` names the file and what was wrong.
 */

import type { Result } from '../result';

export { fail, ok } from '../result';

/** The outcome of parsing or preparing data: a value, or a message naming the file and the fault. */
export type DataResult<T> = Result<T>;

/** A named file as the parsers see it: a file name (for messages and routing) and its bytes. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/** Limits on what a parser may allocate; exposed so tests can exercise them with small values. */
export interface ParseLimits {
  /** Cap on the decompressed size of one gzip stream, in bytes (default 1 GiB). */
  maxDecompressedBytes?: number;
}

/** Default cap on decompressed bytes: 1 GiB, well above CIFAR-10's 184 MB tar. */
export const MAX_DECOMPRESSED_BYTES = 2 ** 30;

/** Format a byte count for messages, e.g. `30730000 bytes`. */
export function bytesText(n: number): string {
  return `${n} byte${n === 1 ? '' : 's'}`;
}
