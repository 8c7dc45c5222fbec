/**
 * The loss barrier of one run: the loss along the straight line θ(τ) = (1 − τ)θ_0 + τθ_T from the
 * initial to the final parameters, on the measurement set, at τ = 0, 0.01, …, 1. A run "crosses a
 * barrier" when the loss rises above L_0 somewhere on that line (the demo's rule; the column's
 * c_barrier is the smallest such c, see `phase/barrier.ts`). For a quadratic loss (the linear
 * model) the line is a convex parabola in τ, whose maximum on [0, 1] is at an end point, so a
 * barrier exists exactly when L_T > L_0.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Number of intervals of the τ grid: τ = i / BARRIER_INTERVALS, i = 0..BARRIER_INTERVALS. */
export const BARRIER_INTERVALS = 100;

/** The τ grid 0, 0.01, …, 1 (101 points; τ_i = i/100 computed exactly, not by accumulation). */
export const BARRIER_TAUS: readonly number[] = Object.freeze(
  Array.from({ length: BARRIER_INTERVALS + 1 }, (_, i) => i / BARRIER_INTERVALS),
);

/** The interpolation curve of one run and its barrier. */
export interface BarrierMeasure {
  /** L(θ(τ)) at each τ of {@link BARRIER_TAUS} (null where not finite). */
  losses: (number | null)[];
  /**
   * max_{τ>0} L(θ(τ)) − L_0: positive when the line rises above L_0 (a barrier), otherwise how
   * far the highest point after τ = 0 stays below it. +Infinity when the loss is not finite
   * somewhere on the line.
   */
  height: number;
  /** The τ > 0 at which the loss is largest (the first one on ties). */
  tauAtMax: number;
}

/**
 * The barrier of an interpolation curve. `losses[i]` is the loss at τ_i = i/(n − 1), n ≥ 2; the
 * first entry (τ = 0) is L_0's own point and is compared against `loss0`, not searched (it equals
 * L_0 up to rounding, which must not count as a rise). A non-finite or null loss on the line is
 * higher than any barrier.
 */
export function barrierFromLosses(
  losses: readonly (number | null)[],
  loss0: number,
): BarrierMeasure {
  if (losses.length < 2)
    throw new RangeError(`a barrier needs at least 2 points on the line, got ${losses.length}`);
  let best = -Infinity;
  let at = 1;
  const n = losses.length - 1;
  for (let i = 1; i <= n; i++) {
    const l = losses[i];
    const v = l === null || l === undefined || !Number.isFinite(l) ? Infinity : l;
    if (v > best) {
      best = v;
      at = i;
    }
  }
  return {
    losses: losses.map((l) => (l === null || l === undefined || !Number.isFinite(l) ? null : l)),
    height: best - loss0,
    tauAtMax: at / n,
  };
}

/** True when the run's line rises above L_0 somewhere (height > 0). */
export function hasBarrier(b: Pick<BarrierMeasure, 'height'>): boolean {
  return b.height > 0;
}

/**
 * L(θ(τ)) for every τ of `taus`, for one model: `lossOf(params)` is the loss on the measurement
 * set. Read back once (one download for the whole curve). Every tensor it makes is disposed.
 */
export async function pathLosses(
  lossOf: (params: tf.Tensor[]) => tf.Scalar,
  theta0: readonly tf.Tensor[],
  thetaT: readonly tf.Tensor[],
  taus: readonly number[] = BARRIER_TAUS,
): Promise<number[]> {
  const all = tf.tidy(() => {
    const delta = thetaT.map((p, i) => tf.sub(p, theta0[i]!));
    const ls = taus.map((tau) =>
      tf.tidy(() => lossOf(theta0.map((p0, i) => tf.add(p0, tf.mul(delta[i]!, tau))))),
    );
    return tf.stack(ls) as tf.Tensor1D;
  });
  try {
    return Array.from(await all.data());
  } finally {
    all.dispose();
  }
}

/**
 * The same for E stacked models at once (leading axis E on every parameter): `lossesOf(params)`
 * gives the E per-member losses [E]. Returns `out[e][i]`, member e at τ_i.
 */
export async function pathLossesBatched(
  lossesOf: (params: tf.Tensor[]) => tf.Tensor1D,
  theta0: readonly tf.Tensor[],
  thetaT: readonly tf.Tensor[],
  members: number,
  taus: readonly number[] = BARRIER_TAUS,
): Promise<number[][]> {
  const all = tf.tidy(() => {
    const delta = thetaT.map((p, i) => tf.sub(p, theta0[i]!));
    const ls = taus.map((tau) =>
      tf.tidy(() => lossesOf(theta0.map((p0, i) => tf.add(p0, tf.mul(delta[i]!, tau))))),
    );
    return tf.stack(ls) as tf.Tensor2D;
  });
  let flat: Float32Array | Int32Array | Uint8Array;
  try {
    flat = await all.data();
  } finally {
    all.dispose();
  }
  return Array.from({ length: members }, (_, e) =>
    taus.map((_, i) => flat[i * members + e] as number),
  );
}
