import fs from 'node:fs';
import path from 'node:path';
import { gzipSync, gunzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import {
  FIXTURE_FASHION,
  FIXTURE_FASHION_RECORDS,
  fullData,
  readBytes,
} from '../../../tests/fixtures/datasets';
import { parseIdx, parseIdxPair } from './idx';
import { parseDatasetFiles } from './files';
import type { NamedBytes } from './result';

const full = fullData('the Fashion-MNIST tests on the full IDX files');

/** A file of the committed fixture (the official files' first records), or of `dir`. */
function read(name: string, dir = FIXTURE_FASHION): NamedBytes {
  return { name, bytes: readBytes(path.join(dir, name)) };
}

/** A raw IDX file: magic 00 00 08 <ndims>, big-endian dims, then the data. */
function idx(
  dims: number[],
  data: Uint8Array = new Uint8Array(dims.reduce((a, b) => a * b, 1)),
): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out.set([0, 0, 8, dims.length]);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

describe('Fashion-MNIST IDX files (real records: the committed fixture)', () => {
  it('parses the training pair: 28×28 images, labels as in the label file', () => {
    const labelFile = read('train-labels-idx1-ubyte.gz');
    const r = parseIdxPair(read('train-images-idx3-ubyte.gz'), labelFile, 'fashion-mnist');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ds = r.value;
    const n = FIXTURE_FASHION_RECORDS;
    expect([ds.count, ds.height, ds.width, ds.channels, ds.numClasses]).toEqual([n, 28, 28, 1, 10]);
    expect(ds.images.length).toBe(n * 784);
    // The labels after the 8-byte IDX header, decompressed here without the parser.
    const raw = gunzipSync(labelFile.bytes).subarray(8);
    expect(Array.from(ds.labels)).toEqual(Array.from(raw));
    // Label 0 of the official file is 9 (ankle boot), every class occurs, and pixels use the
    // full byte range.
    expect(ds.labels[0]).toBe(9);
    expect(new Set(ds.labels).size).toBe(10);
    expect(Math.max(...ds.images.subarray(0, 784 * 100))).toBe(255);
  });

  it('parses the t10k pair and routes by name, preferring train', () => {
    const t10k = parseIdxPair(
      read('t10k-images-idx3-ubyte.gz'),
      read('t10k-labels-idx1-ubyte.gz'),
      'fashion-mnist',
    );
    expect(t10k.ok && t10k.value.count).toBe(100);
    const all = fs.readdirSync(FIXTURE_FASHION).map((name) => read(name));
    const routed = parseDatasetFiles('fashion-mnist', all);
    expect(routed.ok && routed.value.count).toBe(FIXTURE_FASHION_RECORDS);
    const onlyTest = parseDatasetFiles(
      'fashion-mnist',
      all.filter((f) => f.name.startsWith('t10k')),
    );
    expect(onlyTest.ok && onlyTest.value.count).toBe(100);
  });

  it('gzipped and raw files give the same array', () => {
    const gz = read('train-labels-idx1-ubyte.gz');
    const a = parseIdx(gz);
    expect(a.ok).toBe(true);
    if (!a.ok) return;
    const b = parseIdx({ name: 'raw', bytes: idx(a.value.dims, a.value.data) });
    expect(b.ok && b.value.dims).toEqual([FIXTURE_FASHION_RECORDS]);
    expect(b.ok && Buffer.from(b.value.data).equals(Buffer.from(a.value.data))).toBe(true);
  });
});

describe.skipIf(full.skip)('Fashion-MNIST IDX files (the full files, from PHASE_DATA_DIR)', () => {
  const dir = path.join(full.dir ?? '', 'fashion-mnist');

  it('the training pair holds 60000 images of 28×28, 6000 per class; t10k holds 10000', () => {
    const r = parseIdxPair(
      read('train-images-idx3-ubyte.gz', dir),
      read('train-labels-idx1-ubyte.gz', dir),
      'fashion-mnist',
    );
    if (!r.ok) throw new Error(r.error);
    expect([r.value.count, r.value.height, r.value.width]).toEqual([60000, 28, 28]);
    const counts = new Array<number>(10).fill(0);
    for (const l of r.value.labels) counts[l]!++;
    expect(counts).toEqual(new Array<number>(10).fill(6000));
    const t10k = parseIdx(read('t10k-labels-idx1-ubyte.gz', dir));
    expect(t10k.ok && t10k.value.dims).toEqual([10000]);
  });

  it('the committed fixture is the first records of the official files', () => {
    for (const [split, n] of [
      ['train', FIXTURE_FASHION_RECORDS],
      ['t10k', 100],
    ] as const) {
      for (const kind of ['images-idx3', 'labels-idx1']) {
        const name = `${split}-${kind}-ubyte.gz`;
        const fixture = parseIdx(read(name));
        const whole = parseIdx(read(name, dir));
        if (!fixture.ok || !whole.ok) throw new Error(`${name} did not parse`);
        expect(fixture.value.dims[0], name).toBe(n);
        expect(fixture.value.dims.slice(1), name).toEqual(whole.value.dims.slice(1));
        const size = fixture.value.data.length;
        expect(
          Buffer.from(whole.value.data.subarray(0, size)).equals(Buffer.from(fixture.value.data)),
          name,
        ).toBe(true);
      }
    }
  });
});

describe('IDX hostile inputs', () => {
  const images = idx([3, 2, 2], new Uint8Array(12).fill(7));
  const labels = idx([3], new Uint8Array([0, 9, 4]));

  it('parses a well-formed tiny pair', () => {
    const r = parseIdxPair({ name: 'i', bytes: images }, { name: 'l', bytes: labels }, 'mnist');
    expect(
      r.ok && [r.value.count, r.value.height, r.value.width, Array.from(r.value.labels)],
    ).toEqual([3, 2, 2, [0, 9, 4]]);
  });

  const hugeHeader = idx([2 ** 31, 28, 28], new Uint8Array(100));
  const cases: [string, Uint8Array][] = [
    ['empty-idx3-ubyte', new Uint8Array(0)],
    ['truncated-idx3-ubyte', images.subarray(0, images.length - 1)],
    ['truncatedHeader-idx3-ubyte', images.subarray(0, 9)],
    ['trailing-idx3-ubyte', new Uint8Array([...images, 1, 2])],
    ['magic-idx3-ubyte', new Uint8Array([1, 2, 3, 4, ...images.subarray(4)])],
    ['float-idx3-ubyte', new Uint8Array([0, 0, 0x0d, 3, ...images.subarray(4)])],
    ['dims0-idx3-ubyte', new Uint8Array([0, 0, 8, 0])],
    ['huge-idx3-ubyte', hugeHeader],
    ['huge-idx3-ubyte.gz', gzipSync(hugeHeader)],
    ['garbage-images.gz', new TextEncoder().encode('<html>404 not found</html>')],
    ['cut-images.gz', gzipSync(images).subarray(0, 15)],
  ];
  for (const [name, bytes] of cases) {
    it(`rejects ${name} with its name in the message`, () => {
      const r = parseIdx({ name, bytes });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.startsWith(`${name}: `), r.error).toBe(true);
    });
  }

  it('says why: 2^31 images, .gz without gzip', () => {
    const huge = parseIdx({ name: 'h', bytes: hugeHeader });
    expect(!huge.ok && huge.error).toMatch(
      /2147483648×28×28 = 1683627180032 bytes of data, but the file holds 100/,
    );
    const garbage = parseIdx({ name: 'g.gz', bytes: new Uint8Array([65, 66, 67, 68, 69]) });
    expect(!garbage.ok && garbage.error).toMatch(
      /^g\.gz: not gzip data despite its \.gz name, and not an IDX file/,
    );
  });

  it('enforces the decompression limit', () => {
    const big = gzipSync(idx([1000, 28, 28]));
    const r = parseIdx({ name: 'big-images.gz', bytes: big }, { maxDecompressedBytes: 100_000 });
    expect(!r.ok && r.error).toMatch(/^big-images\.gz: .*limit/);
  });

  it('rejects pairs that do not fit together', () => {
    const file = (name: string, bytes: Uint8Array): NamedBytes => ({ name, bytes });
    const badLabel = parseIdxPair(
      file('i', images),
      file('l', idx([3], new Uint8Array([0, 10, 1]))),
      'x',
    );
    expect(!badLabel.ok && badLabel.error).toBe('l: label 10 at record 1 is outside 0..9');
    const count = parseIdxPair(file('i', images), file('l', idx([2], new Uint8Array([0, 1]))), 'x');
    expect(!count.ok && count.error).toMatch(/^i holds 3 images but l holds 2 labels/);
    const swapped = parseIdxPair(file('l', labels), file('i', images), 'x');
    expect(!swapped.ok && swapped.error).toMatch(/^l: expected IDX image data with 3 dimensions/);
    const noImages = parseIdxPair(file('i', idx([0, 28, 28])), file('l', idx([0])), 'x');
    expect(!noImages.ok && noImages.error).toMatch(/^i: holds no pixels/);
  });

  it('parseDatasetFiles lists what it expected when files are missing', () => {
    const r = parseDatasetFiles('fashion-mnist', [
      { name: 'train-images-idx3-ubyte.gz', bytes: images },
    ]);
    expect(!r.ok && r.error).toMatch(
      /^fashion-mnist: missing a label file; expected IDX files .*got: train-images-idx3-ubyte\.gz$/,
    );
    const none = parseDatasetFiles('mnist', []);
    expect(!none.ok && none.error).toMatch(
      /^mnist: missing an image file and a label file; .*got: no files$/,
    );
    const mixed = parseDatasetFiles('mnist', [
      { name: 'train-images-idx3-ubyte', bytes: images },
      { name: 't10k-labels-idx1-ubyte', bytes: labels },
    ]);
    expect(!mixed.ok && mixed.error).toMatch(/same split/);
  });
});
