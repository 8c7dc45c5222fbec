/**
 * Top eigenpair of a symmetric operator (the loss Hessian) by Lanczos with full
 * reorthogonalisation. The Krylov basis lives on the device; per iteration only α and β are read
 * back (one awaited `data()` of two floats; no `dataSync`, which WebGPU lacks). See README.md.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, normalArray, type Rng } from '../random/prng';
import { symTridiagEigen } from './tridiag';
import { sumAll } from '../tf/sum';

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

/** Euclidean norm as sqrt(Σ x²). `tf.norm` takes |x|^2 through a generic pow: on wasm it is 10×
 * slower than this and was the largest single op of a Lanczos iteration. */
export function l2norm(x: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(x))) as tf.Scalar;
}

/** Σ_i c_i q_i for tensors c_i (scalars) and basis vectors q_i of the same length. */
function combine(basis: readonly tf.Tensor1D[], c: readonly tf.Scalar[]): tf.Tensor1D {
  const terms = basis.map((q, i) => tf.mul(q, c[i] as tf.Scalar));
  return sumAll(terms) as tf.Tensor1D;
}

/**
 * `passes` passes of classical Gram–Schmidt, r ← r − Q(Qᵀr), Q = the basis. The basis stays a
 * list of vectors: dot products and one weighted sum per pass. Stacking it into a matrix for two
 * matMuls costs a copy of the whole basis per iteration and, on wasm, a repack of it by XNNPACK
 * for each product: 2–3× the time of this form at the basis sizes of a warm-started estimate
 * (m ≤ 8, P = 3·10⁵).
 */
function orthogonalise(w: tf.Tensor1D, basis: readonly tf.Tensor1D[], passes: number): tf.Tensor1D {
  let r = w;
  for (let pass = 0; pass < passes && basis.length > 0; pass++) {
    const c = basis.map((q) => tf.sum(tf.mul(q, r)) as tf.Scalar);
    r = tf.sub(r, combine(basis, c));
  }
  return r === w ? tf.clone(w) : r;
}

function randomUnit(rng: Rng, dim: number, basis: readonly tf.Tensor1D[]): tf.Tensor1D {
  return tf.tidy(() => {
    // A fresh vector has O(1) components along the basis: two passes (twice is enough).
    const r = orthogonalise(tf.tensor1d(normalArray(rng, dim, 1)), basis, 2);
    return tf.div(r, l2norm(r)) as tf.Tensor1D;
  });
}

/**
 * Largest eigenvalue θ ≈ λ_max of the symmetric operator `hvpFlat` on R^dim, with its vector.
 *
 * Lanczos: q_1 = start/‖start‖ (or a normal draw from `createRng(seed, 'lanczos')`); for
 * j = 1, 2, …: w = H q_j, α_j = q_jᵀw, w ← w − α_j q_j − β_{j−1} q_{j−1}, then w ← w − Q_j(Q_jᵀw)
 * once (full reorthogonalisation), β_j = ‖w‖, q_{j+1} = w/β_j. T_j = tridiag(β, α, β) is
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
      next = tf.tidy(() => tf.div(s, l2norm(s)) as tf.Tensor1D);
    } else {
      next = tf.tidy(() => {
        const r = tf.tensor1d(normalArray(rng, dim, 1));
        return tf.div(r, l2norm(r)) as tf.Tensor1D;
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
        const prev = basis.length >= 2 ? (basis[basis.length - 2] as tf.Tensor1D) : null;
        const prevBeta = betas[betas.length - 1] ?? 0;
        const step = tf.tidy(() => {
          // The three-term recurrence removes the large components of w (along q_j and
          // q_{j−1}); one full pass then takes out what rounding left along every q_i, including
          // those two again, so they get the two passes that cancellation calls for.
          const alpha = tf.sum(tf.mul(w, q)) as tf.Scalar;
          let r = tf.sub(w, tf.mul(q, alpha)) as tf.Tensor1D;
          if (prev !== null && prevBeta !== 0) r = tf.sub(r, tf.mul(prev, prevBeta));
          r = orthogonalise(r, basis, 1);
          const beta = l2norm(r);
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
    const vector = tf.tidy(() => {
      const y = combine(
        basis.slice(0, iters),
        Array.from(ritz, (s) => tf.scalar(s)),
      );
      return tf.div(y, l2norm(y)) as tf.Tensor1D;
    });
    let hvps = iters;
    if (opts.exactResidual === true) {
      const hy = hvpFlat(vector);
      const rNorm = tf.tidy(() => l2norm(tf.sub(hy, tf.mul(vector, theta))));
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
