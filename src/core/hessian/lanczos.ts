/**
 * Top eigenpair of a symmetric operator (the loss Hessian) by Lanczos with full
 * reorthogonalisation. The Krylov basis lives on the device; per iteration only α and β are read
 * back (one awaited `data()` of two floats; no `dataSync`, which WebGPU lacks). See README.md.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray, type Rng } from '../random/prng';
import { symTridiagEigen } from './tridiag';

/** Options of {@link topEigen}. */
export interface TopEigenOptions {
  /** Most HVPs in the Lanczos loop (≥ 1); also capped by the dimension. */
  maxIters: number;
  /** Stop when the residual estimate |β_m s_m| / |θ| < tol; 0 runs exactly maxIters HVPs. */
  tol: number;
  /** Warm start (e.g. the previous top vector); not modified or disposed. */
  start?: tf.Tensor1D;
  /** Seed of the 'lanczos' stream for the random start and restart vectors. */
  seed: number;
  /** Also compute the exact residual ‖Hy − θy‖ / |θ| at the end (one more HVP). Default false. */
  exactResidual?: boolean;
}

/** Result of {@link topEigen}. */
export interface TopEigenResult {
  /** Largest (algebraic) Ritz value θ: the estimate of λ_max. NaN if an HVP came back
   * non-finite (a diverged model); `vector` is then the normalised start vector. */
  value: number;
  /** Unit Ritz vector y, length `dim`. The caller owns it (dispose it). */
  vector: tf.Tensor1D;
  /** HVPs spent in the Lanczos loop (= Krylov dimension). */
  iters: number;
  /** Relative residual ‖Hy − θy‖ / |θ|: the Lanczos estimate |β_m s_m| / |θ|, or the exact value
   * when `exactResidual` is set. */
  residual: number;
  /** Total HVPs: `iters`, plus one when `exactResidual` is set. */
  hvps: number;
}

/** β below this fraction of ‖T‖ (running estimate) counts as breakdown: the Krylov space is
 * (numerically) invariant. Float32 noise left after reorthogonalisation is ~1e-7 ‖T‖. */
const BREAKDOWN_RATIO = 1e-6;

/** w − Q(Qᵀw), applied twice ("twice is enough", Parlett; Giraud et al. 2005), Q = stacked rows. */
function orthogonalise(w: tf.Tensor1D, basis: readonly tf.Tensor1D[]): tf.Tensor1D {
  return tf.tidy(() => {
    if (basis.length === 0) return tf.clone(w);
    // Plain matMuls only (no transposed operands, no transpose of Q): see core/tf/gradients.ts.
    const Q = tf.stack(basis as tf.Tensor1D[]) as tf.Tensor2D; // [m, dim]
    const m = basis.length;
    let r = tf.reshape(w, [1, -1]) as tf.Tensor2D; // [1, dim]
    for (let pass = 0; pass < 2; pass++) {
      const c = tf.matMul(Q, tf.reshape(r, [-1, 1])); // Qr, [m, 1]
      r = tf.sub(r, tf.matMul(tf.reshape(c, [1, m]), Q)); // r − (Qr)ᵀQ, [1, dim]
    }
    return tf.reshape(r, [-1]) as tf.Tensor1D;
  });
}

function randomUnit(rng: Rng, dim: number, basis: readonly tf.Tensor1D[]): tf.Tensor1D {
  return tf.tidy(() => {
    const r = orthogonalise(tf.tensor1d(normalArray(rng, dim, 1)), basis);
    return tf.div(r, tf.norm(r)) as tf.Tensor1D;
  });
}

/**
 * Largest eigenvalue θ ≈ λ_max of the symmetric operator `hvpFlat` on R^dim, with its vector.
 *
 * Lanczos: q_1 = start/‖start‖ (or a normal draw from `createRng(seed, 'lanczos')`); for
 * j = 1, 2, …: w = H q_j, α_j = q_jᵀw, w ← w − Q_j(Q_jᵀw) twice (full reorthogonalisation, which
 * subsumes the three-term recurrence), β_j = ‖w‖, q_{j+1} = w/β_j. T_j = tridiag(β, α, β) is
 * diagonalised in float64; its top pair (θ, s) gives the Ritz vector y = Q_j s, whose residual is
 * exactly ‖Hy − θy‖ = |β_j s_j| in exact arithmetic. Stops when that over |θ| is below `tol`, after
 * `maxIters` HVPs, or at j = dim. On breakdown (β_j ≈ 0: an invariant subspace) the next vector is
 * a fresh random one orthogonal to Q_j with β_j set to 0, so `tol = 0` always spends exactly
 * min(maxIters, dim) HVPs and a deficient start vector cannot hide the top eigenvalue.
 *
 * `hvpFlat` must return a new tensor (disposed here). Nothing but `vector` outlives the call.
 */
export async function topEigen(
  hvpFlat: (v: tf.Tensor1D) => tf.Tensor1D,
  dim: number,
  opts: TopEigenOptions,
): Promise<TopEigenResult> {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`topEigen: bad dimension ${dim}`);
  if (!(opts.maxIters >= 1)) throw new Error('topEigen: maxIters must be ≥ 1');
  const rng = createRng(opts.seed, 'lanczos');
  const basis: tf.Tensor1D[] = [];
  const alphas: number[] = [];
  const betas: number[] = [];
  let next: tf.Tensor1D | null = null;
  let theta = NaN;
  let ritz: Float64Array = new Float64Array(0);
  let residual = NaN;
  let tNorm = 0;
  let failed = false;

  try {
    if (opts.start !== undefined) {
      if (opts.start.size !== dim) throw new Error('topEigen: start vector has the wrong length');
      const s = opts.start;
      next = tf.tidy(() => tf.div(s, tf.norm(s)) as tf.Tensor1D);
    } else {
      next = tf.tidy(() => {
        const r = tf.tensor1d(normalArray(rng, dim, 1));
        return tf.div(r, tf.norm(r)) as tf.Tensor1D;
      });
    }

    while (next !== null) {
      const q: tf.Tensor1D = next;
      basis.push(q);
      next = null;
      const w = hvpFlat(q);
      let coeffs: tf.Tensor1D;
      try {
        // `next` holds the candidate q_{j+1} from here on, so `finally` frees it on any throw.
        const step = tf.tidy(() => {
          const alpha = tf.sum(tf.mul(w, q));
          const r = orthogonalise(w, basis);
          const beta = tf.norm(r);
          return { ab: tf.stack([alpha, beta]) as tf.Tensor1D, q: tf.div(r, beta) as tf.Tensor1D };
        });
        coeffs = step.ab;
        next = step.q;
      } finally {
        w.dispose();
      }
      const ab = await coeffs.data();
      coeffs.dispose();
      const alpha = ab[0] as number;
      const beta = ab[1] as number;
      const dropNext = (): void => {
        next?.dispose();
        next = null;
      };
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        dropNext();
        failed = true;
        break;
      }
      alphas.push(alpha);
      tNorm = Math.max(tNorm, Math.abs(alpha), beta);

      const eig = symTridiagEigen(alphas, betas);
      const m = alphas.length;
      theta = eig.values[m - 1] as number;
      ritz = eig.vectors[m - 1] as Float64Array;
      residual =
        Math.abs(beta * (ritz[m - 1] as number)) / Math.max(Math.abs(theta), Number.MIN_VALUE);

      const done = (opts.tol > 0 && residual < opts.tol) || m >= opts.maxIters || m >= dim;
      if (done) {
        dropNext();
        break;
      }
      if (beta > BREAKDOWN_RATIO * tNorm) {
        betas.push(beta);
      } else {
        dropNext();
        betas.push(0);
        next = randomUnit(rng, dim, basis);
      }
    }

    const iters = alphas.length;
    if (failed || iters === 0) {
      const first = basis[0] as tf.Tensor1D;
      return { value: NaN, vector: tf.clone(first), iters, residual: NaN, hvps: basis.length };
    }
    const coef = Float32Array.from(ritz);
    const vector = tf.tidy(() => {
      const Q = tf.stack(basis.slice(0, iters)) as tf.Tensor2D;
      const y = tf.reshape(tf.matMul(tf.tensor2d(coef, [1, iters]), Q), [-1]);
      return tf.div(y, tf.norm(y)) as tf.Tensor1D;
    });
    let hvps = iters;
    if (opts.exactResidual === true) {
      const hy = hvpFlat(vector);
      const rNorm = tf.tidy(() => tf.norm(tf.sub(hy, tf.mul(vector, theta))));
      hy.dispose();
      const rv = (await rNorm.data())[0] as number;
      rNorm.dispose();
      residual = rv / Math.max(Math.abs(theta), Number.MIN_VALUE);
      hvps += 1;
    }
    return { value: theta, vector, iters, residual, hvps };
  } finally {
    for (const t of basis) t.dispose();
    next?.dispose();
  }
}
