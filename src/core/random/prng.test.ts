import { describe, expect, it } from 'vitest';
import { createRng, normalArray, permutation } from './prng';

describe('seeded PRNG', () => {
  it('repeats exactly for the same seed and stream', () => {
    const a = createRng(7, 'init');
    const b = createRng(7, 'init');
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
  });

  it('gives independent sequences for different streams and seeds', () => {
    const a = Array.from({ length: 8 }, createRng(7, 'init').uniform);
    const b = Array.from({ length: 8 }, createRng(7, 'data-order').uniform);
    const c = Array.from({ length: 8 }, createRng(8, 'init').uniform);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('draws untruncated standard normals', () => {
    const xs = normalArray(createRng(1, 'test'), 200_000, 1);
    let mean = 0;
    for (const x of xs) mean += x;
    mean /= xs.length;
    let v = 0;
    let beyond3 = 0;
    for (const x of xs) {
      v += (x - mean) ** 2;
      if (Math.abs(x) > 3) beyond3++;
    }
    v /= xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(v - 1)).toBeLessThan(0.01);
    // P(|z| > 3) = 0.0027: a 2σ-truncated normal would give none.
    expect(beyond3 / xs.length).toBeGreaterThan(0.002);
    expect(beyond3 / xs.length).toBeLessThan(0.0035);
  });

  it('uniform values lie in [0, 1) and permutations are permutations', () => {
    const rng = createRng(3, 'u');
    for (let i = 0; i < 1000; i++) {
      const u = rng.uniform();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
    const p = permutation(createRng(3, 'p'), 1000);
    expect([...p].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect([...p]).not.toEqual([...Array(1000).keys()]);
  });
});
