/**
 * An FCN column on tfjs: θ_0 from the init stream, L_0 and λ_0 on the fixed measurement set (the
 * first M training examples), then plain SGD at η = c/λ_0 on the shared batches, with L_t and λ_t
 * measured after every step (SCIENCE.md §2). The shared set-up lives in `fcnBase.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isDivergedLoss, type ColumnRunner, type RunProgress } from './column';
import { prepareFcnColumn, readScalar, type FcnColumnBase, type FcnColumnOptions } from './fcnBase';

export { fcnSpec, type FcnColumnOptions } from './fcnBase';

/** A single-run column runner on a prepared column (its `dispose` disposes `base`). */
export function fcnRunnerFrom(base: FcnColumnBase): ColumnRunner {
  const o = base.options;
  const s = base.settings;
  const { theta0, xM, yM, f0M, loss0, est0, lossOn } = base;
  const lambda0 = est0.value;
  const v0 = est0.vector;

  const gradOf = (params: tf.Tensor[], t: number): tf.Tensor[] =>
    tf.tidy(() => {
      const { xb, yb, f0b } = base.batch(t);
      return tf.grads((...p: tf.Tensor[]) => lossOn(p, xb, yb, f0b))(params);
    });

  return {
    depth: o.depth,
    width: o.width,
    seed: o.seed,
    lambda0,
    loss0,
    lambda0Iters: est0.iters,
    lambda0Residual: est0.residual,
    async run(c, onStep: (p: RunProgress) => void, isCancelled) {
      const eta = c / lambda0;
      const loss: (number | null)[] = [loss0];
      const sharpness: (number | null)[] = [lambda0];
      const iters = [est0.iters];
      const resid: (number | null)[] = [est0.residual];
      let divergedAt: number | null = null;
      let params = theta0.map((p) => p.clone());
      let vec: tf.Tensor1D = v0.clone();
      onStep({ step: 0, loss, sharpness });
      try {
        for (let t = 1; t <= s.steps; t++) {
          if (isCancelled()) return null;
          const grads = gradOf(params, t);
          const next = tf.tidy(() => params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, eta))));
          tf.dispose(grads);
          tf.dispose(params);
          params = next;
          const l = await readScalar(tf.tidy(() => lossOn(params, xM, yM, f0M)));
          if (isDivergedLoss(l, s.divergenceLoss)) {
            loss.push(Number.isFinite(l) ? l : null);
            sharpness.push(null);
            iters.push(0);
            resid.push(null);
            divergedAt = t;
            onStep({ step: t, loss, sharpness });
            break;
          }
          const est = await base.estimate(params, vec);
          vec.dispose();
          vec = est.vector;
          loss.push(l);
          sharpness.push(est.value);
          iters.push(est.iters);
          resid.push(est.residual);
          onStep({ step: t, loss, sharpness });
        }
      } finally {
        tf.dispose(params);
        vec.dispose();
      }
      return {
        type: 'run' as const,
        depth: o.depth,
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
      };
    },
    dispose() {
      base.dispose();
    },
  };
}

export async function createFcnColumn(o: FcnColumnOptions): Promise<ColumnRunner> {
  return fcnRunnerFrom(await prepareFcnColumn(o));
}
