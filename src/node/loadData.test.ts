import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileDatasetName } from '../core/data/files';
import { prepareData } from '../core/data/prepare';
import { dataSourceFor } from '../core/data/source';
import { syntheticDataset } from '../core/data/synthetic';
import { encodeTar } from '../core/data/tar';
import { cloneDefaults } from '../core/settings/codec';
import type { Settings } from '../core/settings/schema';
import { loadImages, loadSweepData } from './loadData';
import {
  FIXTURE_CIFAR10,
  FIXTURE_CIFAR10_RECORDS,
  FIXTURE_FASHION,
  FIXTURE_FASHION_RECORDS,
  fullData,
} from '../../tests/fixtures/datasets';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const full = fullData('the loadImages test on the full datasets folder');

/** The synthetic source of a sweep with N = `count` from `seed`. */
function sweepSynthetic(count: number, seed: number) {
  const source = dataSourceFor({ ...sweepOn('synthetic', count), dataSeed: seed });
  if (source.kind !== 'synthetic')
    throw new Error(`expected a synthetic source, got ${source.kind}`);
  return source;
}

/** Settings of a sweep on `dataset` with N = `trainSize`. */
function sweepOn(dataset: Settings['dataset'], trainSize = 1): Settings {
  return { ...cloneDefaults(), dataset, trainSize };
}

/** The images of `dataset` from `dataDir` (as the CLI reads them: MNIST files when given). */
function imagesOf(dataset: FileDatasetName, dataDir: string | null, repoRoot = REPO_ROOT) {
  const source = dataSourceFor(sweepOn(dataset), dataDir === null ? 'builtin' : 'files');
  if (source.kind === 'none') throw new Error('no image source');
  return loadImages(source, { dataDir, repoRoot });
}

describe('loadImages', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-data-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('builds the built-in MNIST file when missing, then reads it', () => {
    const root = path.join(tmp, 'fresh-clone');
    const r = imagesOf('mnist', null, root);
    expect(r.ok && [r.value.name, r.value.count]).toEqual(['mnist', 10000]);
    expect(fs.statSync(path.join(root, 'public', 'data', 'mnist.bin')).size).toBe(7_850_012);
  });

  it('returns synthetic data and names missing directories and files', () => {
    const where = { dataDir: null, repoRoot: REPO_ROOT };
    const custom = loadImages({ ...sweepSynthetic(10, 3) }, where);
    expect(custom.ok && Array.from(custom.value.images)).toEqual(
      Array.from(syntheticDataset({ count: 10, seed: 3 }).images),
    );
    const zero = loadImages({ ...sweepSynthetic(10, 3), count: 0 }, where);
    expect(!zero.ok && zero.error).toBe(
      'synthetic: record count must be a positive integer, got 0',
    );
    const missing = imagesOf('cifar10', path.join(tmp, 'nope'));
    expect(!missing.ok && missing.error).toMatch(/nope: data directory does not exist/);
    const empty = path.join(tmp, 'empty');
    fs.mkdirSync(empty);
    const noCifar = imagesOf('cifar10', empty);
    expect(!noCifar.ok && noCifar.error).toMatch(
      /empty: no CIFAR-10 data \(expected data_batch_1\.bin/,
    );
    const noIdx = imagesOf('fashion-mnist', empty);
    expect(!noIdx.ok && noIdx.error).toMatch(/empty: no IDX files for fashion-mnist/);
    const noDir = imagesOf('cifar10', null);
    expect(!noDir.ok && noDir.error).toMatch(/^cifar10: needs --data-dir/);
  });

  it('reads CIFAR-10 from a tar.gz and reports bad batches with the directory and file', () => {
    const dir = path.join(tmp, 'cifar');
    fs.mkdirSync(dir);
    const record = new Uint8Array(3073);
    record[0] = 4;
    const tar = encodeTar([{ name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: record }]);
    fs.writeFileSync(path.join(dir, 'cifar-10-binary.tar.gz'), gzipSync(tar));
    const r = imagesOf('cifar10', dir);
    expect(r.ok && Array.from(r.value.labels)).toEqual([4]);
    const sub = path.join(dir, 'cifar-10-batches-bin');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'data_batch_1.bin'), record.subarray(1));
    const bad = imagesOf('cifar10', dir);
    expect(!bad.ok && bad.error).toBe(
      `${sub}: data_batch_1.bin: size 3072 bytes is not a multiple of the 3073-byte CIFAR-10 record`,
    );
  });

  it('reads real files: the committed fixtures', () => {
    const fashion = imagesOf('fashion-mnist', FIXTURE_FASHION);
    expect(fashion.ok && fashion.value.count).toBe(FIXTURE_FASHION_RECORDS); // train, not t10k
    const cifar = imagesOf('cifar10', FIXTURE_CIFAR10);
    expect(cifar.ok && cifar.value.count).toBe(FIXTURE_CIFAR10_RECORDS); // test_batch ignored
  });

  it.skipIf(full.skip)('reads the full datasets folder (PHASE_DATA_DIR)', () => {
    const dir = full.dir ?? '';
    const fashion = imagesOf('fashion-mnist', path.join(dir, 'fashion-mnist'));
    expect(fashion.ok ? fashion.value.count : fashion.error).toBe(60000);
    const cifar = imagesOf('cifar10', path.join(dir, 'cifar10'));
    expect(cifar.ok ? cifar.value.count : cifar.error).toBe(10000); // data_batch_1 only
  });
});

describe('loadSweepData', () => {
  const where = { dataDir: null, repoRoot: REPO_ROOT };

  it('loads nothing for the uv model', () => {
    expect(loadSweepData({ ...sweepOn('uv'), model: 'uv' }, where)).toEqual({
      ok: true,
      value: null,
    });
  });

  it('prepares N synthetic records from the data seed, as the worker does', () => {
    const r = loadSweepData({ ...sweepOn('synthetic', 16), dataSeed: 2 }, where);
    const want = prepareData(syntheticDataset({ count: 16, seed: 2 }), 16);
    expect(r.ok && want.ok).toBe(true);
    if (!r.ok || !want.ok || r.value === null) return;
    expect(r.value.count).toBe(16);
    expect(Array.from(r.value.x)).toEqual(Array.from(want.value.x));
    const other = loadSweepData({ ...sweepOn('synthetic', 16), dataSeed: 3 }, where);
    expect(other.ok && other.value !== null && Array.from(other.value.x)).not.toEqual(
      Array.from(want.value.x),
    );
  });

  it('reads MNIST from --data-dir when one is given, else the built-in file', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-empty-'));
    try {
      const files = loadSweepData(sweepOn('mnist'), { dataDir: empty, repoRoot: REPO_ROOT });
      expect(!files.ok && files.error).toMatch(/no IDX files for mnist/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const builtin = loadSweepData(sweepOn('mnist', 100), where);
    expect(builtin.ok && builtin.value?.count).toBe(100);
  });

  it('says when N exceeds the records of the dataset', () => {
    const r = loadSweepData(sweepOn('mnist', 10001), where);
    expect(!r.ok && r.error).toBe(
      'mnist: train size 10001 exceeds the 10000 records the dataset holds',
    );
  });
});
