/**
 * A minimal tar reader (POSIX ustar, with GNU long names and pax `path` records), enough for the
 * official `cifar-10-binary.tar.gz`. Entries are views into the archive, never copies; every size
 * field is checked against the bytes that remain before anything is sliced.
 */
import { fail, ok, type DataResult, type NamedBytes } from './result';

const BLOCK = 512;

/** One regular file in a tar archive: its path inside the archive and a view of its bytes. */
export interface TarEntry {
  name: string;
  bytes: Uint8Array;
}

/** Bytes `start..start+length` up to the first NUL, as Latin-1 (tar paths here are ASCII). */
function readString(h: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) {
    const b = h[i]!;
    if (b === 0) break;
    s += String.fromCharCode(b);
  }
  return s;
}

/** An octal field (leading spaces/NULs allowed, ended by space or NUL), or null if malformed. */
function readOctal(h: Uint8Array, start: number, length: number): number | null {
  let i = start;
  const end = start + length;
  while (i < end && (h[i] === 0x20 || h[i] === 0)) i++;
  let value = 0;
  let digits = 0;
  for (; i < end; i++) {
    const b = h[i]!;
    if (b === 0 || b === 0x20) break;
    if (b < 0x30 || b > 0x37) return null;
    value = value * 8 + (b - 0x30);
    digits++;
  }
  return digits === 0 ? 0 : value;
}

/** The size field: octal, or GNU base-256 when the high bit of the first byte is set. */
function readSize(h: Uint8Array): number | null {
  if ((h[124]! & 0x80) !== 0) {
    if ((h[124]! & 0x40) !== 0) return null; // negative
    let value = h[124]! & 0x3f;
    for (let i = 125; i < 136; i++) value = value * 256 + h[i]!;
    return value;
  }
  return readOctal(h, 124, 12);
}

function isZeroBlock(h: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** Header checksum: the byte sum with the checksum field read as spaces (unsigned or signed). */
function checksumMatches(h: Uint8Array): boolean {
  const stored = readOctal(h, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** The `path` record of a pax extended header ("<len> path=<value>\n"), if any. */
function paxPath(data: Uint8Array): string | null {
  const text = readString(data, 0, data.length);
  const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return match?.[1] ?? null;
}

/**
 * List the regular files of a tar archive.
 *
 * @param archive - the uncompressed tar; its name goes into every error message.
 * @returns the entries in archive order (directories, links and pax global headers skipped), or
 *   an error for a bad header checksum, a malformed size, or an entry claiming more bytes than
 *   the archive holds. A missing end-of-archive marker is tolerated.
 */
export function parseTar(archive: NamedBytes): DataResult<TarEntry[]> {
  const { name: archiveName, bytes } = archive;
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset < bytes.length) {
    if (offset + BLOCK > bytes.length) {
      return fail(
        `${archiveName}: truncated tar archive (a ${BLOCK}-byte header at byte ${offset} has only ${bytes.length - offset} bytes)`,
      );
    }
    const h = bytes.subarray(offset, offset + BLOCK);
    if (isZeroBlock(h)) break;
    if (!checksumMatches(h)) {
      return fail(
        `${archiveName}: not a tar archive or corrupt (bad header checksum at byte ${offset})`,
      );
    }
    const size = readSize(h);
    let entryName = readString(h, 0, 100);
    if (readString(h, 257, 5) === 'ustar') {
      const prefix = readString(h, 345, 155);
      if (prefix !== '') entryName = `${prefix}/${entryName}`;
    }
    if (longName !== null) entryName = longName;
    if (size === null) {
      return fail(`${archiveName}: tar entry "${entryName}" has a malformed size field`);
    }
    const dataStart = offset + BLOCK;
    const remaining = bytes.length - dataStart;
    if (size > remaining) {
      return fail(
        `${archiveName}: tar entry "${entryName}" claims ${size} bytes but only ${remaining} remain in the archive (truncated or corrupt)`,
      );
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    const type = String.fromCharCode(h[156]!);
    if (type === 'L') {
      longName = readString(data, 0, data.length);
    } else if (type === 'x') {
      longName = paxPath(data);
    } else {
      longName = null;
      // '0', NUL (old tar) and '7' (contiguous) are regular files; the rest are skipped.
      if (type === '0' || type === '\0' || type === '7')
        entries.push({ name: entryName, bytes: data });
    }
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return ok(entries);
}

function writeString(h: Uint8Array, start: number, text: string): void {
  for (let i = 0; i < text.length; i++) h[start + i] = text.charCodeAt(i) & 0xff;
}

function writeOctal(h: Uint8Array, start: number, length: number, value: number): void {
  writeString(h, start, value.toString(8).padStart(length - 1, '0'));
  h[start + length - 1] = 0;
}

/**
 * Write a ustar archive of regular files (for tests and fixtures). Throws on names over 100
 * characters, which this minimal writer does not split into prefix and name.
 *
 * @returns the archive: for each entry a 512-byte header and its data padded to 512 bytes, then
 *   two zero blocks.
 */
export function encodeTar(entries: readonly TarEntry[]): Uint8Array {
  let total = 2 * BLOCK;
  for (const e of entries) total += BLOCK + Math.ceil(e.bytes.length / BLOCK) * BLOCK;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const e of entries) {
    if (e.name.length > 100) throw new RangeError(`tar entry name too long: ${e.name}`);
    const h = out.subarray(offset, offset + BLOCK);
    writeString(h, 0, e.name);
    writeOctal(h, 100, 8, 0o644);
    writeOctal(h, 108, 8, 0);
    writeOctal(h, 116, 8, 0);
    writeOctal(h, 124, 12, e.bytes.length);
    writeOctal(h, 136, 12, 0);
    h[156] = 0x30; // '0': regular file
    writeString(h, 257, 'ustar\u000000');
    writeString(h, 148, '        ');
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += h[i]!;
    writeOctal(h, 148, 7, sum);
    h[155] = 0x20;
    out.set(e.bytes, offset + BLOCK);
    offset += BLOCK + Math.ceil(e.bytes.length / BLOCK) * BLOCK;
  }
  return out;
}
