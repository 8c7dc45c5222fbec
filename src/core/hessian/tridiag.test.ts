import { describe, expect, it } from 'vitest';
import { createRng } from '../random/prng';
import { symTridiagEigen } from './tridiag';

describe('symTridiagEigen', () => {
  it('Toeplitz tridiag(b, a, b): λ_k = a + 2b cos(kπ/(n+1)), ascending', () => {
    const n = 12;
    const a = 1.5;
    const b = -0.7;
    const { values, vectors } = symTridiagEigen(Array(n).fill(a), Array(n - 1).fill(b));
    const exact = Array.from(
      { length: n },
      (_, k) => a + 2 * b * Math.cos(((k + 1) * Math.PI) / (n + 1)),
    ).sort((x, y) => x - y);
    values.forEach((v, i) => expect(Math.abs(v - exact[i]!)).toBeLessThan(1e-12));
    expect(vectors).toHaveLength(n);
  });

  it('random T: T s = λ s, orthonormal vectors', () => {
    const rng = createRng(1, 'tridiag');
    const n = 30;
    const d = Array.from({ length: n }, () => rng.normal());
    const e = Array.from({ length: n - 1 }, () => rng.normal());
    const { values, vectors } = symTridiagEigen(d, e);
    vectors.forEach((s, j) => {
      for (let i = 0; i < n; i++) {
        const ts =
          d[i]! * s[i]! + (i > 0 ? e[i - 1]! * s[i - 1]! : 0) + (i < n - 1 ? e[i]! * s[i + 1]! : 0);
        expect(Math.abs(ts - values[j]! * s[i]!)).toBeLessThan(1e-10);
      }
      vectors.forEach((t, k) => {
        const dot = s.reduce((acc, v, i) => acc + v * t[i]!, 0);
        expect(Math.abs(dot - (j === k ? 1 : 0))).toBeLessThan(1e-10);
      });
    });
  });

  it('handles n = 1, zero couplings and repeated eigenvalues', () => {
    expect(Array.from(symTridiagEigen([3], []).values)).toEqual([3]);
    const { values } = symTridiagEigen([2, 5, 2], [0, 0]);
    expect(Array.from(values)).toEqual([2, 2, 5]);
  });

  it('rejects non-finite input', () => {
    expect(() => symTridiagEigen([1, NaN], [0])).toThrow();
  });
});
