/**
 * Eigen-decomposition of a small symmetric tridiagonal matrix in float64: the implicit QL method
 * with Wilkinson-style shifts (tql2 of EISPACK, as in JAMA and Numerical Recipes §11.3).
 * O(n²) for the values plus O(n³) for the vectors: negligible for Lanczos sizes (n ≤ a few 100).
 */

/** Eigenvalues (ascending) and unit eigenvectors (`vectors[j]` belongs to `values[j]`). */
export interface TridiagEigen {
  values: Float64Array;
  vectors: Float64Array[];
}

/**
 * Eigen-decomposition of T with diagonal `diag` (length n) and off-diagonal `offDiag`
 * (length n − 1, T[i][i+1] = T[i+1][i] = offDiag[i]). Throws on non-finite input or if QL fails
 * to converge (never seen for finite input; the cap is 60 sweeps per eigenvalue).
 */
export function symTridiagEigen(diag: ArrayLike<number>, offDiag: ArrayLike<number>): TridiagEigen {
  const n = diag.length;
  if (offDiag.length < n - 1) throw new Error('symTridiagEigen: offDiag needs n − 1 entries');
  const d = Float64Array.from(diag);
  // e[i] couples i and i+1; e[n−1] = 0 (tql2's layout after its initial shift).
  const e = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) e[i] = offDiag[i] as number;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d[i] as number) || !Number.isFinite(e[i] as number)) {
      throw new Error('symTridiagEigen: non-finite entry');
    }
  }
  // V[k][j]: component k of eigenvector j, starting from the identity.
  const V: Float64Array[] = Array.from({ length: n }, (_, k) => {
    const row = new Float64Array(n);
    row[k] = 1;
    return row;
  });
  const at = (a: Float64Array, i: number): number => a[i] as number;

  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(at(d, l)) + Math.abs(at(e, l)));
    let m = l;
    while (m < n - 1 && Math.abs(at(e, m)) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 60) throw new Error('symTridiagEigen: no convergence');
        // Implicit shift from the leading 2×2 block.
        let g = at(d, l);
        let p = (at(d, l + 1) - g) / (2 * at(e, l));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = at(e, l) / (p + r);
        d[l + 1] = at(e, l) * (p + r);
        const dl1 = at(d, l + 1);
        let h = g - at(d, l);
        for (let i = l + 2; i < n; i++) d[i] = at(d, i) - h;
        f += h;
        // Implicit QL sweep from m − 1 down to l.
        p = at(d, m);
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = at(e, l + 1);
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * at(e, i);
          h = c * p;
          r = Math.hypot(p, at(e, i));
          e[i + 1] = s * r;
          s = at(e, i) / r;
          c = p / r;
          p = c * at(d, i) - s * g;
          d[i + 1] = h + s * (c * g + s * at(d, i));
          for (let k = 0; k < n; k++) {
            const row = V[k] as Float64Array;
            h = at(row, i + 1);
            row[i + 1] = s * at(row, i) + c * h;
            row[i] = c * at(row, i) - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * at(e, l)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(at(e, l)) > eps * tst1);
    }
    d[l] = at(d, l) + f;
    e[l] = 0;
  }

  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => at(d, a) - at(d, b));
  return {
    values: Float64Array.from(order, (j) => at(d, j)),
    vectors: order.map((j) => Float64Array.from(V, (row) => at(row, j))),
  };
}
