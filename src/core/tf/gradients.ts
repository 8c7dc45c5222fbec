/**
 * Gradient fixes for TensorFlow.js 4.22, registered over its stock gradients so that nested
 * `tf.grads` (Hessian-vector products) are exact and matMul gradients are fast on wasm.
 *
 * How tfjs saves tensors for the backward pass (engine.ts, `runKernelFunc`): when a kernel runs
 * with the tape on, the engine looks up the kernel's *registered gradient config* and saves the
 * inputs named in `inputsToSave` (or all inputs with `saveAllInputs`) and the outputs flagged in
 * `outputsToSave`, each as `clone(t)` (an Identity node added to the tape). What is saved is thus
 * decided by whichever config is registered when the forward op runs, so a re-registered config
 * with different `inputsToSave`/`outputsToSave` is self-consistent: no custom op path is needed.
 *
 * Why stock tanh/sigmoid/exp lose their second derivative (upstream bug #3252): the clone of a
 * saved *output* is put on the tape *before* the op's own tape node (the clone is made inside the
 * kernel call; the op's node is added after it returns). The tape is walked in order to find the
 * nodes between x and y, so the clone's input (the op's output) is not yet reachable when the clone
 * node is visited: the saved output is a constant to every enclosing gradient. Saved *inputs* are
 * produced by earlier nodes, so their clones are differentiable. Hence the fix: save the input and
 * recompute the activation inside the gradient (one extra elementwise kernel per backward op,
 * negligible next to the matMuls), which makes the gradient itself differentiable to any order.
 *
 * Convolutions and pooling (`convGradients.ts`): tfjs registers no gradient for the kernels of
 * their backward passes (Conv2DBackpropFilter, AvgPoolGrad, MaxPoolGrad), and the stock Conv2D and
 * Conv2DBackpropInput gradients need a filter kernel that wasm lacks.
 *
 * Gradients must be registered before the fixes: tfjs-core alone registers none. In bundled code
 * (Vite worker, vitest) import `./registerStockGradients`; in Node `initNodeBackend` does it
 * (see `src/node/backend.ts` for why a static import cannot serve both).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

import {
  avgPoolGradGrad,
  conv2dBackpropFilterGrad,
  conv2dBackpropInputGrad,
  conv2dGrad,
  maxPoolGrad,
  maxPoolGradGrad,
} from './convGradients';

type NamedGradientMap = ReturnType<GradConfig['gradFunc']>;

/** Kernels whose gradient this module replaces or adds. */
export type FixedKernel =
  | 'Tanh'
  | 'Sigmoid'
  | 'Exp'
  | 'BatchMatMul'
  | 'Greater'
  | 'GreaterEqual'
  | 'Less'
  | 'LessEqual'
  | 'Equal'
  | 'NotEqual'
  | 'Conv2D'
  | 'Conv2DBackpropInput'
  | 'Conv2DBackpropFilter'
  | 'AvgPoolGrad'
  | 'MaxPool'
  | 'MaxPoolGrad';

/** All kernels of {@link FixedKernel}, in registration order. */
export const FIXED_KERNELS: readonly FixedKernel[] = [
  'Tanh',
  'Sigmoid',
  'Exp',
  'BatchMatMul',
  'Greater',
  'GreaterEqual',
  'Less',
  'LessEqual',
  'Equal',
  'NotEqual',
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'AvgPoolGrad',
  'MaxPool',
  'MaxPoolGrad',
];

/** Every registered gradient receives one dy for our single-output kernels. */
function single(dy: Tensor | Tensor[]): Tensor {
  if (Array.isArray(dy)) {
    const first = dy[0];
    if (first === undefined || dy.length !== 1) throw new Error('expected one output gradient');
    return first;
  }
  return dy;
}

function saved1(saved: Tensor[]): Tensor {
  const x = saved[0];
  if (x === undefined) throw new Error('gradient fix: saved input missing');
  return x;
}

/** d tanh(x)/dx = 1 − tanh(x)², with tanh recomputed from the saved input. */
const tanhGrad: GradConfig = {
  kernelName: tf.Tanh,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const x = saved1(saved);
    return { x: () => tf.mul(single(dy), tf.sub(1, tf.square(tf.tanh(x)))) };
  },
};

/** d σ(x)/dx = σ(x)(1 − σ(x)), with σ recomputed from the saved input. */
const sigmoidGrad: GradConfig = {
  kernelName: tf.Sigmoid,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const x = saved1(saved);
    return {
      x: () => {
        const s = tf.sigmoid(x);
        return tf.mul(single(dy), tf.mul(s, tf.sub(1, s)));
      },
    };
  },
};

/** d exp(x)/dx = exp(x), recomputed from the saved input. (Softplus's stock gradient already
 * saves its input and calls sigmoid, so with the sigmoid fix it is exact too.) */
const expGrad: GradConfig = {
  kernelName: tf.Exp,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const x = saved1(saved);
    return { x: () => tf.mul(single(dy), tf.exp(x)) };
  },
};

/** Swap the last two axes. */
function transposeLast2(t: Tensor): Tensor {
  const r = t.rank;
  if (r < 2) throw new Error('matMul operand of rank < 2');
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[r - 2] = r - 1;
  perm[r - 1] = r - 2;
  return tf.transpose(t, perm);
}

/** Sum a gradient over the batch axes that matMul broadcast, back to the input's shape. */
function reduceToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const summed = axes.length > 0 ? tf.sum(g, axes, true) : g;
  return tf.reshape(summed, [...shape]);
}

/**
 * BatchMatMul gradient with explicit transposes. For C = op(A)·op(B) (op = transpose when the
 * flag is set) and upstream gradient G:
 *   (A B):   dA = G Bᵀ,      dB = Aᵀ G
 *   (A Bᵀ):  dA = G B,       dB = Gᵀ A
 *   (Aᵀ B):  dA = B Gᵀ,      dB = A G
 *   (Aᵀ Bᵀ): dA = Bᵀ Gᵀ,     dB = Gᵀ Aᵀ
 * Every transpose is a separate `tf.transpose` followed by a plain matMul: the wasm backend's
 * matMul with transposeA/transposeB is 10–25× slower than the plain case (docs/ARCHITECTURE.md), and the
 * stock config uses them for every backward matMul. The results are the same products, so the
 * gradient (and its own gradient) is unchanged. Broadcast batch axes are summed back.
 */
const batchMatMulGrad: GradConfig = {
  kernelName: tf.BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dyIn, saved, attrs: NamedAttrMap) => {
    const a = saved[0];
    const b = saved[1];
    if (a === undefined || b === undefined) throw new Error('gradient fix: matMul inputs missing');
    const dy = single(dyIn);
    const tA = attrs['transposeA'] === true;
    const tB = attrs['transposeB'] === true;
    const T = transposeLast2;
    let da: () => Tensor;
    let db: () => Tensor;
    if (!tA && !tB) {
      da = () => tf.matMul(dy, T(b));
      db = () => tf.matMul(T(a), dy);
    } else if (!tA && tB) {
      da = () => tf.matMul(dy, b);
      db = () => tf.matMul(T(dy), a);
    } else if (tA && !tB) {
      da = () => tf.matMul(b, T(dy));
      db = () => tf.matMul(a, dy);
    } else {
      da = () => T(tf.matMul(dy, b));
      db = () => T(tf.matMul(a, dy));
    }
    return {
      a: () => reduceToShape(da(), a.shape),
      b: () => reduceToShape(db(), b.shape),
    };
  },
};

/** Comparisons are piecewise constant: zero gradient for both inputs. Stock tfjs registers one
 * only for GreaterEqual, so leakyRelu/relu6/max-style gradients fail under a second derivative. */
function comparisonGrad(kernelName: string): GradConfig {
  return {
    kernelName,
    inputsToSave: ['a', 'b'],
    gradFunc: (_dy, saved): NamedGradientMap => {
      const a = saved[0];
      const b = saved[1];
      if (a === undefined || b === undefined) throw new Error('gradient fix: inputs missing');
      return { a: () => tf.zerosLike(a), b: () => tf.zerosLike(b) };
    },
  };
}

const FIXES: ReadonlyMap<FixedKernel, GradConfig> = new Map<FixedKernel, GradConfig>([
  ['Tanh', tanhGrad],
  ['Sigmoid', sigmoidGrad],
  ['Exp', expGrad],
  ['BatchMatMul', batchMatMulGrad],
  ['Greater', comparisonGrad(tf.Greater)],
  ['GreaterEqual', comparisonGrad(tf.GreaterEqual)],
  ['Less', comparisonGrad(tf.Less)],
  ['LessEqual', comparisonGrad(tf.LessEqual)],
  ['Equal', comparisonGrad(tf.Equal)],
  ['NotEqual', comparisonGrad(tf.NotEqual)],
  ['Conv2D', conv2dGrad],
  ['Conv2DBackpropInput', conv2dBackpropInputGrad],
  ['Conv2DBackpropFilter', conv2dBackpropFilterGrad],
  ['AvgPoolGrad', avgPoolGradGrad],
  ['MaxPool', maxPoolGrad],
  ['MaxPoolGrad', maxPoolGradGrad],
]);

/** The configs found in the registry when we replaced them (undefined: there was none). */
const replaced = new Map<FixedKernel, GradConfig | undefined>();

/** > 0 while `withStockGradients` runs: `registerGradientFixes` then leaves the registry alone. */
let stockScopeDepth = 0;

/** Throws unless tfjs's stock gradients are registered (tfjs-core alone registers none). */
export function assertStockGradients(): void {
  if (tf.getGradient(tf.Add) === undefined || tf.getGradient(tf.Multiply) === undefined) {
    throw new Error(
      'tfjs gradients are not registered: import src/core/tf/registerStockGradients (bundled code) ' +
        'or call initNodeBackend (Node) before registerGradientFixes',
    );
  }
}

/**
 * Register the project's gradient configs (see module comment) over tfjs's stock ones.
 * Idempotent and cheap (a few Map lookups): it compares the registry with our configs by identity
 * and re-registers only what differs, so calling it again repairs a registry that a later
 * `import '@tensorflow/tfjs'` (which re-registers every stock gradient) has overwritten. Callers
 * that compute HVPs (`makeHvp`) call it on every use. Throws if the stock gradients are missing.
 */
export function registerGradientFixes(): void {
  if (stockScopeDepth > 0) return;
  assertStockGradients();
  for (const [name, fix] of FIXES) {
    const current = tf.getGradient(name);
    if (current === fix) continue;
    replaced.set(name, current);
    tf.registerGradient(fix);
  }
}

/** True when every fixed kernel's registered gradient is ours. */
export function gradientFixesActive(): boolean {
  for (const [name, fix] of FIXES) if (tf.getGradient(name) !== fix) return false;
  return true;
}

/**
 * Run `fn` (synchronously) with the stock gradient configs of `kernels` registered instead of our
 * fixes, then restore the fixes. For regression tests and benchmarks that must show what the
 * fixes change; while it runs, `registerGradientFixes` is a no-op. Requires that the fixes were
 * registered before (so that the stock configs are known).
 */
export function withStockGradients<T>(kernels: readonly FixedKernel[], fn: () => T): T {
  registerGradientFixes();
  stockScopeDepth++;
  try {
    for (const name of kernels) {
      const stock = replaced.get(name);
      if (stock === undefined) {
        if (tf.getGradient(name) !== undefined) tf.unregisterGradient(name);
      } else {
        tf.registerGradient(stock);
      }
    }
    return fn();
  } finally {
    for (const name of kernels) {
      const fix = FIXES.get(name);
      if (fix !== undefined) tf.registerGradient(fix);
    }
    stockScopeDepth--;
  }
}
