/** The uv model as a column runner: exact, float64, no tfjs. */
import { isDivergedLoss, Trajectory, type ColumnRunner } from './column';
import { uvInit, uvLoss, uvSharpness, uvStep, type UvProblem } from './uvModel';

export interface UvColumnOptions {
  width: number;
  seed: number;
  steps: number;
  divergenceLoss: number;
  x?: number;
  y?: number;
}

/** The uv model is a two-layer linear network: reported as depth 2. */
export const UV_DEPTH = 2;

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
  return {
    depth: UV_DEPTH,
    width: o.width,
    seed: o.seed,
    lambda0,
    loss0,
    lambda0Iters: 0,
    lambda0Residual: 0,
    run(c, onStep, isCancelled) {
      const eta = c / lambda0;
      const traj = new Trajectory(loss0, lambda0, 0, 0);
      let state = theta0;
      onStep(traj.progress);
      for (let t = 1; t <= o.steps; t++) {
        if (isCancelled()) return Promise.resolve(null);
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
      return Promise.resolve(traj.toRaw({ depth: UV_DEPTH, width: o.width, seed: o.seed }, c, eta));
    },
    dispose() {},
  };
}
