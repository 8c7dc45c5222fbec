/**
 * Products with a constant left operand whose transpose is kept beside it.
 *
 * An FCN's first layer is X·W₁ with X the measurement set (M × input dimension, the largest
 * matrix of a run). Its gradient needs Xᵀ·G and an HVP's second pass X·G′, and the matMul
 * gradient (`gradients.ts`) gets X only as the clone the engine saved, so it transposes that
 * clone, or makes the backend pack it, on every pass: on wasm that is a one-thread copy of the
 * whole measurement set two or three times per HVP, about a fifth of a CIFAR-10 run on two
 * threads (docs/BENCH.md). A column that holds X for its whole life calls `holdTranspose(X)`
 * once; `fixedMatMul(X, W)` then multiplies by X or by the held Xᵀ, to any order of
 * differentiation, without a transpose. The products are the ones the plain gradient computes,
 * the same pairs added in the same order, so every result keeps its bits (fixedOperand.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';

/** A held matrix with its transpose; each product's gradient is the other's product. */
interface Held {
  x: tf.Tensor2D;
  xT: tf.Tensor2D;
  /** w ↦ x·w, whose gradient in w is dy ↦ xᵀ·dy (the `byT` product). */
  byX: (w: tf.Tensor2D) => tf.Tensor2D;
  byT: (w: tf.Tensor2D) => tf.Tensor2D;
}

const held = new WeakMap<tf.Tensor, Held>();

/** left·w with the gradient `grad` (the product by left's transpose), both looked up lazily. */
function product(left: () => tf.Tensor2D, grad: () => (dy: tf.Tensor2D) => tf.Tensor2D) {
  // tfjs passes the inputs, then the save function; nothing needs saving (w is not used).
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    return {
      value: tf.matMul(left(), w),
      gradFunc: (dy: tf.Tensor) => grad()(dy as tf.Tensor2D),
    };
  }) as (w: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * Keep `x` (rank 2) with its transpose so that `fixedMatMul(x, ·)` never transposes it. The
 * transpose costs |x| floats while held. Returns the release: it disposes the transpose (never
 * `x`, which stays the caller's) and makes `fixedMatMul(x, ·)` a plain matMul again.
 */
export function holdTranspose(x: tf.Tensor2D): () => void {
  if (x.rank !== 2) throw new Error(`holdTranspose: a matrix is needed, not rank ${x.rank}`);
  if (held.has(x)) throw new Error('holdTranspose: this tensor is already held');
  const xT = tf.keep(tf.transpose(x));
  const h: Held = {
    x,
    xT,
    byX: product(
      () => h.x,
      () => h.byT,
    ),
    byT: product(
      () => h.xT,
      () => h.byX,
    ),
  };
  held.set(x, h);
  return () => {
    if (held.get(x) !== h) return;
    held.delete(x);
    xT.dispose();
  };
}

/** x·w: through the held transpose when `x` is held (`holdTranspose`), else a plain matMul. */
export function fixedMatMul(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const h = held.get(x);
  return h ? h.byX(w) : tf.matMul(x, w);
}

/** Whether `x` is held now (for tests and callers that report memory). */
export function isHeld(x: tf.Tensor): boolean {
  return held.has(x);
}
