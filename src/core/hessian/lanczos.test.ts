import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { createRng } from '../random/prng';
import { forward, initParams, paramsToTensors, type ModelSpec } from '../models/model';
import { loss } from '../models/loss';
import { makeFlatHvp } from './hvp';
import { topEigen } from './lanczos';
import { mlp64Hvp } from './reference64';
import { mlpCase } from './testCases';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

/** Random orthogonal n×n (rows), by Gram–Schmidt in float64. */
function randomOrthogonal(n: number, seed: number): Float64Array[] {
  const rng = createRng(seed, 'orthogonal');
  const rows: Float64Array[] = [];
  while (rows.length < n) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const q of rows) {
        const c = v.reduce((s, x, i) => s + x * q[i]!, 0);
        for (let i = 0; i < n; i++) v[i] = v[i]! - c * q[i]!;
      }
    }
    const norm = Math.hypot(...v);
    rows.push(v.map((x) => x / norm));
  }
  return rows;
}

/** A = Qᵀ diag(λ) Q as a float32 tensor, and the eigenvectors (rows of Q). */
function knownMatrix(eigs: number[], seed: number): { a: tf.Tensor2D; vecs: Float64Array[] } {
  const n = eigs.length;
  const q = randomOrthogonal(n, seed);
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k]![i]! * eigs[k]! * q[k]![j]!;
      a[i * n + j] = s;
    }
  }
  return { a: tf.tensor2d(a, [n, n]), vecs: q };
}

/** A matVec HVP that counts its calls. */
function matVec(a: tf.Tensor2D): { hvp: (v: tf.Tensor1D) => tf.Tensor1D; calls: () => number } {
  let calls = 0;
  return {
    hvp: (v) => {
      calls++;
      return tf.tidy(() => tf.reshape(tf.matMul(a, tf.reshape(v, [-1, 1])), [-1]) as tf.Tensor1D);
    },
    calls: () => calls,
  };
}

function cosine(t: tf.Tensor1D, v: Float64Array): number {
  const x = t.dataSync();
  let dot = 0;
  let nx = 0;
  let nv = 0;
  v.forEach((vi, i) => {
    dot += vi * x[i]!;
    nx += x[i]! ** 2;
    nv += vi * vi;
  });
  return Math.abs(dot) / Math.sqrt(nx * nv);
}

/** Largest eigenvalue of a dense symmetric float64 matrix (cyclic Jacobi). */
function jacobiMax(m: Float64Array[]): number {
  const n = m.length;
  const a = m.map((r) => Float64Array.from(r));
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Math.max(...a.map((r, i) => r[i]!));
}

describe('topEigen on a known matrix', () => {
  const rng = createRng(3, 'eigs');
  const eigs = [10, 9.2, ...Array.from({ length: 48 }, () => -4 + 12 * rng.uniform())];

  it('finds λ_max = 10 to 1e-5 with its eigenvector, and leaks nothing', async () => {
    const { a, vecs } = knownMatrix(eigs, 1);
    const { hvp, calls } = matVec(a);
    const before = tf.memory().numTensors;
    const r = await topEigen(hvp, 50, { maxIters: 50, tol: 1e-6, seed: 0 });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(Math.abs(r.value - 10) / 10).toBeLessThan(1e-5);
    expect(r.residual).toBeLessThan(1e-6);
    expect(r.iters).toBe(calls());
    expect(r.hvps).toBe(r.iters);
    expect(r.iters).toBeLessThan(50);
    expect(cosine(r.vector, vecs[0]!)).toBeGreaterThan(1 - 1e-4);
    r.vector.dispose();
    a.dispose();
  });

  it('tol = 0 spends exactly maxIters HVPs; exactResidual one more', async () => {
    const { a } = knownMatrix(eigs, 2);
    const { hvp, calls } = matVec(a);
    const r = await topEigen(hvp, 50, { maxIters: 7, tol: 0, seed: 1, exactResidual: true });
    expect(r.iters).toBe(7);
    expect(calls()).toBe(8);
    expect(r.hvps).toBe(8);
    expect(r.residual).toBeGreaterThan(0);
    r.vector.dispose();
    a.dispose();
  });

  it('dim < maxIters: stops at dim with the exact answer', async () => {
    const { a } = knownMatrix([2, -7, 1, 0.5, 3], 3);
    const { hvp } = matVec(a);
    const r = await topEigen(hvp, 5, { maxIters: 20, tol: 0, seed: 2 });
    expect(r.iters).toBe(5);
    expect(r.value).toBeCloseTo(3, 5);
    r.vector.dispose();
    a.dispose();
  });

  it('breakdown (2 distinct eigenvalues): exact, and tol = 0 still spends maxIters', async () => {
    const d = Array.from({ length: 40 }, (_, i) => (i < 5 ? 3 : 1));
    const a = tf.diag(tf.tensor1d(d)) as tf.Tensor2D;
    const { hvp, calls } = matVec(a);
    const before = tf.memory().numTensors;
    const early = await topEigen(hvp, 40, { maxIters: 20, tol: 1e-5, seed: 4 });
    expect(early.iters).toBeLessThanOrEqual(3);
    expect(early.value).toBeCloseTo(3, 5);
    const full = await topEigen(hvp, 40, { maxIters: 8, tol: 0, seed: 4 });
    expect(full.iters).toBe(8);
    expect(full.value).toBeCloseTo(3, 5);
    expect(calls()).toBe(early.iters + 8);
    // A start vector with no top component: the restart after breakdown still finds λ = 3.
    const start = tf.tidy(() => {
      const e = tf.oneHot(tf.tensor1d([39], 'int32'), 40);
      return tf.reshape(tf.cast(e, 'float32'), [40]) as tf.Tensor1D;
    });
    const deficient = await topEigen(hvp, 40, { maxIters: 6, tol: 0, seed: 5, start });
    expect(deficient.value).toBeCloseTo(3, 5);
    tf.dispose([early.vector, full.vector, deficient.vector, start]);
    expect(tf.memory().numTensors).toBe(before);
    a.dispose();
  });

  it('a non-finite HVP gives NaN without leaking', async () => {
    const before = tf.memory().numTensors;
    const r = await topEigen((v) => tf.mul(v, NaN), 10, { maxIters: 5, tol: 0, seed: 0 });
    expect(r.value).toBeNaN();
    expect(r.iters).toBe(0);
    expect(r.vector.shape).toEqual([10]);
    r.vector.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a warm start at the top vector converges in one HVP', async () => {
    const { a, vecs } = knownMatrix(eigs, 5);
    const { hvp } = matVec(a);
    const start = tf.tensor1d(Float32Array.from(vecs[0]!));
    const r = await topEigen(hvp, 50, { maxIters: 30, tol: 1e-4, seed: 0, start });
    expect(r.iters).toBe(1);
    expect(r.value).toBeCloseTo(10, 4);
    expect(start.isDisposed).toBe(false);
    tf.dispose([r.vector, start, a]);
  });
});

describe('topEigen on model Hessians', () => {
  it('linear model (depth 1, MSE): λ = λ_max(XᵀX)/(M·k)', async () => {
    const M = 40;
    const n = 12;
    const k = 3;
    const spec: ModelSpec = {
      kind: 'fcn',
      depth: 1,
      width: 1,
      inputDim: n,
      numClasses: k,
      activation: 'relu',
      param: 'sp',
      readout: 'normal',
      bias: false,
    };
    const rng = createRng(8, 'linear-data');
    const x = Float32Array.from({ length: M * n }, () => rng.normal() + 0.3);
    const y = new Float32Array(M * k);
    for (let b = 0; b < M; b++) y[b * k + rng.int(k)] = 1;
    // λ_max(XᵀX) in float64 by power iteration (XᵀX is PSD, so the top eigenvalue dominates).
    const xtx = Array.from({ length: n }, (_, i) =>
      Float64Array.from({ length: n }, (_, j) => {
        let s = 0;
        for (let b = 0; b < M; b++) s += x[b * n + i]! * x[b * n + j]!;
        return s;
      }),
    );
    let v: number[] = Array<number>(n).fill(1);
    let lam = 0;
    for (let it = 0; it < 5000; it++) {
      const w = xtx.map((row) => row.reduce((s, a, j) => s + a * v[j]!, 0));
      lam = Math.hypot(...w);
      v = w.map((a) => a / lam);
    }
    const expected = lam / (M * k);

    const params = paramsToTensors(spec, initParams(spec, 0));
    const xt = tf.tensor2d(x, [M, n]);
    const yt = tf.tensor2d(y, [M, k]);
    const hvp = makeFlatHvp((ps) => loss('mse', forward(spec, ps, xt), yt), params);
    const before = tf.memory().numTensors;
    const r = await topEigen(hvp, n * k, { maxIters: 36, tol: 1e-6, seed: 0 });
    expect(Math.abs(r.value - expected) / expected).toBeLessThan(1e-4);
    r.vector.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...params, xt, yt]);
  });

  it('tanh MLP (MSE) and relu MLP (xent): λ_max of the dense float64 Hessian', async () => {
    for (const [activation, lossName] of [
      ['tanh', 'mse'],
      ['relu', 'xent'],
    ] as const) {
      const c = mlpCase({ activation, loss: lossName });
      const P = c.theta64.length;
      // Dense Hessian, column by column, from the exact float64 R-operator HVP.
      const cols = Array.from({ length: P }, (_, j) => {
        const e = new Float64Array(P);
        e[j] = 1;
        return mlp64Hvp(c.net64, c.theta64, c.data64, e);
      });
      const dense = cols.map((col, i) => col.map((_, j) => 0.5 * (cols[i]![j]! + cols[j]![i]!)));
      const expected = jacobiMax(dense);

      const params = c.params.map((p, i) => tf.tensor(p, c.shapes[i]));
      const x = tf.tensor2d(c.x, [c.batch, c.spec.inputDim]);
      const y = tf.tensor2d(c.y, [c.batch, c.spec.numClasses]);
      const hvp = makeFlatHvp((ps) => loss(lossName, forward(c.spec, ps, x), y), params);
      const r = await topEigen(hvp, P, { maxIters: 60, tol: 1e-6, seed: 0, exactResidual: true });
      expect(Math.abs(r.value - expected) / expected).toBeLessThan(1e-5);
      expect(r.residual).toBeLessThan(1e-4);
      tf.dispose([r.vector, ...params, x, y]);
    }
  });
});
