/**
 * A tensor column's start, computed once and handed on: L_0, λ_0 and λ_0's Lanczos vector (the
 * warm start of λ_1 in every run), with the diagnostics the run records carry. The executor that
 * runs a column first measures them; the scheduler hands them to every other executor that runs
 * part of the column, which then only uploads the data and draws θ_0 from the seed (cheap and
 * deterministic) instead of running λ_0's cold Lanczos again (tens of HVPs per column).
 *
 * Handing the numbers on is exact: a Float32Array and a few float64 values survive structured
 * cloning bit for bit, so a run built from a handed-on start records what it would have recorded
 * on the executor that measured it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ColumnRunner } from '../train/column';
import type { FcnColumnOptions } from '../train/fcnBase';
import { prepareFcnColumn, uploadFcnColumn } from '../train/fcnBase';
import { fcnRunnerFrom } from '../train/fcnColumn';
import type { TopEigenResult } from '../hessian/lanczos';

/** A column's L_0 and λ_0 as measured once (plain values: they cross threads and workers). */
export interface ColumnInit {
  loss0: number;
  lambda0: number;
  lambda0Iters: number;
  lambda0Residual: number;
  lambda0Hvps: number;
  /** λ_0's unit Ritz vector, length P (the parameter count). */
  vector: Float32Array;
}

/**
 * A single-run tensor column (FCN or conv net) and its start. Without `init` it measures L_0 and
 * λ_0 itself (as `createFcnColumn` does) and returns them; with `init` it uses them, after
 * checking that the vector has this column's parameter count. The runner owns its tensors (call
 * its `dispose`).
 */
export async function tensorColumnWithInit(
  o: FcnColumnOptions,
  init: ColumnInit | null,
): Promise<{ runner: ColumnRunner; init: ColumnInit }> {
  if (!init) {
    const base = await prepareFcnColumn(o);
    let vector: Float32Array;
    try {
      // A copy: the tensor's own buffer may be a view the backend reuses.
      vector = Float32Array.from(await base.est0.vector.data());
    } catch (err) {
      base.dispose();
      throw err;
    }
    const e = base.est0;
    return {
      runner: fcnRunnerFrom(base),
      init: {
        loss0: base.loss0,
        lambda0: e.value,
        lambda0Iters: e.iters,
        lambda0Residual: e.residual,
        lambda0Hvps: e.hvps,
        vector,
      },
    };
  }
  const data = uploadFcnColumn(o);
  if (init.vector.length !== data.dim) {
    data.dispose();
    throw new Error(
      `column d = ${o.depth}, w = ${o.width}, seed ${o.seed}: the handed-on λ_0 vector has ${init.vector.length} entries, the model ${data.dim} parameters`,
    );
  }
  const vector = tf.tensor1d(init.vector);
  const est0: TopEigenResult = {
    value: init.lambda0,
    vector,
    iters: init.lambda0Iters,
    residual: init.lambda0Residual,
    hvps: init.lambda0Hvps,
  };
  const runner = fcnRunnerFrom({
    ...data,
    loss0: init.loss0,
    est0,
    dispose() {
      data.dispose();
      vector.dispose();
    },
  });
  return { runner, init };
}
