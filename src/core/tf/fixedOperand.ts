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
 * The last product by X is kept too (`slotIn`): the HVPs of one estimate share it, and the later
 * layers' products with the transposes of their inputs that the second passes multiply by.
 *
 * An HVP's first pass makes ∇_{W₁}L = Xᵀ·dz₁ only to take its inner product with v₁: the second
 * pass differentiates that product, whose gradient in dz₁ is X·(v₁ ⋯) and needs Xᵀ·dz₁'s value
 * nowhere. Inside `unreadWeightGradients` (makeHvp's first pass) the held product's weight
 * gradient is a stand-in whose value is zeros and whose gradient is the true one, so each HVP
 * skips its largest product and every result keeps its bits. The first passes of an estimate
 * (the same loss at the same θ) share their backward products dy·wᵀ as well.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A held matrix with its transpose; each product's gradient is the other's product. */
interface Held {
  x: tf.Tensor2D;
  xT: tf.Tensor2D;
  /** w ↦ x·w, whose gradient in w is dy ↦ xᵀ·dy (the `byT` product). */
  byX: (w: tf.Tensor2D) => tf.Tensor2D;
  byT: (w: tf.Tensor2D) => tf.Tensor2D;
  /** `byT` for a gradient that is only differentiated (`unreadWeightGradients`). */
  byTUnread: (w: tf.Tensor2D) => tf.Tensor2D;
  /** The products of the last forward on x: x·W₁ (`FIRST`) and the later layers' (`ChainKey.at`). */
  chain: Map<string, ChainMemo>;
}

/**
 * A product kept on a held x, and the tensors it was computed from: a forward's h·W (keyed on the
 * upstream parameters), or a first pass's dy·wᵀ (keyed on all of them and the loss).
 */
interface ChainMemo {
  upstream: readonly tf.Tensor[];
  /** The loss of the first pass that computed it (backward products only). */
  loss?: object;
  value: tf.Tensor2D;
  /** The transpose of the product's left operand, once a second pass has asked for it. */
  inputT?: tf.Tensor2D;
  /** Replaced or released: its tensors are disposed, and nothing more is kept in it. */
  gone?: boolean;
}

/**
 * What a later layer's input depends on, for `weightMatMul` to keep its product: the held input
 * of the first layer, every parameter up to and including w (`upstream`), and the layer under
 * everything else the forward does to them (`at`: its index, activation and multipliers).
 */
export interface ChainKey {
  x: tf.Tensor;
  upstream: readonly tf.Tensor[];
  at: string;
}

const held = new WeakMap<tf.Tensor, Held>();

/** Depth of `unreadWeightGradients` calls now running. */
let unreadDepth = 0;

/**
 * What a first pass computes its gradient of: the loss (a pure function of the parameters, its
 * data captured) and the parameter tensors. Two first passes with the same loss at the same live
 * tensors compute the same values: a sharpness estimate's HVPs, whose backward products are kept.
 */
export interface FirstPass {
  loss: object;
  params: readonly tf.Tensor[];
}

/** The innermost first pass now running with a `FirstPass`, if any. */
let firstPass: FirstPass | null = null;

/**
 * Run `f`, a gradient whose values at the weights of held products are never read, only
 * differentiated again: an HVP's first pass, whose gradient g only enters ⟨g, v⟩. Inside it the
 * weight gradient xᵀ·dy of `fixedMatMul(x, W)` has the value zeros (never computed) and the
 * gradient of the true product, so a gradient of ⟨g, v⟩ is exact while g itself reads 0 at W.
 * With `pass`, the later layers' dy·wᵀ are kept for the next first pass of the same loss at the
 * same parameters (`Slot.backward`).
 */
export function unreadWeightGradients<T>(f: () => T, pass?: FirstPass): T {
  unreadDepth++;
  const outer = firstPass;
  firstPass = pass ?? null;
  try {
    return f();
  } finally {
    unreadDepth--;
    firstPass = outer;
  }
}

/**
 * left·w with the gradient `grad` (the product by left's transpose), both looked up lazily;
 * with `slotOf`, the product is kept for the same weight and handed out again as a copy (a
 * sharpness estimate runs its HVPs, and the loss before it, at the same parameter tensors, so
 * x·W₁ is computed once per estimate instead of once per HVP).
 */
function product(
  left: () => tf.Tensor2D,
  grad: () => (dy: tf.Tensor2D) => tf.Tensor2D,
  slotOf: ((w: tf.Tensor2D) => Slot | null) | null,
) {
  // tfjs passes the inputs, then the save function; nothing needs saving (w is not used).
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    const slot = slotOf?.(w) ?? null;
    return {
      value: slot?.hit() ?? slot?.keep(tf.matMul(left(), w)) ?? tf.matMul(left(), w),
      gradFunc: (dy: tf.Tensor) => grad()(dy as tf.Tensor2D),
    };
  }) as (w: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * A stand-in for left·w whose value is never read: zeros of its shape, with the gradient of
 * the true product (`grad`, the product by left's transpose).
 */
function unreadProduct(rows: number, grad: () => (dy: tf.Tensor2D) => tf.Tensor2D) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [w, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    return {
      value: tf.zeros([rows, w.shape[1]]) as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor) => grad()(dy as tf.Tensor2D),
    };
  }) as (w: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * Keep `x` (rank 2) with its transpose so that `fixedMatMul(x, ·)` never transposes it. While
 * held it costs |x| floats for the transpose and |x·w| for the kept product. Returns the
 * release: it disposes both (never `x`, which stays the caller's) and makes `fixedMatMul(x, ·)`
 * a plain matMul again.
 */
export function holdTranspose(x: tf.Tensor2D): () => void {
  if (x.rank !== 2) throw new Error(`holdTranspose: a matrix is needed, not rank ${x.rank}`);
  if (held.has(x)) throw new Error('holdTranspose: this tensor is already held');
  const xT = tf.keep(tf.transpose(x));
  const h: Held = {
    x,
    xT,
    // Only the forward product by x is kept: its weight is a parameter. The products inside
    // gradients (byT, and byX again in second-order passes) multiply fresh gradients.
    byX: product(
      () => h.x,
      () => (unreadDepth > 0 ? h.byTUnread : h.byT),
      (w) => slotIn(h, FIRST, [w]),
    ),
    byT: product(
      () => h.xT,
      () => byXInGradient,
      null,
    ),
    byTUnread: unreadProduct(xT.shape[0], () => byXInGradient),
    chain: new Map(),
  };
  const byXInGradient = product(
    () => h.x,
    () => h.byT,
    null,
  );
  held.set(x, h);
  return () => {
    if (held.get(x) !== h) return;
    held.delete(x);
    xT.dispose();
    for (const c of h.chain.values()) disposeMemo(c);
    h.chain.clear();
  };
}

/**
 * hᵀ·dy's stand-in in a first pass (`unreadWeightGradients`): zeros, with the gradient of the
 * ops it replaces, `matMul(transpose(h), dy)`: (ct·dyᵀ)ᵀ for h, as dy·ctᵀ (the same products
 * summed in the same order, without transposing two [rows × width] matrices), and h·ct for dy.
 */
const unreadWeightGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [h, dy, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([h, dy]);
  return {
    value: tf.zeros([h.shape[1], dy.shape[1]]) as tf.Tensor2D,
    gradFunc: (ct: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [hs, dys] = saved as [tf.Tensor2D, tf.Tensor2D];
      const c = ct as tf.Tensor2D;
      return [tf.matMul(dys, tf.transpose(c)), tf.matMul(hs, c)];
    },
  };
}) as (h: tf.Tensor2D, dy: tf.Tensor2D) => tf.Tensor2D;

/**
 * The product through a custom gradient inside a first pass: gradients.ts's matMul gradient, op
 * for op, but with the weight gradient hᵀ·dy a stand-in while the pass is unread. With a `slot`,
 * its value is the kept product when that is still valid, and so is the first pass's dy·wᵀ.
 */
function weightProduct(slot: Slot | null) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [h, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([h, w]);
    const kept = slot?.hit() ?? null;
    return {
      value: kept ?? slot?.keep(tf.matMul(h, w)) ?? tf.matMul(h, w),
      gradFunc: (dyIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [hs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
        const dy = dyIn as tf.Tensor2D;
        if (unreadDepth > 0) {
          const wT = tf.transpose(ws);
          return [slot?.backward(dy, wT) ?? tf.matMul(dy, wT), unreadWeightGradient(hs, dy)];
        }
        return [
          tf.matMul(dy, tf.transpose(ws)),
          tf.matMul(slot?.inputT(hs) ?? tf.transpose(hs), dy),
        ];
      },
    };
  }) as (h: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * h·w for a hidden activation h (a function of θ) and a weight w (one of θ itself). Outside
 * `unreadWeightGradients` it is a plain matMul; inside (the forward of an HVP's first pass) its
 * first gradient in w, hᵀ·dy, is a stand-in, as for `fixedMatMul`, and every other gradient is
 * the plain one: the results keep their bits (fixedOperand.test.ts). With a `key` on a held x,
 * the product of the last forward is kept like x·W₁: a sharpness estimate's HVPs follow a loss
 * at the same θ, and all of them share every layer's forward product.
 */
export function weightMatMul(h: tf.Tensor2D, w: tf.Tensor2D, key?: ChainKey): tf.Tensor2D {
  const slot = key ? slotFor(key) : null;
  if (unreadDepth > 0) return weightProduct(slot)(h, w);
  // Outside a first pass the product stays a plain matMul on the tape; it is only kept.
  const value = tf.matMul<tf.Tensor2D>(h, w);
  slot?.keep(value);
  return value;
}

/** A kept product's place: its copy when it is still valid, and how to keep a new one. */
interface Slot {
  hit(): tf.Tensor2D | null;
  /** Keeps a copy of `value` (replacing the last) and returns `value`. */
  keep(value: tf.Tensor2D): tf.Tensor2D;
  /**
   * hᵀ for the product's left operand h, kept beside the product while it is valid: an HVP's
   * second pass multiplies by it (hᵀ·dy), once per HVP of an estimate, at the same h.
   */
  inputT(h: tf.Tensor2D): tf.Tensor2D;
  /**
   * dy·wᵀ (given wᵀ) of a first pass with a `FirstPass` (null without one): kept for the next
   * first pass of the same loss at the same parameters, whose dy is the same, with the gradient
   * of the plain `matMul(dy, wT)`.
   */
  backward(dy: tf.Tensor2D, wT: tf.Tensor2D): tf.Tensor2D | null;
}

/**
 * dy·wT as the kept `c.value`, with the gradient of `matMul(dy, wT)` as gradients.ts makes it,
 * op for op: ct·wTᵀ for dy and dyᵀ·ct for wT, through the kept dyᵀ. Gradients reach w through
 * the caller's transpose wT, as they do without a memo, so they are summed in the same order.
 */
function keptBackward(c: ChainMemo) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [dy, wT, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    save([dy, wT]);
    return {
      value: tf.clone(c.value),
      gradFunc: (ctIn: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [dys, wTs] = saved as [tf.Tensor2D, tf.Tensor2D];
        const ct = ctIn as tf.Tensor2D;
        return [tf.matMul(ct, tf.transpose(wTs)), tf.matMul(keptT(c, dys), ct)];
      },
    };
  }) as (dy: tf.Tensor2D, wT: tf.Tensor2D) => tf.Tensor2D;
}

/** `c.inputT` (the transpose of `input`, kept on first use), with the gradient of tf.transpose. */
function keptT(c: ChainMemo, input: tf.Tensor2D): tf.Tensor2D {
  if (c.inputT !== undefined && !c.inputT.isDisposed) return keptTranspose(c.inputT)(input);
  const t = tf.transpose(input);
  if (c.gone !== true) c.inputT = tf.keep(tf.clone(t));
  return t;
}

/** hᵀ as `kept` (a transpose of a tensor equal to h), with the gradient of tf.transpose(h). */
function keptTranspose(kept: tf.Tensor2D) {
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[1] as tf.GradSaveFunc;
    save([]);
    return {
      value: tf.clone(kept),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.transpose(dy as tf.Tensor2D),
    };
  }) as (h: tf.Tensor2D) => tf.Tensor2D;
}

/** The chain's place for x·W₁ (`ChainKey.at` of later layers starts with their index). */
const FIRST = 'x·W₁';

/** Where a later layer keeps its product (`slotIn`), when the first layer's input is held. */
function slotFor(key: ChainKey): Slot | null {
  const h = held.get(key.x);
  return h ? slotIn(h, key.at, key.upstream) : null;
}

/**
 * A kept product's place in `h.chain`, valid while every tensor it was computed from is the
 * same live one: none for a variable (variables change in place; tensors never do, so the same
 * live tensors mean the same input and the same product).
 */
function slotIn(h: Held, at: string, upstream: readonly tf.Tensor[]): Slot | null {
  if (upstream.some((t) => t instanceof tf.Variable)) return null;
  return {
    hit: () => {
      const c = validMemo(h, at, upstream);
      return c ? tf.clone(c.value) : null;
    },
    keep: (value) => keepMemo(h, at, upstream, value),
    inputT: (input) => {
      const c = validMemo(h, at, upstream);
      return c === null ? tf.transpose(input) : keptT(c, input);
    },
    backward: (dy, wT) => {
      const pass = firstPass;
      if (pass === null || pass.params.some((t) => t instanceof tf.Variable)) return null;
      const key = `${at} ∂`;
      if (validMemo(h, key, pass.params, pass.loss) === null)
        keepMemo(h, key, pass.params, tf.matMul(dy, wT), pass.loss);
      // Through the memo from the first HVP on, so that its second pass keeps dyᵀ too.
      const c = h.chain.get(key);
      return c ? keptBackward(c)(dy, wT) : null;
    },
  };
}

/** The memo at `at` if it was computed from these live tensors (and this loss), else null. */
function validMemo(
  h: Held,
  at: string,
  upstream: readonly tf.Tensor[],
  loss?: object,
): ChainMemo | null {
  const c = h.chain.get(at);
  return c !== undefined &&
    !c.value.isDisposed &&
    c.loss === loss &&
    c.upstream.length === upstream.length &&
    c.upstream.every((t, i) => t === upstream[i] && !t.isDisposed)
    ? c
    : null;
}

/** Keeps a copy of `value` at `at` (replacing what was there) and returns `value`. */
function keepMemo(
  h: Held,
  at: string,
  upstream: readonly tf.Tensor[],
  value: tf.Tensor2D,
  loss?: object,
): tf.Tensor2D {
  disposeMemo(h.chain.get(at));
  h.chain.set(at, {
    upstream: [...upstream],
    ...(loss !== undefined ? { loss } : {}),
    value: tf.keep(tf.clone(value)),
  });
  return value;
}

/** x·w: through the held transpose when `x` is held (`holdTranspose`), else a plain matMul. */
export function fixedMatMul(x: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const h = held.get(x);
  return h ? h.byX(w) : tf.matMul(x, w);
}

/** Frees a memo's tensors and marks it gone (a custom gradient may still hold it). */
function disposeMemo(c: ChainMemo | undefined): void {
  if (c === undefined) return;
  c.gone = true;
  c.value.dispose();
  c.inputT?.dispose();
}

/** Whether `x` is held now (for tests and callers that report memory). */
export function isHeld(x: tf.Tensor): boolean {
  return held.has(x);
}
