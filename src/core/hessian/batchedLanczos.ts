/**
 * Top eigenpairs of E symmetric operators at once, for an ensemble whose Hessian is
 * block-diagonal (see `batchedHvp.ts`): E independent Lanczos recurrences that share every HVP
 * call. Each member follows exactly the algorithm of `topEigen` (lanczos.ts): full
 * reorthogonalisation (the three-term recurrence, then one classical Gram–Schmidt pass, per
 * member against its own basis), the same stopping rule, breakdown restarts and random draws. Per
 * iteration the α and β of all members come back in one awaited `data()` of 2E floats, and the
 * HVP is asked only for the members still running, so a converged member costs nothing more.
 *
 * No batched matMul here: on wasm a BatchMatMul with a batch dimension > 1 runs a naive loop
 * instead of XNNPACK (see `models/batchedModel.ts`). The projections are row-wise dot products
 * with one basis matrix [E, P] at a time (elementwise product, row sum): the same arithmetic as
 * Q_e(Q_eᵀ w_e), with temporaries of O(E·P) instead of O(E·m·P).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray, type Rng } from '../random/prng';
import { symTridiagEigen } from './tridiag';
import { l2norm } from './lanczos';
import type { BatchedHvp } from './batchedHvp';

/** Options of {@link topEigenBatched}. */
export interface TopEigenBatchedOptions {
  /** Most HVPs per member (≥ 1); also capped by the dimension. */
  maxIters: number;
  /** A member stops when its residual estimate |β_m s_m| / |θ| < tol; 0: exactly maxIters HVPs. */
  tol: number;
  /** Seed of each member's 'lanczos' stream (the same stream `topEigen` draws from). */
  seed: number;
  /** Warm start [E, P] (row e for member e); not modified or disposed. */
  start?: tf.Tensor2D;
  /** Members to estimate (default all); the others (e.g. diverged) are skipped and give NaN. */
  active?: readonly boolean[];
}

/** One member's estimate. */
export interface MemberEigen {
  /** Largest Ritz value θ_e ≈ λ_max(H_e); NaN for an inactive member or a non-finite HVP. */
  value: number;
  /** HVPs in this member's Lanczos loop (its Krylov dimension when it stopped). */
  iters: number;
  /** Relative residual estimate |β_m s_m| / |θ_e| (NaN where `value` is NaN). */
  residual: number;
}

/** Result of {@link topEigenBatched}. */
export interface TopEigenBatchedResult {
  members: MemberEigen[];
  /**
   * Unit Ritz vectors [E, P]: row e is member e's top vector (its normalised start vector after a
   * non-finite HVP, as in `topEigen`; zeros for an inactive member). The caller disposes it.
   */
  vectors: tf.Tensor2D;
  /** HVP calls made (each serves every running member): the largest per-member `iters`. */
  hvps: number;
}

/** Same breakdown threshold as `topEigen` (β below this fraction of ‖T‖). */
const BREAKDOWN_RATIO = 1e-6;

/**
 * Row-wise w_e − Q_e(Q_eᵀ w_e), `passes` times, for rows w [E, P] and a basis of [E, P] matrices
 * (row e of basis j is member e's q_j). Classical Gram–Schmidt: all coefficients of a pass come
 * from the same r. Returns a new tensor.
 */
function orthogonaliseBatched(
  w: tf.Tensor2D,
  basis: readonly tf.Tensor2D[],
  passes: number,
): tf.Tensor2D {
  let r = tf.clone(w);
  for (let pass = 0; pass < passes && basis.length > 0; pass++) {
    const rNow = r;
    const coeffs = basis.map((q) => tf.tidy(() => tf.sum(tf.mul(rNow, q), 1, true))); // [E, 1]
    basis.forEach((q, j) => {
      const prev = r;
      r = tf.tidy(() => tf.sub(prev, tf.mul(coeffs[j] as tf.Tensor, q)));
      prev.dispose();
    });
    tf.dispose(coeffs);
  }
  return r;
}

/** Row norms of [E, P] as [E, 1]. */
function rowNorms(t: tf.Tensor2D): tf.Tensor2D {
  return tf.sqrt(tf.sum(tf.square(t), 1, true)) as tf.Tensor2D;
}

/** Rows t_e / ‖t_e‖ where `mask` [E, 1] holds, zeros elsewhere (never 0·NaN: replaced). */
function normaliseRows(t: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const n = rowNorms(t);
    return tf.where(
      mask,
      tf.div(t, tf.where(mask, n, tf.onesLike(n))),
      tf.zerosLike(t),
    ) as tf.Tensor2D;
  });
}

function boolColumn(values: readonly boolean[]): tf.Tensor2D {
  return tf.tensor2d(
    values.map((b) => (b ? 1 : 0)),
    [values.length, 1],
    'bool',
  );
}

/** Per-member state of one Lanczos recurrence (mirrors the locals of `topEigen`). */
interface MemberState {
  rng: Rng;
  alphas: number[];
  betas: number[];
  theta: number;
  ritz: Float64Array;
  residual: number;
  tNorm: number;
  failed: boolean;
}

/**
 * Largest eigenvalue θ_e ≈ λ_max(H_e) of each block of a block-diagonal operator, with vectors.
 * `hvp(V, members)` maps the directions V [n, P] of the listed members (ascending indices) to
 * their H_e v_e, [n, P], as a new tensor (disposed here). Member e runs the recurrence of
 * `topEigen` with start row e of `start` (or a normal draw from `createRng(seed, 'lanczos')`:
 * every member draws from its own copy of that stream), so member e reproduces
 * `topEigen(H_e, P, {maxIters, tol, seed, start: start_e})` up to float32 rounding.
 *
 * A member stops at its own convergence (tol), at `maxIters` or at P: its Ritz vector is formed
 * then, and its rows are dropped from the basis, so the HVPs and the reorthogonalisation of the
 * later iterations cost only as many rows as members are still running. Inactive members are
 * never computed and report NaN with 0 iterations. Nothing but `vectors` outlives the call.
 */
export async function topEigenBatched(
  hvp: BatchedHvp,
  members: number,
  dim: number,
  opts: TopEigenBatchedOptions,
): Promise<TopEigenBatchedResult> {
  if (!Number.isInteger(members) || members < 1) {
    throw new Error(`topEigenBatched: bad member count ${members}`);
  }
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`topEigenBatched: bad dimension ${dim}`);
  if (!(opts.maxIters >= 1)) throw new Error('topEigenBatched: maxIters must be ≥ 1');
  const active = opts.active ?? Array<boolean>(members).fill(true);
  if (active.length !== members) {
    throw new Error('topEigenBatched: `active` needs one entry per member');
  }
  const start = opts.start;
  if (start !== undefined) {
    const [e, p] = start.shape;
    if (e !== members || p !== dim) throw new Error('topEigenBatched: start has the wrong shape');
  }

  const state: MemberState[] = active.map(() => ({
    rng: createRng(opts.seed, 'lanczos'),
    alphas: [],
    betas: [],
    theta: NaN,
    ritz: new Float64Array(0),
    residual: NaN,
    tNorm: 0,
    failed: false,
  }));
  /** Member index of each row of `basis` and `next`: the members still running. */
  let rows = active.flatMap((on, e) => (on ? [e] : []));
  let basis: tf.Tensor2D[] = [];
  let next: tf.Tensor2D | null = null;
  /** Unit Ritz vectors [1, P] of the members that have stopped. */
  const finished = new Map<number, tf.Tensor2D>();
  let hvps = 0;

  /** Ritz vectors of the rows `stopping` (indices into `rows`), from the current basis. */
  const finish = (stopping: readonly number[]): void => {
    const n = rows.length;
    const coef = basis.map(() => new Float32Array(n));
    for (const i of stopping) {
      const st = state[rows[i] as number] as MemberState;
      // After a non-finite HVP: the normalised start vector, as topEigen returns.
      if (st.failed || st.alphas.length === 0) (coef[0] as Float32Array)[i] = 1;
      else st.ritz.forEach((s, j) => ((coef[j] as Float32Array)[i] = s));
    }
    let y = tf.zeros([n, dim]) as tf.Tensor2D;
    basis.forEach((q, j) => {
      const prev = y;
      y = tf.tidy(() => tf.add(prev, tf.mul(tf.tensor2d(coef[j] as Float32Array, [n, 1]), q)));
      prev.dispose();
    });
    for (const i of stopping) {
      const yi = tf.tidy(() => {
        const row = tf.slice(y, [i, 0], [1, dim]) as tf.Tensor2D;
        return tf.div(row, l2norm(row)) as tf.Tensor2D;
      });
      finished.set(rows[i] as number, yi);
    }
    y.dispose();
  };

  try {
    if (rows.length > 0) {
      const n = rows.length;
      const all = tf.ones([n, 1], 'bool') as tf.Tensor2D;
      try {
        if (start !== undefined) {
          const idx = rows;
          next = tf.tidy(() => normaliseRows(tf.gather(start, idx) as tf.Tensor2D, all));
        } else {
          const draws = new Float32Array(n * dim);
          rows.forEach((e, i) =>
            draws.set(normalArray((state[e] as MemberState).rng, dim, 1), i * dim),
          );
          next = tf.tidy(() => normaliseRows(tf.tensor2d(draws, [n, dim]), all));
        }
      } finally {
        all.dispose();
      }
    }

    while (next !== null) {
      const q: tf.Tensor2D = next;
      basis.push(q);
      next = null;
      const n = rows.length;
      const w = hvp(q, rows);
      hvps++;
      let step: { ab: tf.Tensor1D; r: tf.Tensor2D };
      try {
        // As in `topEigen`: the three-term recurrence, then one full pass.
        const prev = basis.length >= 2 ? (basis[basis.length - 2] as tf.Tensor2D) : null;
        const prevBetas =
          prev === null
            ? null
            : Float32Array.from(rows, (e) => {
                const b = (state[e] as MemberState).betas;
                return b[b.length - 1] ?? 0;
              });
        step = tf.tidy(() => {
          const alpha = tf.sum(tf.mul(w, q), 1, true); // [n, 1]
          let r = tf.sub(w, tf.mul(alpha, q)) as tf.Tensor2D;
          if (prev !== null && prevBetas !== null)
            r = tf.sub(r, tf.mul(tf.tensor2d(prevBetas, [n, 1]), prev));
          r = orthogonaliseBatched(r, basis, 1);
          const beta = rowNorms(r);
          const ab = tf.concat([tf.reshape(alpha, [-1]), tf.reshape(beta, [-1])]) as tf.Tensor1D;
          return { ab, r };
        });
      } finally {
        w.dispose();
      }
      try {
        const ab = await step.ab.data();
        const keep = Array<boolean>(n).fill(false);
        const restart = Array<boolean>(n).fill(false);
        const stopping: number[] = [];
        rows.forEach((e, i) => {
          const st = state[e] as MemberState;
          const alpha = ab[i] as number;
          const beta = ab[n + i] as number;
          if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
            st.failed = true;
            stopping.push(i);
            return;
          }
          st.alphas.push(alpha);
          st.tNorm = Math.max(st.tNorm, Math.abs(alpha), beta);
          const eig = symTridiagEigen(st.alphas, st.betas);
          const m = st.alphas.length;
          st.theta = eig.values[m - 1] as number;
          st.ritz = eig.vectors[m - 1] as Float64Array;
          st.residual =
            Math.abs(beta * (st.ritz[m - 1] as number)) /
            Math.max(Math.abs(st.theta), Number.MIN_VALUE);
          const done = (opts.tol > 0 && st.residual < opts.tol) || m >= opts.maxIters || m >= dim;
          if (done) {
            stopping.push(i);
          } else if (beta > BREAKDOWN_RATIO * st.tNorm) {
            st.betas.push(beta);
            keep[i] = true;
          } else {
            st.betas.push(0);
            restart[i] = true;
          }
        });
        if (stopping.length > 0) finish(stopping);

        const going = rows.flatMap((_, i) => (keep[i] || restart[i] ? [i] : []));
        if (going.length > 0) {
          let qNext = tf.tidy(() => {
            // q_{j+1} = r/β on the kept rows. The other rows are replaced below (restart) or
            // dropped (stopped, possibly NaN), so they only need a finite divisor: no masks.
            const betaSafe = Float32Array.from(rows, (_, i) =>
              keep[i] ? (ab[n + i] as number) : 1,
            );
            let qn = tf.div(step.r, tf.tensor2d(betaSafe, [n, 1])) as tf.Tensor2D;
            if (restart.some((b) => b)) {
              // Breakdown: a fresh random vector orthogonal to the member's basis, as topEigen does.
              const draws = new Float32Array(n * dim);
              rows.forEach((e, i) => {
                if (restart[i])
                  draws.set(normalArray((state[e] as MemberState).rng, dim, 1), i * dim);
              });
              const restartMask = boolColumn(restart);
              const fresh = orthogonaliseBatched(tf.tensor2d(draws, [n, dim]), basis, 2);
              qn = tf.where(restartMask, normaliseRows(fresh, restartMask), qn);
            }
            return qn;
          });
          if (going.length < n) {
            // Drop the stopped members' rows from everything that carries on.
            const keepRows = (t: tf.Tensor2D): tf.Tensor2D =>
              tf.tidy(() => tf.gather(t, tf.tensor1d(going, 'int32')) as tf.Tensor2D);
            const compact = basis.map(keepRows);
            tf.dispose(basis);
            basis = compact;
            const q2 = keepRows(qNext);
            qNext.dispose();
            qNext = q2;
            rows = going.map((i) => rows[i] as number);
          }
          next = qNext;
        }
      } finally {
        tf.dispose([step.ab, step.r]);
      }
    }

    const results: MemberEigen[] = state.map((st, e) => {
      if (!active[e]) return { value: NaN, iters: 0, residual: NaN };
      const iters = st.alphas.length;
      if (st.failed || iters === 0) return { value: NaN, iters, residual: NaN };
      return { value: st.theta, iters, residual: st.residual };
    });
    const vectors = tf.tidy(
      () =>
        tf.concat(
          state.map((_, e) => finished.get(e) ?? tf.zeros([1, dim])),
          0,
        ) as tf.Tensor2D,
    );
    return { members: results, vectors, hvps };
  } finally {
    tf.dispose(basis);
    next?.dispose();
    for (const t of finished.values()) t.dispose();
  }
}
