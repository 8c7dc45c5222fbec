/** The uv model as a column runner: exact, float64, no tfjs. */
import { isDivergedLoss, type ColumnRunner } from './column';
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
      const loss: (number | null)[] = [loss0];
      const sharpness: (number | null)[] = [lambda0];
      const iters = [0];
      const resid: (number | null)[] = [0];
      let state = theta0;
      let divergedAt: number | null = null;
      onStep({ step: 0, loss, sharpness });
      for (let t = 1; t <= o.steps; t++) {
        if (isCancelled()) return Promise.resolve(null);
        state = uvStep(problem, state, eta);
        const l = uvLoss(problem, state);
        if (isDivergedLoss(l, o.divergenceLoss)) {
          loss.push(Number.isFinite(l) ? l : null);
          sharpness.push(null);
          iters.push(0);
          resid.push(null);
          divergedAt = t;
          onStep({ step: t, loss, sharpness });
          break;
        }
        loss.push(l);
        sharpness.push(uvSharpness(problem, state));
        iters.push(0);
        resid.push(0);
        onStep({ step: t, loss, sharpness });
      }
      return Promise.resolve({
        type: 'run' as const,
        depth: UV_DEPTH,
        width: o.width,
        seed: o.seed,
        c,
        eta,
        lambda0,
        loss0,
        diverged: divergedAt !== null,
        divergedAt,
        loss,
        sharpness,
        lanczosIters: iters,
        lanczosResidual: resid,
      });
    },
    dispose() {},
  };
}
