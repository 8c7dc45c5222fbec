import { describe, expect, it } from 'vitest';
import { syntheticDataset } from './synthetic';

describe('syntheticDataset', () => {
  it('has the default shape and labels i % 10', () => {
    const ds = syntheticDataset({ count: 25, seed: 0 });
    expect([ds.name, ds.count, ds.height, ds.width, ds.channels, ds.numClasses]).toEqual([
      'synthetic',
      25,
      8,
      8,
      1,
      10,
    ]);
    expect(ds.images.length).toBe(25 * 64);
    expect(Array.from(ds.labels)).toEqual(Array.from({ length: 25 }, (_, i) => i % 10));
  });

  it('is deterministic from the seed, and the first N records do not depend on count', () => {
    const a = syntheticDataset({ count: 100, seed: 7 });
    const b = syntheticDataset({ count: 100, seed: 7 });
    const c = syntheticDataset({ count: 100, seed: 8 });
    const short = syntheticDataset({ count: 40, seed: 7 });
    expect(a).toEqual(b);
    expect(a.images).not.toEqual(c.images);
    expect(short.images).toEqual(a.images.subarray(0, 40 * 64));
  });

  it('forms class clusters: records of a class are closer to each other than to other classes', () => {
    const ds = syntheticDataset({ count: 200, height: 4, width: 4, numClasses: 5, seed: 3 });
    const dim = 16;
    const dist = (i: number, j: number): number => {
      let s = 0;
      for (let p = 0; p < dim; p++) s += (ds.images[i * dim + p]! - ds.images[j * dim + p]!) ** 2;
      return s;
    };
    let same = 0;
    let other = 0;
    for (let i = 0; i < 50; i++) {
      same += dist(i, i + 5); // same class (labels repeat every 5)
      other += dist(i, i + 1);
    }
    expect(same).toBeLessThan(other * 0.7);
    expect(Math.min(...ds.images)).toBeGreaterThanOrEqual(0);
  });

  it('throws on invalid sizes (a programming error)', () => {
    expect(() => syntheticDataset({ count: -1, seed: 0 })).toThrow(RangeError);
    expect(() => syntheticDataset({ count: 1, height: 0, seed: 0 })).toThrow(RangeError);
    expect(() => syntheticDataset({ count: 1, numClasses: 300, seed: 0 })).toThrow(RangeError);
    expect(syntheticDataset({ count: 0, seed: 0 }).count).toBe(0);
  });
});
