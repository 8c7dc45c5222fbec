/**
 * HVPs of an ensemble on stacked flat vectors. The parameters are stacked with a leading member
 * axis ([E, ...shape] each, see `models/batchedModel.ts`) and the loss is Σ_e L_e(θ_e), whose
 * Hessian is block-diagonal: one HVP with rows v_e of a [E, P] matrix returns the rows H_e v_e.
 */
import * as tf from '@tensorflow/tfjs-core';
import { makeHvp, type LossOf } from './hvp';

/** Stacked parameters [E, ...shape_i] → [E, P], member e's row = `flatten` of its parameters. */
export function flattenBatched(tensors: readonly tf.Tensor[]): tf.Tensor2D {
  return tf.tidy(() => {
    const first = tensors[0];
    if (first === undefined) throw new Error('flattenBatched: no tensors');
    const members = first.shape[0] as number;
    return tf.concat(
      tensors.map((t) => tf.reshape(t, [members, -1])),
      1,
    ) as tf.Tensor2D;
  });
}

/** Inverse of `flattenBatched`: split [E, P] into tensors [E, ...shape_i] (shapes without E). */
export function unflattenBatched(
  flat: tf.Tensor2D,
  shapes: readonly (readonly number[])[],
): tf.Tensor[] {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const [members, dim] = flat.shape;
  if (dim !== total) throw new Error(`unflattenBatched: row length ${dim}, shapes need ${total}`);
  return tf.tidy(() =>
    tf.split(flat, sizes, 1).map((t, i) => tf.reshape(t, [members, ...(shapes[i] ?? [])])),
  );
}

/**
 * H v for some members of an ensemble: `v` [n, P] holds the directions of the members listed in
 * `members` (ascending indices into the ensemble, n = members.length) and the result [n, P] holds
 * their H_e v_e. Members left out cost nothing. Returns a new tensor.
 */
export type BatchedHvp = (v: tf.Tensor2D, members: readonly number[]) => tf.Tensor2D;

/**
 * Stacked H v for fixed stacked parameters: row i of the result is H_e v_i for e = members[i],
 * where H_e is the Hessian of member e's loss. `lossOf` must be Σ_e L_e over whatever members it
 * is given (e.g. `ensembleLoss`), since a subset of members is evaluated on its own gathered
 * parameters. `params` are the stacked tensors [E, ...shape]. The caller owns `params` and each
 * result.
 */
export function makeBatchedFlatHvp(lossOf: LossOf, params: readonly tf.Tensor[]): BatchedHvp {
  const hvp = makeHvp(lossOf);
  const shapes = params.map((p) => p.shape.slice(1));
  const total = (params[0]?.shape[0] ?? 0) as number;
  return (v, members) =>
    tf.tidy(() => {
      if (v.shape[0] !== members.length) throw new Error('batched hvp: v needs one row per member');
      const all = members.length === total && members.every((m, i) => m === i);
      let ps = [...params];
      if (!all) {
        const idx = tf.tensor1d(members as number[], 'int32');
        ps = params.map((p) => tf.gather(p, idx));
      }
      return flattenBatched(hvp(ps, unflattenBatched(v, shapes)));
    });
}
