/**
 * Training losses (docs/PROTOCOL.md §2), written so that tfjs can differentiate them twice exactly.
 *
 * `tf.losses.softmaxCrossEntropy` and `tf.logSoftmax` cannot be differentiated twice, and
 * `log(softmax(z))` runs but has a wrong Hessian (softmax's stock gradient reads its saved output,
 * a constant to the outer tape). Cross-entropy is therefore mean_b(logSumExp(z_b) − Σ_j y_bj z_bj)
 * with a logSumExp built from exp (fixed gradient, see `core/tf/gradients.ts`), log and sums.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossName } from '../settings/schema';

/**
 * Row maxima of z [batch, k] as [batch, 1], with zero gradient. logSumExp(z) = m + log Σ exp(z − m)
 * holds for *any* m, so every derivative with respect to m vanishes identically: treating m as a
 * constant is exact to all orders, and cheaper and quieter than differentiating through tf.max
 * (whose gradient needs Equal's gradient under a second derivative and only cancels numerically).
 */
const rowMaxNoGrad = tf.customGrad((...args) => {
  const z = args[0] as tf.Tensor;
  return { value: tf.max(z, 1, true), gradFunc: () => tf.zerosLike(z) };
});

/** log Σ_j exp(z_bj) per row, shape [batch], for logits z of shape [batch, k]. */
export function logSumExpRows(z: tf.Tensor2D): tf.Tensor1D {
  const m = rowMaxNoGrad(z);
  const lse = tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(z, m)), 1, true)));
  return tf.reshape(lse, [z.shape[0]]);
}

/**
 * Mean loss over a batch, a scalar tensor. `out` (network outputs f) and `y` (targets, one-hot
 * for classification) are [batch, k].
 *   - 'mse':  L = ½ · mean over batch *and* classes of (f − y)², i.e. Σ (f − y)² / (2 B k).
 *   - 'xent': L = (1/B) Σ_b [logSumExp(f_b) − Σ_j y_bj f_bj] (softmax cross-entropy on logits).
 */
export function loss(name: LossName, out: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    if (name === 'mse') return tf.mul(0.5, tf.mean(tf.square(tf.sub(out, y))));
    const yz = tf.sum(tf.mul(y, out), 1);
    return tf.mean(tf.sub(logSumExpRows(out), yz));
  });
}
