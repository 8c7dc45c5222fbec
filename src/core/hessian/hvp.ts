/**
 * Exact Hessian-vector products by reverse-over-reverse differentiation (Pearlmutter 1994):
 * H v = ∇_θ ⟨∇_θ L(θ), v⟩, both gradients by `tf.grads` on the recorded tape. No finite
 * differences (which are wrong for relu networks at kinks, docs/PROTOCOL.md §2).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerGradientFixes } from '../tf/gradients';
import { unreadWeightGradients } from '../tf/fixedOperand';
import { sumAll } from '../tf/sum';

/** A scalar loss as a pure function of the parameter tensors (data captured in the closure). */
export type LossOf = (params: tf.Tensor[]) => tf.Scalar;

/** H v for a parameter list θ and a direction v of the same shapes; returns new tensors. */
export type Hvp = (params: tf.Tensor[], v: tf.Tensor[]) => tf.Tensor[];

/** H v on flattened vectors of length P. */
export type FlatHvp = (v: tf.Tensor1D) => tf.Tensor1D;

/**
 * Build an exact HVP for `lossOf`. The returned function computes, inside one `tf.tidy`,
 *   g(θ) = ∇_θ L(θ),  s(θ) = Σ_i ⟨g_i(θ), v_i⟩,  H v = ∇_θ s(θ),
 * so only its results survive (the caller disposes them). Cost ≈ 2.6–3.5 gradients (docs/ARCHITECTURE.md).
 * Exact up to float32 rounding provided the gradient fixes are registered: it re-checks them on
 * every call (`registerGradientFixes` is a few Map lookups). Every parameter must reach the loss
 * through an op whose gradient depends on it (true for all models here), else tf.grads throws.
 */
export function makeHvp(lossOf: LossOf): Hvp {
  return (params, v) => {
    if (params.length !== v.length) throw new Error('hvp: params and v differ in length');
    registerGradientFixes();
    return tf.tidy(() => {
      const gradDotV = (...ps: tf.Tensor[]): tf.Scalar => {
        // g is only multiplied by v and differentiated again: its values at the weights of
        // held products need not be computed, and at the same θ the HVPs of an estimate share
        // its backward products (fixedOperand.ts).
        const g = unreadWeightGradients(() => tf.grads((...qs: tf.Tensor[]) => lossOf(qs))(ps), {
          loss: lossOf,
          params: ps,
        });
        const terms = g.map((gi, i) => tf.sum(tf.mul(gi, v[i] as tf.Tensor)));
        return sumAll(terms) as tf.Scalar;
      };
      return tf.grads(gradDotV)(params);
    });
  };
}

/** Concatenate tensors, each flattened row-major, into one vector of length Σ sizes. */
export function flatten(tensors: readonly tf.Tensor[]): tf.Tensor1D {
  return tf.tidy(() => tf.concat(tensors.map((t) => tf.reshape(t, [-1]))) as tf.Tensor1D);
}

/** Inverse of `flatten`: split a vector of length Σ sizes into tensors of the given shapes. */
export function unflatten(flat: tf.Tensor1D, shapes: readonly (readonly number[])[]): tf.Tensor[] {
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (flat.size !== total) throw new Error(`unflatten: length ${flat.size}, shapes need ${total}`);
  return tf.tidy(() => tf.split(flat, sizes).map((t, i) => tf.reshape(t, [...(shapes[i] ?? [])])));
}

/**
 * H v on flat vectors for a fixed θ: v (length P = Σ sizes of `params`) is split to the
 * parameters' shapes, multiplied, and flattened back. The caller owns `params` and the result.
 */
export function makeFlatHvp(lossOf: LossOf, params: readonly tf.Tensor[]): FlatHvp {
  const hvp = makeHvp(lossOf);
  const shapes = params.map((p) => p.shape);
  return (v) =>
    tf.tidy(() => {
      const parts = unflatten(v, shapes);
      return flatten(hvp([...params], parts));
    });
}
