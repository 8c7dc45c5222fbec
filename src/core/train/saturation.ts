/**
 * Intermediate saturation (regime ii of a long run): the sharpness λ_τ at the step τ = K/c, i.e. at
 * a fixed rescaled time c·τ = K (the paper plots λ_τ/λ_0 against c per column; K is a setting,
 * default 100).
 *
 * How it is measured, at the least cost that stays correct: when τ ≤ T the early window already
 * measured λ_τ, so it is read from the trajectory (no extra work). When τ > T the run goes on from
 * θ_T with the same SGD protocol (same η, the same data-order stream continued past step T) for
 * τ − T more steps *without* estimating λ at the steps in between, and one Lanczos estimate at step
 * τ, warm-started from the vector of λ_T. The extra cost of a run is τ − T gradient steps, one loss
 * on the measurement set and one λ estimate; at K = 100, T = 10 that is 90 steps at c = 1 and none
 * for c ≥ 10. A run that diverged within T has no λ_τ; one whose loss at τ is above the divergence
 * threshold or not finite has λ_τ = null too (diverged between T and τ).
 *
 * `measureSaturation` is that rule once for every single-run column runner (FCN, conv nets, the uv
 * model); the batched ensemble, which continues all its members together, builds each member's
 * measure with the same `saturationFromTrajectory` and `saturationAt`.
 */
import { isDivergedLoss } from './column';

/** λ at the saturation step of one run. */
export interface SaturationMeasure {
  /** The constant K of c·τ = K. */
  K: number;
  /** τ = max(1, round(K/c)). */
  step: number;
  /** L_τ on the measurement set (null where the run diverged before or at τ). */
  loss: number | null;
  /** λ_τ (null where the run diverged before or at τ). */
  sharpness: number | null;
  /** Hessian-vector products of the λ_τ estimate (0 when there was none). */
  iters: number;
  /** Relative residual of that estimate (null when there was none). */
  residual: number | null;
}

/**
 * The saturation step τ = round(K/c), at least 1 (step 0 is λ_0 itself, which says nothing).
 * `K` and `c` must be positive and finite.
 */
export function saturationStep(c: number, K: number): number {
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`c must be positive, got ${c}`);
  if (!(K > 0) || !Number.isFinite(K)) throw new RangeError(`K must be positive, got ${K}`);
  return Math.max(1, Math.round(K / c));
}

/**
 * The saturation measure of a run whose early window reaches τ (τ ≤ T): read from the
 * trajectory, null entries where the run had diverged by then.
 */
export function saturationFromTrajectory(
  K: number,
  step: number,
  loss: readonly (number | null)[],
  sharpness: readonly (number | null)[],
  iters: readonly number[],
  residual: readonly (number | null)[],
): SaturationMeasure {
  const s = sharpness[step];
  const l = loss[step];
  const ok = s !== null && s !== undefined && Number.isFinite(s);
  return {
    K,
    step,
    loss: ok && l !== null && l !== undefined ? l : null,
    sharpness: ok ? s : null,
    iters: ok ? (iters[step] ?? 0) : 0,
    residual: ok ? (residual[step] ?? null) : null,
  };
}

/** One λ estimate as a column runner makes it. */
export interface SharpnessEstimate {
  value: number;
  iters: number;
  residual: number | null;
}

/**
 * The saturation measure at a step τ past the early window, from the loss L_τ on the
 * measurement set and the λ estimate there; `estimate` null means the run diverged by τ (its loss
 * was above the threshold or not finite), which leaves every value null.
 */
export function saturationAt(
  K: number,
  step: number,
  loss: number,
  estimate: SharpnessEstimate | null,
): SaturationMeasure {
  if (estimate === null) return { K, step, loss: null, sharpness: null, iters: 0, residual: null };
  return {
    K,
    step,
    loss,
    sharpness: estimate.value,
    iters: estimate.iters,
    residual: estimate.residual,
  };
}

/** How one run goes on past its early window, for {@link measureSaturation}. */
export interface SaturationContinuation {
  /**
   * Train on from θ_T (the parameters after step T) up to and including step `tau` > T, with no
   * λ estimates in between; false when cancelled meanwhile.
   */
  trainTo(tau: number): Promise<boolean> | boolean;
  /** L on the measurement set at the current parameters. */
  loss(): Promise<number> | number;
  /** λ at the current parameters (warm-started as the runner sees fit). */
  estimate(): Promise<SharpnessEstimate> | SharpnessEstimate;
}

/**
 * The saturation measure of one run that did not diverge within its T steps, for any model: off
 * (null) when K = 0; read from the window (`saturationFromTrajectory`) when τ = K/c ≤ T;
 * otherwise the run goes on to τ (`go.trainTo`) and is measured there, null values when its loss
 * at τ counts as diverged (`isDivergedLoss` with `divergenceLoss`). 'cancelled' when the
 * continuation was cancelled.
 */
export async function measureSaturation(
  K: number,
  c: number,
  steps: number,
  divergenceLoss: number,
  window: {
    loss: readonly (number | null)[];
    sharpness: readonly (number | null)[];
    iters: readonly number[];
    resid: readonly (number | null)[];
  },
  go: SaturationContinuation,
): Promise<SaturationMeasure | null | 'cancelled'> {
  if (K <= 0) return null;
  const tau = saturationStep(c, K);
  if (tau <= steps)
    return saturationFromTrajectory(
      K,
      tau,
      window.loss,
      window.sharpness,
      window.iters,
      window.resid,
    );
  if (!(await go.trainTo(tau))) return 'cancelled';
  const loss = await go.loss();
  if (isDivergedLoss(loss, divergenceLoss)) return saturationAt(K, tau, loss, null);
  return saturationAt(K, tau, loss, await go.estimate());
}

/** What the extra measurements of a run are (both on by default). */
export interface MeasureOptions {
  /** Measure the loss along θ(τ) = (1 − τ)θ_0 + τθ_T after each run that did not diverge. */
  barrier: boolean;
  /** K of the saturation step τ = K/c; 0 turns the measurement off. */
  saturationK: number;
}

/** The measurements a sweep's settings ask for (the `barrier` and `saturationK` rows). */
export function measuresOf(s: { barrier: boolean; saturationK: number }): MeasureOptions {
  return { barrier: s.barrier, saturationK: s.saturationK };
}

/** Barrier on, K = 100: the settings' defaults. */
export const DEFAULT_MEASURES: Readonly<MeasureOptions> = Object.freeze({
  barrier: true,
  saturationK: 100,
});
