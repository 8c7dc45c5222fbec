import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../../node/backend';
import { createRng } from '../random/prng';
import { forward } from '../models/model';
import { loss } from '../models/loss';
import { ensembleLoss, forwardBatched, stackParams } from '../models/batchedModel';
import { makeFlatHvp } from './hvp';
import { makeBatchedFlatHvp } from './batchedHvp';
import { topEigen } from './lanczos';
import { topEigenBatched } from './batchedLanczos';
import { mlpCase } from './testCases';

beforeAll(async () => {
  await initNodeBackend('cpu');
});

/** A = Qᵀ diag(λ) Q (float32, n×n) for a random orthogonal Q, and the top eigenvector. */
function knownMatrix(
  eigs: readonly number[],
  seed: number,
): { a: Float32Array; top: Float64Array } {
  const n = eigs.length;
  const rng = createRng(seed, 'orthogonal');
  const q: Float64Array[] = [];
  while (q.length < n) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    for (let pass = 0; pass < 2; pass++) {
      for (const r of q) {
        const c = v.reduce((s, x, i) => s + x * r[i]!, 0);
        for (let i = 0; i < n; i++) v[i] = v[i]! - c * r[i]!;
      }
    }
    const norm = Math.hypot(...v);
    q.push(v.map((x) => x / norm));
  }
  const a = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[k]![i]! * eigs[k]! * q[k]![j]!;
      a[i * n + j] = s;
    }
  const iTop = eigs.indexOf(Math.max(...eigs));
  return { a, top: q[iTop]! };
}

/** Block-diagonal operator: rows v_i ↦ A_e v_i for the listed members e; counts calls and rows. */
function blockOp(mats: readonly Float32Array[], n: number) {
  const E = mats.length;
  const all = new Float32Array(E * n * n);
  mats.forEach((m, e) => all.set(m, e * n * n));
  const A = tf.tensor3d(all, [E, n, n]);
  const singles = mats.map((m) => tf.tensor2d(m, [n, n]));
  let calls = 0;
  let rows = 0;
  return {
    hvp: (v: tf.Tensor2D, members: readonly number[]): tf.Tensor2D => {
      calls++;
      rows += members.length;
      return tf.tidy(() => {
        const Am = tf.gather(A, tf.tensor1d(members as number[], 'int32'));
        const k = members.length;
        return tf.reshape(tf.matMul(Am, tf.reshape(v, [k, n, 1])), [k, n]) as tf.Tensor2D;
      });
    },
    single:
      (e: number) =>
      (v: tf.Tensor1D): tf.Tensor1D =>
        tf.tidy(
          () => tf.reshape(tf.matMul(singles[e]!, tf.reshape(v, [n, 1])), [n]) as tf.Tensor1D,
        ),
    calls: () => calls,
    rows: () => rows,
    dispose: () => tf.dispose([A, ...singles]),
  };
}

function spectrum(seed: number, top: number, gap: number, n: number): number[] {
  const rng = createRng(seed, 'eigs');
  return [
    top,
    top - gap,
    ...Array.from({ length: n - 2 }, () => -4 + (top - gap - 1 + 4) * rng.uniform()),
  ];
}

const N = 40;

describe('topEigenBatched on block-diagonal known matrices', () => {
  // Gaps from large to tiny: the members converge after different numbers of HVPs.
  const specs = [
    spectrum(1, 10, 4, N),
    spectrum(2, 8, 0.3, N),
    spectrum(3, 5, 0.02, N),
    spectrum(4, 20, 1, N),
  ];

  it('each member equals topEigen on its own block (value, iterations, vector); no leaks', async () => {
    const mats = specs.map((s, e) => knownMatrix(s, 10 + e));
    const op = blockOp(
      mats.map((m) => m.a),
      N,
    );
    const before = tf.memory().numTensors;
    const opts = { maxIters: 30, tol: 1e-5, seed: 3 };
    const r = await topEigenBatched(op.hvp, mats.length, N, opts);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(r.vectors.shape).toEqual([mats.length, N]);
    const rows = r.vectors.arraySync();
    const iters: number[] = [];
    for (let e = 0; e < mats.length; e++) {
      const s = await topEigen(op.single(e), N, opts);
      const m = r.members[e]!;
      expect(Math.abs(m.value - s.value) / s.value).toBeLessThan(1e-5);
      expect(Math.abs(m.value - specs[e]![0]!) / specs[e]![0]!).toBeLessThan(1e-4);
      expect(Math.abs(m.iters - s.iters)).toBeLessThanOrEqual(1);
      expect(m.residual).toBeLessThan(opts.tol);
      const top = mats[e]!.top;
      const dot = rows[e]!.reduce((acc, x, i) => acc + x * top[i]!, 0);
      expect(Math.abs(dot)).toBeGreaterThan(1 - 1e-3);
      iters.push(m.iters);
      s.vector.dispose();
    }
    // Members stop at their own convergence; the shared loop runs as long as the slowest.
    expect(new Set(iters).size).toBeGreaterThan(1);
    expect(r.hvps).toBe(Math.max(...iters));
    expect(op.calls()).toBe(r.hvps);
    // A converged member leaves the HVPs: rows computed = Σ_e iters_e, not E × max.
    expect(op.rows()).toBe(iters.reduce((a, b) => a + b, 0));
    r.vectors.dispose();
    expect(tf.memory().numTensors).toBe(before);
    op.dispose();
  });

  it('tol = 0: every member spends exactly maxIters HVPs', async () => {
    const mats = specs.map((s, e) => knownMatrix(s, 20 + e));
    const op = blockOp(
      mats.map((m) => m.a),
      N,
    );
    const r = await topEigenBatched(op.hvp, mats.length, N, { maxIters: 7, tol: 0, seed: 1 });
    expect(r.members.map((m) => m.iters)).toEqual([7, 7, 7, 7]);
    expect(op.calls()).toBe(7);
    for (let e = 0; e < mats.length; e++) {
      const s = await topEigen(op.single(e), N, { maxIters: 7, tol: 0, seed: 1 });
      expect(Math.abs(r.members[e]!.value - s.value) / s.value).toBeLessThan(1e-5);
      s.vector.dispose();
    }
    r.vectors.dispose();
    op.dispose();
  });

  it('inactive and non-finite members give NaN; the others are unchanged', async () => {
    const mats = specs.map((s, e) => knownMatrix(s, 30 + e));
    const bad = new Float32Array(N * N).fill(NaN);
    const op = blockOp([mats[0]!.a, bad, mats[2]!.a, mats[3]!.a], N);
    const ref = blockOp([mats[0]!.a, mats[1]!.a, mats[2]!.a, mats[3]!.a], N);
    const before = tf.memory().numTensors;
    const opts = { maxIters: 30, tol: 1e-5, seed: 2 };
    const active = [true, true, false, true];
    const r = await topEigenBatched(op.hvp, 4, N, { ...opts, active });
    const full = await topEigenBatched(ref.hvp, 4, N, opts);
    expect(r.members[1]!.value).toBeNaN();
    expect(r.members[1]!.iters).toBe(0);
    expect(r.members[2]).toEqual({ value: NaN, iters: 0, residual: NaN });
    const rows = r.vectors.arraySync();
    expect(rows[2]!.every((x) => x === 0)).toBe(true);
    expect(rows.flat().every((x) => Number.isFinite(x))).toBe(true);
    for (const e of [0, 3]) {
      expect(r.members[e]!.value).toBeCloseTo(full.members[e]!.value, 5);
      expect(r.members[e]!.iters).toBe(full.members[e]!.iters);
    }
    tf.dispose([r.vectors, full.vectors]);
    expect(tf.memory().numTensors).toBe(before);
    // All members inactive: no HVP at all.
    const none = await topEigenBatched(op.hvp, 4, N, {
      ...opts,
      active: [false, false, false, false],
    });
    expect(none.hvps).toBe(0);
    expect(none.members.every((m) => Number.isNaN(m.value))).toBe(true);
    none.vectors.dispose();
    op.dispose();
    ref.dispose();
  });

  it('breakdown and warm starts follow topEigen', async () => {
    const n = 40;
    // Member 0: two distinct eigenvalues (breakdown after 2 steps); member 1: warm start at its
    // top vector (1 HVP); member 2: a start with no top component (found after a restart).
    const twoLevel = new Float32Array(n * n);
    for (let i = 0; i < n; i++) twoLevel[i * n + i] = i < 5 ? 3 : 1;
    const m1 = knownMatrix(spectrum(7, 10, 2, n), 7);
    const diag = new Float32Array(n * n);
    for (let i = 0; i < n; i++) diag[i * n + i] = i < 5 ? 3 : 1;
    const op = blockOp([twoLevel, m1.a, diag], n);
    const startHost = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) startHost[i] = 1;
    startHost.set(Float32Array.from(m1.top), n);
    startHost[2 * n + 39] = 1;
    const start = tf.tensor2d(startHost, [3, n]);
    const before = tf.memory().numTensors;
    const r = await topEigenBatched(op.hvp, 3, n, { maxIters: 6, tol: 0, seed: 5, start });
    for (let e = 0; e < 3; e++) {
      const row = tf.tidy(() => tf.reshape(tf.slice(start, [e, 0], [1, n]), [n]) as tf.Tensor1D);
      const s = await topEigen(op.single(e), n, { maxIters: 6, tol: 0, seed: 5, start: row });
      expect(r.members[e]!.value).toBeCloseTo(s.value, 4);
      tf.dispose([row, s.vector]);
    }
    expect(r.members[0]!.value).toBeCloseTo(3, 5);
    expect(r.members[1]!.value).toBeCloseTo(10, 4);
    expect(r.members[2]!.value).toBeCloseTo(3, 5);
    const warm = await topEigenBatched(op.hvp, 3, n, { maxIters: 30, tol: 1e-4, seed: 5, start });
    expect(warm.members[1]!.iters).toBe(1);
    expect(start.isDisposed).toBe(false);
    tf.dispose([r.vectors, warm.vectors]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(start);
    op.dispose();
  });
});

describe('topEigenBatched on an MLP ensemble', () => {
  for (const [activation, lossName] of [
    ['relu', 'mse'],
    ['tanh', 'xent'],
  ] as const) {
    it(`${activation}/${lossName}: equals topEigen per member on makeFlatHvp`, async () => {
      const cases = [1, 2, 3].map((seed) =>
        mlpCase({ activation, loss: lossName, seed, batch: 11 }),
      );
      const c0 = cases[0]!;
      const P = c0.theta64.length;
      const x = tf.tensor2d(c0.x, [c0.batch, c0.spec.inputDim]);
      const y = tf.tensor2d(c0.y, [c0.batch, c0.spec.numClasses]);
      const members = cases.map((c) => c.params.map((p, i) => tf.tensor(p, c.shapes[i])));
      const stacked = stackParams(members);
      const before = tf.memory().numTensors;
      const opts = { maxIters: 40, tol: 1e-5, seed: 9 };
      const r = await topEigenBatched(
        makeBatchedFlatHvp(
          (ps) => ensembleLoss(lossName, forwardBatched(c0.spec, ps, x), y),
          stacked,
        ),
        members.length,
        P,
        opts,
      );
      for (let e = 0; e < members.length; e++) {
        const s = await topEigen(
          makeFlatHvp((ps) => loss(lossName, forward(c0.spec, ps, x), y), members[e]!),
          P,
          opts,
        );
        expect(Math.abs(r.members[e]!.value - s.value) / Math.abs(s.value)).toBeLessThan(1e-5);
        s.vector.dispose();
      }
      r.vectors.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, y, ...stacked, ...members.flat()]);
    });
  }
});
