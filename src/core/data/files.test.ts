import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../cli/loadData';
import { encodeBuiltinMnist, parseBuiltinMnist } from './builtinMnist';
import { parseCifar10 } from './cifar10';
import { parseDatasetFiles } from './files';
import { gunzipLimited } from './gzip';
import { parseIdx } from './idx';
import { syntheticDataset } from './synthetic';
import { encodeTar, parseTar } from './tar';
import {
  FIXTURE_CIFAR10,
  FIXTURE_CIFAR10_RECORDS,
  FIXTURE_FASHION,
  FIXTURE_FASHION_RECORDS,
  fullData,
} from '../../../tests/fixtures/datasets';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const full = fullData('the CLI loadDataset test on the full datasets folder');

describe('parsers never throw on corrupted files', () => {
  const idxFile = new Uint8Array([
    0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8,
  ]);
  const record = new Uint8Array(3073).fill(9);
  record[0] = 3;
  const seeds: [string, Uint8Array][] = [
    ['a-images-idx3-ubyte', idxFile],
    ['a-images-idx3-ubyte.gz', gzipSync(idxFile)],
    ['data_batch_1.bin', record],
    ['c.tar.gz', gzipSync(encodeTar([{ name: 'data_batch_1.bin', bytes: record }]))],
    ['mnist.bin', encodeBuiltinMnist(syntheticDataset({ count: 2, height: 3, width: 3, seed: 0 }))],
  ];
  const mutation = fc.record({
    seed: fc.integer({ min: 0, max: seeds.length - 1 }),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
    cut: fc.option(fc.nat()),
  });

  it('returns errors naming the file for random edits and truncations', () => {
    fc.assert(
      fc.property(mutation, ({ seed, edits, cut }) => {
        const [name, original] = seeds[seed]!;
        let bytes = original.slice();
        for (const [at, v] of edits) if (bytes.length > 0) bytes[at % bytes.length] = v;
        if (cut !== null) bytes = bytes.subarray(0, cut % (bytes.length + 1));
        const file = { name, bytes };
        const limits = { maxDecompressedBytes: 1 << 20 };
        for (const r of [
          parseIdx(file, limits),
          parseCifar10([file], limits),
          parseTar(file),
          gunzipLimited(file, limits),
          parseBuiltinMnist(bytes, name),
          parseDatasetFiles('mnist', [file], limits),
        ]) {
          if (!r.ok) expect(r.error.length).toBeGreaterThan(0);
        }
        const idx = parseIdx(file, limits);
        if (!idx.ok) expect(idx.error.startsWith(`${name}: `)).toBe(true);
      }),
      { numRuns: 300, seed: 12345 },
    );
  });
});

describe('CLI loadDataset (src/cli/loadData.ts)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-data-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('builds the built-in MNIST file when missing, then reads it', () => {
    const root = path.join(tmp, 'fresh-clone');
    const r = loadDataset('mnist', null, root);
    expect(r.ok && [r.value.name, r.value.count]).toEqual(['mnist', 10000]);
    expect(fs.statSync(path.join(root, 'public', 'data', 'mnist.bin')).size).toBe(7_850_012);
  });

  it('returns synthetic data and names missing directories and files', () => {
    const syn = loadDataset('synthetic', null, REPO_ROOT);
    expect(syn.ok && syn.value.count).toBe(4096);
    const custom = loadDataset('synthetic', null, REPO_ROOT, { count: 10, seed: 3 });
    expect(custom.ok && Array.from(custom.value.images)).toEqual(
      Array.from(syntheticDataset({ count: 10, seed: 3 }).images),
    );
    const missing = loadDataset('cifar10', path.join(tmp, 'nope'), REPO_ROOT);
    expect(!missing.ok && missing.error).toMatch(/nope: data directory does not exist/);
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const noCifar = loadDataset('cifar10', empty, REPO_ROOT);
    expect(!noCifar.ok && noCifar.error).toMatch(
      /empty: no CIFAR-10 data \(expected data_batch_1\.bin/,
    );
    const noIdx = loadDataset('fashion-mnist', empty, REPO_ROOT);
    expect(!noIdx.ok && noIdx.error).toMatch(/empty: no IDX files for fashion-mnist/);
    const noDir = loadDataset('cifar10', null, REPO_ROOT);
    expect(!noDir.ok && noDir.error).toMatch(/^cifar10: needs --data-dir/);
  });

  it('reads CIFAR-10 from a tar.gz and reports bad batches with the directory and file', () => {
    const dir = path.join(tmp, 'cifar');
    fs.mkdirSync(dir);
    const record = new Uint8Array(3073);
    record[0] = 4;
    const tar = encodeTar([{ name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: record }]);
    fs.writeFileSync(path.join(dir, 'cifar-10-binary.tar.gz'), gzipSync(tar));
    const r = loadDataset('cifar10', dir, REPO_ROOT);
    expect(r.ok && Array.from(r.value.labels)).toEqual([4]);
    const sub = path.join(dir, 'cifar-10-batches-bin');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'data_batch_1.bin'), record.subarray(1));
    const bad = loadDataset('cifar10', dir, REPO_ROOT);
    expect(!bad.ok && bad.error).toBe(
      `${sub}: data_batch_1.bin: size 3072 bytes is not a multiple of the 3073-byte CIFAR-10 record`,
    );
  });

  it('reads real files: the committed fixtures', () => {
    const fashion = loadDataset('fashion-mnist', FIXTURE_FASHION, REPO_ROOT);
    expect(fashion.ok && fashion.value.count).toBe(FIXTURE_FASHION_RECORDS); // train, not t10k
    const cifar = loadDataset('cifar10', FIXTURE_CIFAR10, REPO_ROOT);
    expect(cifar.ok && cifar.value.count).toBe(FIXTURE_CIFAR10_RECORDS); // test_batch ignored
  });

  it.skipIf(full.skip)('reads the full datasets folder (PHASE_DATA_DIR)', () => {
    const dir = full.dir ?? '';
    const fashion = loadDataset('fashion-mnist', path.join(dir, 'fashion-mnist'), REPO_ROOT);
    expect(fashion.ok ? fashion.value.count : fashion.error).toBe(60000);
    const cifar = loadDataset('cifar10', path.join(dir, 'cifar10'), REPO_ROOT);
    expect(cifar.ok ? cifar.value.count : cifar.error).toBe(10000); // data_batch_1 only
  });
});
