import path from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  FIXTURE_CIFAR10,
  FIXTURE_CIFAR10_RECORDS,
  fullData,
  readBytes,
} from '../../../tests/fixtures/datasets';
import { CIFAR10_RECORD_BYTES, parseCifar10 } from './cifar10';
import { parseDatasetFiles } from './files';
import { encodeTar } from './tar';
import type { ImageDataset } from './types';

const full = fullData('the CIFAR-10 tests on the full data_batch_1.bin');

const R = CIFAR10_RECORD_BYTES;

/** A batch of the committed fixture (the official file's first records). */
function readBatch(name: string): Uint8Array {
  return readBytes(path.join(FIXTURE_CIFAR10, name));
}

/** Label counts and pixel mean/std read straight from the record bytes, not through the parser. */
function rawStats(bytes: Uint8Array): { counts: number[]; mean: number; std: number } {
  const counts = new Array<number>(10).fill(0);
  let sum = 0;
  let sq = 0;
  for (let r = 0; r < bytes.length / R; r++) {
    counts[bytes[r * R]!]!++;
    for (let j = 1; j < R; j++) {
      const v = bytes[r * R + j]!;
      sum += v;
      sq += v * v;
    }
  }
  const n = (bytes.length / R) * (R - 1);
  const mean = sum / n;
  return { counts, mean, std: Math.sqrt(sq / n - mean * mean) };
}

/** Pixel mean and population std of a parsed dataset. */
function pixelStats(ds: ImageDataset): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  for (const v of ds.images) {
    sum += v;
    sq += v * v;
  }
  const n = ds.images.length;
  const mean = sum / n;
  return { mean, std: Math.sqrt(sq / n - mean * mean) };
}

/** Two synthetic records with known labels and planar pixels (r, g, b differ per pixel). */
function fakeRecords(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * R);
  labels.forEach((l, i) => {
    out[i * R] = l;
    for (let j = 1; j < R; j++) out[i * R + j] = (i * 31 + j) & 0xff;
  });
  return out;
}

function sameDataset(a: ImageDataset, b: ImageDataset): boolean {
  return (
    a.count === b.count &&
    a.height === b.height &&
    a.width === b.width &&
    a.channels === b.channels &&
    Buffer.from(a.images).equals(Buffer.from(b.images)) &&
    Buffer.from(a.labels).equals(Buffer.from(b.labels))
  );
}

describe('CIFAR-10 data_batch_1.bin (real records: the committed fixture)', () => {
  const bytes = readBatch('data_batch_1.bin');
  const parsed = parseCifar10([{ name: 'data_batch_1.bin', bytes }]);

  it('has one 32×32×3 image per record, labels as in the record bytes', () => {
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const ds = parsed.value;
    const n = FIXTURE_CIFAR10_RECORDS;
    expect([ds.name, ds.count, ds.height, ds.width, ds.channels, ds.numClasses]).toEqual([
      'cifar10',
      n,
      32,
      32,
      3,
      10,
    ]);
    expect(ds.images.length).toBe(n * 3072);
    for (let r = 0; r < n; r++) expect(ds.labels[r]).toBe(bytes[r * R]);
    // Real data: every class occurs, and no class takes more than a fifth of the sample.
    const counts = rawStats(bytes).counts;
    expect(Math.min(...counts)).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThan(n / 5);
  });

  it("pixel statistics are those of the record bytes, near CIFAR-10's 121.0 ± 64.1", () => {
    if (!parsed.ok) throw new Error(parsed.error);
    const raw = rawStats(bytes);
    const got = pixelStats(parsed.value);
    expect(Math.abs(got.mean - raw.mean)).toBeLessThan(1e-9);
    expect(Math.abs(got.std - raw.std)).toBeLessThan(1e-9);
    // A sample of 1,024 images has the whole training set's statistics to within a few levels.
    expect(Math.abs(got.mean - 121.0)).toBeLessThan(3);
    expect(Math.abs(got.std - 64.1)).toBeLessThan(3);
  });

  it('converts planar CHW to channel-last HWC', () => {
    if (!parsed.ok) throw new Error(parsed.error);
    const img = parsed.value.images;
    // Record 0, pixel (row 0, col 1): channels are R/G/B plane bytes 1 of the record.
    expect([img[3], img[4], img[5]]).toEqual([bytes[1 + 1], bytes[1 + 1025], bytes[1 + 2049]]);
    // Record 7, pixel (row 31, col 31).
    const rec = 7;
    const p = 31 * 32 + 31;
    const o = rec * 3072 + 3 * p;
    const s = rec * R + 1 + p;
    expect([img[o], img[o + 1], img[o + 2]]).toEqual([bytes[s], bytes[s + 1024], bytes[s + 2048]]);
  });

  it('a tar.gz of real records parses to the same dataset as the .bin files', () => {
    const first2 = bytes.slice(0, 2 * R);
    const next2 = bytes.slice(2 * R, 4 * R);
    const test = readBatch('test_batch.bin').slice(0, R);
    const fromBins = parseCifar10([
      { name: 'data_batch_2.bin', bytes: next2 },
      { name: 'data_batch_1.bin', bytes: first2 },
    ]);
    const tar = encodeTar([
      { name: 'cifar-10-batches-bin/', bytes: new Uint8Array(0) },
      { name: 'cifar-10-batches-bin/data_batch_2.bin', bytes: next2 },
      {
        name: 'cifar-10-batches-bin/batches.meta.txt',
        bytes: new TextEncoder().encode('airplane\n'),
      },
      { name: 'cifar-10-batches-bin/test_batch.bin', bytes: test },
      { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: first2 },
      { name: 'cifar-10-batches-bin/readme.html', bytes: new TextEncoder().encode('<html>') },
    ]);
    const fromTarGz = parseCifar10([{ name: 'cifar-10-binary.tar.gz', bytes: gzipSync(tar) }]);
    expect(fromBins.ok && fromTarGz.ok).toBe(true);
    if (!fromBins.ok || !fromTarGz.ok) return;
    expect(fromTarGz.value.count).toBe(4);
    expect(sameDataset(fromBins.value, fromTarGz.value)).toBe(true);
    // Batch order, not file order: records of data_batch_1 come first.
    const whole = parseCifar10([{ name: 'data_batch_1.bin', bytes: bytes.slice(0, 4 * R) }]);
    expect(whole.ok && sameDataset(whole.value, fromTarGz.value)).toBe(true);
    // A plain .tar works too, and so does routing through parseDatasetFiles.
    const plain = parseDatasetFiles('cifar10', [{ name: 'cifar-10-binary.tar', bytes: tar }]);
    expect(plain.ok && sameDataset(plain.value, fromTarGz.value)).toBe(true);
  });

  it('uses test_batch.bin only when it is the only batch', () => {
    const test = readBatch('test_batch.bin').slice(0, 3 * R);
    const r = parseCifar10([
      { name: 'batches.meta.txt', bytes: new TextEncoder().encode('airplane') },
      { name: 'test_batch.bin', bytes: test },
    ]);
    expect(r.ok && r.value.count).toBe(3);
    expect(r.ok && r.value.labels[0]).toBe(test[0]);
  });
});

describe.skipIf(full.skip)('CIFAR-10 data_batch_1.bin (the full file, from PHASE_DATA_DIR)', () => {
  const dir = path.join(full.dir ?? '', 'cifar10', 'cifar-10-batches-bin');

  it('has 10000 records, 1000 per class, pixel mean ≈ 121.0 and std ≈ 64.1', () => {
    const bytes = readBytes(path.join(dir, 'data_batch_1.bin'));
    const parsed = parseCifar10([{ name: 'data_batch_1.bin', bytes }]);
    if (!parsed.ok) throw new Error(parsed.error);
    const ds = parsed.value;
    expect([ds.count, ds.height, ds.width, ds.channels]).toEqual([10000, 32, 32, 3]);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.labels) counts[l]!++;
    expect(counts).toEqual(new Array<number>(10).fill(1000));
    const s = pixelStats(ds);
    expect(Math.abs(s.mean - 121.0)).toBeLessThan(1);
    expect(Math.abs(s.std - 64.1)).toBeLessThan(1);
  });

  it('the committed fixtures are the first records of the official files, byte for byte', () => {
    for (const name of ['data_batch_1.bin', 'test_batch.bin']) {
      const fixture = readBatch(name);
      const whole = readBytes(path.join(dir, name));
      expect(fixture.length % R, name).toBe(0);
      expect(
        Buffer.from(whole.subarray(0, fixture.length)).equals(Buffer.from(fixture)),
        name,
      ).toBe(true);
    }
  });
});

describe('CIFAR-10 hostile inputs', () => {
  const good = fakeRecords([3, 9]);

  it('parses two synthetic records', () => {
    const r = parseCifar10([{ name: 'data_batch_1.bin', bytes: good }]);
    expect(r.ok && Array.from(r.value.labels)).toEqual([3, 9]);
  });

  it('names the file and record for a label outside 0..9', () => {
    const r = parseCifar10([
      { name: 'data_batch_1.bin', bytes: good },
      { name: 'data_batch_2.bin', bytes: fakeRecords([1, 2, 42]) },
    ]);
    expect(!r.ok && r.error).toMatch(
      /^data_batch_2\.bin: record 2 has label 42; CIFAR-10 labels are 0\.\.9/,
    );
  });

  it('names the file for a size that is not whole records', () => {
    const r = parseCifar10([
      { name: 'data_batch_1.bin', bytes: good.subarray(0, good.length - 1) },
    ]);
    expect(!r.ok && r.error).toBe(
      'data_batch_1.bin: size 6145 bytes is not a multiple of the 3073-byte CIFAR-10 record',
    );
  });

  it('rejects empty, non-gzip .tar.gz, corrupt gzip, non-tar and bomb archives with the file name', () => {
    const tarGz = gzipSync(encodeTar([{ name: 'data_batch_1.bin', bytes: good }]));
    const cases: [string, Uint8Array, number?][] = [
      ['data_batch_1.bin', new Uint8Array(0)],
      ['cifar-10-binary.tar.gz', new TextEncoder().encode('definitely not gzip')],
      ['cut.tar.gz', tarGz.subarray(0, tarGz.length >> 1)],
      ['notatar.tar.gz', gzipSync(new Uint8Array(2048).fill(1))],
      ['limited.tar.gz', tarGz, 1000],
    ];
    for (const [name, bytes, limit] of cases) {
      const r = parseCifar10(
        [{ name, bytes }],
        limit === undefined ? {} : { maxDecompressedBytes: limit },
      );
      expect(r.ok, name).toBe(false);
      if (!r.ok) expect(r.error.startsWith(`${name}: `), r.error).toBe(true);
    }
  });

  it('names the archive entry at fault inside a tar.gz', () => {
    const bad = gzipSync(
      encodeTar([{ name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: good.subarray(1) }]),
    );
    const r = parseCifar10([{ name: 'c.tar.gz', bytes: bad }]);
    expect(!r.ok && r.error).toMatch(
      /^c\.tar\.gz\/cifar-10-batches-bin\/data_batch_1\.bin: size 6145 bytes/,
    );
  });

  it('lists what it expected when no batch is given', () => {
    const none = parseCifar10([]);
    expect(!none.ok && none.error).toMatch(
      /^CIFAR-10: no files given; expected cifar-10-binary\.tar\.gz/,
    );
    const wrong = parseCifar10([{ name: 'readme.html', bytes: new Uint8Array([60]) }]);
    expect(!wrong.ok && wrong.error).toMatch(
      /none of the files is a CIFAR-10 batch .*got: readme\.html$/,
    );
  });
});
