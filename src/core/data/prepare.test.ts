import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_CIFAR10, readBytes } from '../../../tests/fixtures/datasets';
import { parseCifar10 } from './cifar10';
import { prepareData, standardizeImage } from './prepare';
import { syntheticDataset } from './synthetic';
import type { ImageDataset } from './types';

/** The committed fixture: the official data_batch_1.bin's first 1,024 records. */
const BATCH = path.join(FIXTURE_CIFAR10, 'data_batch_1.bin');

/** Mean and population std of values, in float64. */
function stats(v: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  const mean = s / v.length;
  let q = 0;
  for (let i = 0; i < v.length; i++) q += (v[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(q / v.length) };
}

describe('standardizeImage', () => {
  it('uses the population std (divisor n)', () => {
    // [0, 2]: mean 1, population std 1 → [-1, 1] (the sample std would give ±0.707).
    expect(Array.from(standardizeImage(new Uint8Array([0, 2])))).toEqual([-1, 1]);
    const out = standardizeImage(new Uint8Array([1, 2, 3, 4]));
    const k = 1 / Math.sqrt(1.25);
    expect(Array.from(out)).toEqual([-1.5 * k, -0.5 * k, 0.5 * k, 1.5 * k].map(Math.fround));
  });

  it('maps a constant image to zeros', () => {
    expect(Array.from(standardizeImage(new Uint8Array([7, 7, 7])))).toEqual([0, 0, 0]);
  });

  it('writes into the given output', () => {
    const out = new Float32Array(2);
    expect(standardizeImage([3, 5], out)).toBe(out);
    expect(() => standardizeImage([1, 2, 3], out)).toThrow(RangeError);
  });
});

describe('prepareData on real CIFAR-10 records', () => {
  const parsed = parseCifar10([
    { name: 'data_batch_1.bin', bytes: readBytes(BATCH).subarray(0, 3073 * 300) },
  ]);

  it('standardises each image to mean 0 and population std 1', () => {
    if (!parsed.ok) throw new Error(parsed.error);
    const r = prepareData(parsed.value, 256);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { x, dim, count } = r.value;
    expect([count, dim, r.value.numClasses, x.length]).toEqual([256, 3072, 10, 256 * 3072]);
    for (let i = 0; i < count; i++) {
      const s = stats(x.subarray(i * dim, (i + 1) * dim));
      expect(Math.abs(s.mean)).toBeLessThan(1e-5);
      expect(Math.abs(s.std - 1)).toBeLessThan(1e-5);
    }
    // Row 0 is record 0's pixels in HWC order, standardised with float64 statistics.
    const raw = parsed.value.images.subarray(0, dim);
    const s0 = stats(raw);
    for (const p of [0, 1, 2, 1000, 3071]) {
      expect(x[p]).toBe(Math.fround((raw[p]! - s0.mean) / s0.std));
    }
  });

  it('one-hot targets sum to 1 and match labels, in record order', () => {
    if (!parsed.ok) throw new Error(parsed.error);
    const r = prepareData(parsed.value, 300);
    if (!r.ok) throw new Error(r.error);
    const { y, numClasses } = r.value;
    for (let i = 0; i < 300; i++) {
      const row = Array.from(y.subarray(i * numClasses, (i + 1) * numClasses));
      expect(row.reduce((a, b) => a + b, 0)).toBe(1);
      expect(row.indexOf(1)).toBe(parsed.value.labels[i]);
    }
  });
});

describe('prepareData', () => {
  const ds: ImageDataset = syntheticDataset({ count: 50, seed: 4 });

  it('takes the first N records in order', () => {
    const all = prepareData(ds, 50);
    const first = prepareData(ds, 20);
    if (!all.ok || !first.ok) throw new Error('prepare failed');
    expect(first.value.x).toEqual(all.value.x.subarray(0, 20 * 64));
    expect(first.value.y).toEqual(all.value.y.subarray(0, 20 * 10));
    expect(first.value.name).toBe('synthetic');
  });

  it('rejects N > count, naming the dataset and both numbers', () => {
    const r = prepareData(ds, 51);
    expect(!r.ok && r.error).toBe(
      'synthetic: train size 51 exceeds the 50 records the dataset holds',
    );
    expect(prepareData(ds, 0).ok).toBe(false);
    expect(prepareData(ds, 2.5).ok).toBe(false);
  });

  it('rejects inconsistent datasets instead of reading past the end', () => {
    const short = { ...ds, images: ds.images.subarray(0, 10) };
    expect(prepareData(short, 5).ok).toBe(false);
    const badLabel = { ...ds, labels: ds.labels.map((l, i) => (i === 3 ? 12 : l)) };
    const r = prepareData(badLabel, 10);
    expect(!r.ok && r.error).toBe('synthetic: label 12 at record 3 is outside 0..9');
  });
});
