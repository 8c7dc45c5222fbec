/**
 * An FCN column on tfjs: θ_0 from the init stream, L_0 and λ_0 on the fixed measurement set (the
 * first M training examples), then plain SGD at η = c/λ_0 on the shared batches, with L_t and λ_t
 * measured after every step (docs/PROTOCOL.md §2). The shared set-up lives in `fcnBase.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isDivergedLoss, Trajectory, type ColumnRunner, type RunProgress } from './column';
import {
  orderSeedOf,
  prepareFcnColumn,
  readScalar,
  type FcnColumnBase,
  type FcnColumnData,
  type FcnColumnOptions,
} from './fcnBase';
import { barrierFromLosses, pathLosses, type BarrierMeasure } from './barrier';
import { measureSaturation } from './saturation';

export { fcnSpec, type FcnColumnOptions } from './fcnBase';

/**
 * One plain SGD step of a column's run: θ_t = θ_{t−1} − η ∇L_B(θ_{t−1}) on the batch of step `t`
 * (1-based, `column.batch(t)`). Returns new parameter tensors; `params` stay the caller's to
 * dispose. The runner's step, exported so `npm run bench` times this very code.
 */
export function sgdStep(
  column: FcnColumnData,
  params: tf.Tensor[],
  t: number,
  eta: number,
): tf.Tensor[] {
  const grads = tf.tidy(() => {
    const { xb, yb, f0b } = column.batch(t);
    return tf.grads((...p: tf.Tensor[]) => column.lossOn(p, xb, yb, f0b))(params);
  });
  const next = tf.tidy(() => params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, eta))));
  tf.dispose(grads);
  return next;
}

/** A single-run column runner on a prepared column (its `dispose` disposes `base`). */
export function fcnRunnerFrom(base: FcnColumnBase): ColumnRunner {
  const o = base.options;
  const s = base.settings;
  const { theta0, xM, yM, f0M, loss0, est0, lossOn } = base;
  const m = base.measures;
  const lambda0 = est0.value;
  const v0 = est0.vector;
  const orderSeed = orderSeedOf(o);
  const key = { depth: o.depth, width: o.width, seed: o.seed, orderSeed };

  return {
    depth: o.depth,
    width: o.width,
    seed: o.seed,
    orderSeed,
    lambda0,
    loss0,
    lambda0Iters: est0.iters,
    lambda0Residual: est0.residual,
    async run(c, onStep: (p: RunProgress) => void, isCancelled) {
      const eta = c / lambda0;
      const traj = new Trajectory(loss0, lambda0, est0.iters, est0.residual);
      let params = theta0.map((p) => p.clone());
      let vec: tf.Tensor1D = v0.clone();
      onStep(traj.progress);
      try {
        for (let t = 1; t <= s.steps; t++) {
          if (isCancelled()) return null;
          const next = sgdStep(base, params, t, eta);
          tf.dispose(params);
          params = next;
          const l = await readScalar(tf.tidy(() => lossOn(params, xM, yM, f0M)));
          if (isDivergedLoss(l, s.divergenceLoss)) {
            traj.diverge(l);
            onStep(traj.progress);
            break;
          }
          const est = await base.estimate(params, vec);
          vec.dispose();
          vec = est.vector;
          traj.measure(l, est.value, est.iters, est.residual);
          onStep(traj.progress);
        }
        if (traj.divergedAt !== null)
          return { ...traj.toRaw(key, c, eta), barrier: null, saturation: null };

        // The barrier along θ(τ) = (1 − τ)θ_0 + τθ_T, before the saturation run moves θ on.
        let barrier: BarrierMeasure | null = null;
        if (m.barrier)
          barrier = barrierFromLosses(
            await pathLosses((p) => lossOn(p, xM, yM, f0M), theta0, params),
            loss0,
          );

        // λ at τ = K/c: read from the window, or, past T, trained on without estimating λ and
        // estimated once at τ (saturation.ts).
        const saturation = await measureSaturation(
          m.saturationK,
          c,
          s.steps,
          s.divergenceLoss,
          traj,
          {
            trainTo: (tau) => {
              for (let t = s.steps + 1; t <= tau; t++) {
                if (isCancelled()) return false;
                const next = sgdStep(base, params, t, eta);
                tf.dispose(params);
                params = next;
              }
              return true;
            },
            loss: () => readScalar(tf.tidy(() => lossOn(params, xM, yM, f0M))),
            estimate: async () => {
              const est = await base.estimate(params, vec);
              vec.dispose();
              vec = est.vector;
              return est;
            },
          },
        );
        if (saturation === 'cancelled') return null;
        return { ...traj.toRaw(key, c, eta), barrier, saturation };
      } finally {
        tf.dispose(params);
        vec.dispose();
      }
    },
    dispose() {
      base.dispose();
    },
  };
}

/**
 * A `ColumnRunner` for one FCN (or conv net) column: uploads the data, draws θ_0 and measures L_0
 * and λ_0 once (`prepareFcnColumn`), then each `run(c)` trains `steps` SGD steps at η = c/λ_0 with
 * L_t and λ_t measured on the measurement set (docs/PROTOCOL.md §2). Dispose when done.
 */
export async function createFcnColumn(o: FcnColumnOptions): Promise<ColumnRunner> {
  return fcnRunnerFrom(await prepareFcnColumn(o));
}
