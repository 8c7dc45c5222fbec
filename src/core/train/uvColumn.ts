/** The uv model as a column runner: exact, float64, no tfjs. */
import { isDivergedLoss, Trajectory, type ColumnRunner } from './column';
import { uvInit, uvLoss, uvSharpness, uvStep, type UvProblem, type UvState } from './uvModel';
import { BARRIER_TAUS, barrierFromLosses } from './barrier';
import { DEFAULT_MEASURES, measureSaturation, measuresOf, type MeasureOptions } from './saturation';

export interface UvColumnOptions {
  width: number;
  seed: number;
  /**
   * The order seed J the column reports (default 0). The uv model trains full-batch, so J changes
   * nothing; a sweep plans one J for it.
   */
  orderSeed?: number;
  steps: number;
  divergenceLoss: number;
  x?: number;
  y?: number;
  /** The extra measurements of each run (default {@link DEFAULT_MEASURES}). */
  measures?: MeasureOptions;
}

/** (1 − τ)a + τb, componentwise. */
function lerp(a: UvState, b: UvState, tau: number): UvState {
  const u = new Float64Array(a.u.length);
  const v = new Float64Array(a.v.length);
  for (let i = 0; i < u.length; i++) {
    u[i] = (1 - tau) * a.u[i]! + tau * b.u[i]!;
    v[i] = (1 - tau) * a.v[i]! + tau * b.v[i]!;
  }
  return { u, v };
}

/** The uv model is a two-layer linear network: reported as depth 2. */
export const UV_DEPTH = 2;

/**
 * The uv column of one (width, seed) of a sweep: steps, divergence threshold and the extra
 * measurements from the settings. Used by `runSweep` and the scheduler's executors alike.
 */
export function uvColumnFor(
  settings: {
    steps: number;
    divergenceLoss: number;
    barrier: boolean;
    saturationK: number;
  },
  key: { width: number; seed: number; orderSeed: number },
): ColumnRunner {
  return createUvColumn({
    width: key.width,
    seed: key.seed,
    orderSeed: key.orderSeed,
    steps: settings.steps,
    divergenceLoss: settings.divergenceLoss,
    measures: measuresOf(settings),
  });
}

/**
 * A `ColumnRunner` for the uv model in closed form (docs/PROTOCOL.md §4): one example (x, y),
 * defaults x = 1, y = 0; λ_0 exact, so `lambda0Iters` and the residual are 0. Each `run(c)` takes
 * `steps` GD steps at η = c/λ_0 and reports L_t and the exact λ_t.
 */
export function createUvColumn(o: UvColumnOptions): ColumnRunner {
  const problem: UvProblem = { width: o.width, x: o.x ?? 1, y: o.y ?? 0 };
  const theta0 = uvInit(o.width, o.seed);
  const lambda0 = uvSharpness(problem, theta0);
  const loss0 = uvLoss(problem, theta0);
  const m = o.measures ?? DEFAULT_MEASURES;
  return {
    depth: UV_DEPTH,
    width: o.width,
    seed: o.seed,
    orderSeed: o.orderSeed ?? 0,
    lambda0,
    loss0,
    lambda0Iters: 0,
    lambda0Residual: 0,
    async run(c, onStep, isCancelled) {
      const eta = c / lambda0;
      const traj = new Trajectory(loss0, lambda0, 0, 0);
      let state = theta0;
      onStep(traj.progress);
      for (let t = 1; t <= o.steps; t++) {
        if (isCancelled()) return null;
        state = uvStep(problem, state, eta);
        const l = uvLoss(problem, state);
        if (isDivergedLoss(l, o.divergenceLoss)) {
          traj.diverge(l);
          onStep(traj.progress);
          break;
        }
        // The sharpness is exact here: no iterations, no residual.
        traj.measure(l, uvSharpness(problem, state), 0, 0);
        onStep(traj.progress);
      }
      const raw = traj.toRaw(
        { depth: UV_DEPTH, width: o.width, seed: o.seed, orderSeed: o.orderSeed ?? 0 },
        c,
        eta,
      );
      if (traj.divergedAt !== null) return { ...raw, barrier: null, saturation: null };
      const thetaT = state;
      const barrier = m.barrier
        ? barrierFromLosses(
            BARRIER_TAUS.map((tau) => uvLoss(problem, lerp(theta0, thetaT, tau))),
            loss0,
          )
        : null;
      const saturation = await measureSaturation(
        m.saturationK,
        c,
        o.steps,
        o.divergenceLoss,
        traj,
        {
          trainTo: (tau) => {
            for (let t = o.steps + 1; t <= tau; t++) state = uvStep(problem, state, eta);
            return true;
          },
          loss: () => uvLoss(problem, state),
          // Exact: no iterations, no residual.
          estimate: () => ({ value: uvSharpness(problem, state), iters: 0, residual: 0 }),
        },
      );
      // The continuation above is never cancelled.
      return { ...raw, barrier, saturation: saturation === 'cancelled' ? null : saturation };
    },
    dispose() {},
  };
}
