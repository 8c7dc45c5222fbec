/**
 * An FCN column on tfjs: θ_0 from the init stream, L_0 and λ_0 on the fixed measurement set (the
 * first M training examples), then plain SGD at η = c/λ_0 on the shared batches, with L_t and λ_t
 * measured after every step (SCIENCE.md §2).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Settings } from '../settings/schema';
import type { PreparedData } from '../data/types';
import { isDivergedLoss, type ColumnRunner, type RunProgress } from './column';
import { batchIndices } from './batches';
import { forward, initParams, paramShapes, type ModelSpec } from '../models/model';
import { loss as lossFn } from '../models/loss';
import { makeFlatHvp } from '../hessian/hvp';
import { topEigen } from '../hessian/lanczos';
import { registerGradientFixes } from '../tf/gradients';

export interface FcnColumnOptions {
  settings: Settings;
  data: PreparedData;
  depth: number;
  width: number;
  seed: number;
}

export function fcnSpec(s: Settings, data: PreparedData, depth: number, width: number): ModelSpec {
  return {
    kind: 'fcn',
    depth,
    width,
    inputDim: data.dim,
    numClasses: data.numClasses,
    activation: s.activation,
    param: s.param,
    readout: s.readout,
    bias: s.bias,
  };
}

async function scalar(t: tf.Scalar): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}

export async function createFcnColumn(o: FcnColumnOptions): Promise<ColumnRunner> {
  registerGradientFixes();
  const s = o.settings;
  const spec = fcnSpec(s, o.data, o.depth, o.width);
  const shapes = paramShapes(spec);
  const dim = shapes.reduce((a, sh) => a + sh.reduce((x, y) => x * y, 1), 0);
  const k = o.data.numClasses;
  const n = Math.min(s.trainSize, o.data.count);
  const m = Math.min(s.measureSize, n);

  // Device-resident data, kept for the whole column.
  const xAll = tf.tensor2d(o.data.x.subarray(0, n * o.data.dim), [n, o.data.dim]);
  const yAll = tf.tensor2d(o.data.y.subarray(0, n * k), [n, k]);
  const xM = xAll.slice([0, 0], [m, o.data.dim]);
  const yM = yAll.slice([0, 0], [m, k]);
  const batches = batchIndices(n, s.batch, s.steps, s.dataSeed).map((b) => tf.tensor1d(b, 'int32'));
  const theta0 = initParams(spec, o.seed).map((a, i) => tf.tensor(a, shapes[i]!));
  // Centred output trains f(x; θ) − f(x; θ_0); θ_0 is a constant here.
  const f0M = s.centered ? forward(spec, theta0, xM) : null;

  const lossOn = (params: tf.Tensor[], x: tf.Tensor2D, y: tf.Tensor2D, f0: tf.Tensor2D | null) => {
    const out = forward(spec, params, x);
    return lossFn(s.loss, f0 ? tf.sub(out, f0) : out, y);
  };
  const estimate = (params: tf.Tensor[], start: tf.Tensor1D | undefined) =>
    topEigen(
      makeFlatHvp((p) => lossOn(p, xM, yM, f0M), params),
      dim,
      {
        maxIters: s.lanczosMaxIters,
        tol: s.lanczosTol,
        seed: o.seed,
        ...(start ? { start } : {}),
      },
    );

  const loss0 = await scalar(tf.tidy(() => lossOn(theta0, xM, yM, f0M)));
  const est0 = await estimate(theta0, undefined);
  const lambda0 = est0.value;
  const v0 = est0.vector;

  const gradOf = (params: tf.Tensor[], t: number): tf.Tensor[] => {
    const idx = batches[t - 1]!;
    return tf.tidy(() => {
      const xb = tf.gather(xAll, idx) as tf.Tensor2D;
      const yb = tf.gather(yAll, idx) as tf.Tensor2D;
      const f0b = s.centered ? forward(spec, theta0, xb) : null;
      return tf.grads((...p: tf.Tensor[]) => lossOn(p, xb, yb, f0b))(params);
    });
  };

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
          const l = await scalar(tf.tidy(() => lossOn(params, xM, yM, f0M)));
          if (isDivergedLoss(l, s.divergenceLoss)) {
            loss.push(Number.isFinite(l) ? l : null);
            sharpness.push(null);
            iters.push(0);
            resid.push(null);
            divergedAt = t;
            onStep({ step: t, loss, sharpness });
            break;
          }
          const est = await estimate(params, vec);
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
      tf.dispose([xAll, yAll, xM, yM, v0, ...batches, ...theta0]);
      if (f0M) f0M.dispose();
    },
  };
}
