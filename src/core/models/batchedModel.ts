/**
 * An ensemble of E FCNs of one architecture evaluated as one batched model (docs/ARCHITECTURE.md,
 * "Performance design"): every parameter tensor of `model.ts` gets a leading member axis,
 * W_l: [E, fanIn_l, fanOut_l], b_l: [E, fanOut_l], and all members see the same input x.
 *
 * The ensemble loss is Σ_e L_e(θ_e), each L_e exactly as `loss.ts` computes it for one model.
 * Its Hessian is block-diagonal (no term couples θ_e and θ_e'), so one HVP with a stacked
 * direction [v_1; …; v_E] returns [H_1 v_1; …; H_E v_E], and its gradient is every member's own
 * gradient. That is what lets the c values of a column share every matmul and every HVP.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LossName } from '../settings/schema';
import { logSumExpRows } from './loss';
import { layerScales, paramShapes, type ModelSpec } from './model';

/** Throws unless `forwardBatched` supports the spec (FCNs only; the uv model has no batched form). */
export function checkBatchedSpec(spec: ModelSpec): void {
  if (spec.kind !== 'fcn') {
    throw new Error(`batched ensembles support FCN models only, not '${spec.kind}'`);
  }
}

/** Shapes of the stacked parameter list: `paramShapes(spec)` with a leading E axis. */
export function batchedParamShapes(spec: ModelSpec, members: number): number[][] {
  checkBatchedSpec(spec);
  if (!Number.isInteger(members) || members < 1) {
    throw new Error(`ensemble size must be a positive integer: ${members}`);
  }
  return paramShapes(spec).map((s) => [members, ...s]);
}

/**
 * Stack E copies of one model's parameter tensors: [shape] → [E, ...shape] (new tensors; the
 * caller disposes them and still owns `params`).
 */
export function tileParams(params: readonly tf.Tensor[], members: number): tf.Tensor[] {
  return tf.tidy(() =>
    params.map((p) => tf.tile(tf.expandDims(p, 0), [members, ...p.shape.map(() => 1)])),
  );
}

/**
 * Stack the parameter lists of E members ([shape] each, same spec) into [E, ...shape] tensors.
 * The caller disposes the result.
 */
export function stackParams(members: readonly (readonly tf.Tensor[])[]): tf.Tensor[] {
  const first = members[0];
  if (first === undefined) throw new Error('stackParams: no members');
  return tf.tidy(() => first.map((_, i) => tf.stack(members.map((m) => m[i] as tf.Tensor))));
}

/** Options of {@link forwardBatched}. */
export interface BatchedForwardOptions {
  /**
   * Layers ≥ 2 as E plain matMuls [batch, w] × [w, fanOut] (unstack, multiply, stack) instead of
   * one batched matMul. Default false: on GPUs one batched matMul is the point of ensembling.
   * Callers set it where the backend lacks fast batched matMuls (wasm), that is to
   * `!capabilities.fastBatchedMatMul` (`core/tf/capabilities.ts`).
   */
  splitMatMul?: boolean;
}

/** Member-wise product [E, B, w] × [E, w, out] → [E, B, out]. */
function memberMatMul(h: tf.Tensor3D, w: tf.Tensor3D, split: boolean): tf.Tensor3D {
  if (!split) return tf.matMul(h, w);
  const [members, batch, fanIn] = h.shape;
  if (members === 1) {
    // tfjs's Unpack gradient passes a lone dy to stack(), which throws: no unstack for E = 1.
    const fanOut = w.shape[2];
    const z = tf.matMul(tf.reshape(h, [batch, fanIn]), tf.reshape(w, [fanIn, fanOut]));
    return tf.reshape(z, [1, batch, fanOut]);
  }
  const hs = tf.unstack(h) as tf.Tensor2D[];
  const ws = tf.unstack(w) as tf.Tensor2D[];
  return tf.stack(hs.map((he, e) => tf.matMul(he, ws[e] as tf.Tensor2D))) as tf.Tensor3D;
}

function activateBatched(spec: ModelSpec, z: tf.Tensor3D): tf.Tensor3D {
  if (spec.activation === 'relu') return tf.relu(z);
  if (spec.activation === 'tanh') return tf.tanh(z);
  return z;
}

function stacked(params: readonly tf.Tensor[], i: number): tf.Tensor {
  const p = params[i];
  if (p === undefined) throw new Error(`missing stacked parameter ${i}`);
  return p;
}

/**
 * Outputs of every member, f(x; θ_e) stacked to [E, batch, numClasses], for x of shape
 * [batch, inputDim] shared by all members and `params` stacked as `batchedParamShapes` gives.
 * Same layers, scales (SP, NTK, µP-style readout), activations and biases as `forward` in
 * `model.ts` (the readout init, zero or normal, lives in the parameters).
 *
 * Layer 1 is one plain matMul of x with the kernels laid side by side, [inputDim, E·fanOut]
 * (x is shared, so this is the widest and cheapest form), reshaped to [E, batch, fanOut]; later
 * layers are batched matMuls [E, batch, w] × [E, w, fanOut], or E plain ones with
 * `splitMatMul` (see {@link BatchedForwardOptions}). No matMul uses a transpose flag (see
 * `core/tf/gradients.ts`). Twice differentiable with the gradient fixes registered; call inside
 * `tf.tidy` or dispose the result.
 */
export function forwardBatched(
  spec: ModelSpec,
  params: readonly tf.Tensor[],
  x: tf.Tensor2D,
  opts: BatchedForwardOptions = {},
): tf.Tensor3D {
  const split = opts.splitMatMul ?? false;
  checkBatchedSpec(spec);
  const first = stacked(params, 0);
  const members = first.shape[0] as number;
  const expected = batchedParamShapes(spec, members);
  if (params.length !== expected.length) {
    throw new Error(
      `forwardBatched: ${params.length} parameters, the spec needs ${expected.length}`,
    );
  }
  params.forEach((p, i) => {
    const want = expected[i] as number[];
    if (p.shape.length !== want.length || p.shape.some((d, j) => d !== want[j])) {
      throw new Error(`forwardBatched: parameter ${i} has shape [${p.shape}], expected [${want}]`);
    }
  });
  const batch = x.shape[0];
  const scales = layerScales(spec);
  let h: tf.Tensor3D | null = null;
  let i = 0;
  for (let l = 0; l < spec.depth; l++) {
    const w = stacked(params, i++) as tf.Tensor3D; // [E, fanIn, fanOut]
    const [, fanIn, fanOut] = w.shape;
    let z: tf.Tensor3D;
    if (h === null) {
      // [E, D, out] → [D, E, out] → [D, E·out]; x [B, D] times that → [B, E·out] → [E, B, out].
      const wide = tf.reshape(tf.transpose(w, [1, 0, 2]), [fanIn, members * fanOut]);
      const zWide = tf.matMul(x, wide as tf.Tensor2D);
      z = tf.transpose(tf.reshape(zWide, [batch, members, fanOut]), [1, 0, 2]);
    } else {
      z = memberMatMul(h, w, split);
    }
    const m = scales[l]?.multiplier ?? 1;
    if (m !== 1) z = tf.mul(z, m);
    if (spec.bias) z = tf.add(z, tf.reshape(stacked(params, i++), [members, 1, fanOut]));
    h = l === spec.depth - 1 ? z : activateBatched(spec, z);
  }
  if (h === null) throw new Error('forwardBatched: depth must be ≥ 1');
  return h;
}

/**
 * Per-member losses L_e, shape [E], for stacked outputs `out` [E, batch, k] and targets `y`
 * [batch, k] shared by all members; each L_e is what `loss(name, out_e, y)` in `loss.ts` gives:
 *   - 'mse':  L_e = Σ_{b,j} (f_ebj − y_bj)² / (2 B k);
 *   - 'xent': L_e = (1/B) Σ_b [logSumExp(f_eb) − Σ_j y_bj f_ebj].
 */
export function lossPerMember(name: LossName, out: tf.Tensor3D, y: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    if (name === 'mse') return tf.mul(0.5, tf.mean(tf.square(tf.sub(out, y)), [1, 2]));
    const [members, batch, k] = out.shape;
    const lse = tf.reshape(logSumExpRows(tf.reshape(out, [members * batch, k])), [members, batch]);
    const yz = tf.sum(tf.mul(out, y), 2);
    return tf.mean(tf.sub(lse, yz), 1);
  });
}

/** The ensemble loss Σ_e L_e as a scalar (its gradient and HVPs are the members' own). */
export function ensembleLoss(name: LossName, out: tf.Tensor3D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.sum(lossPerMember(name, out, y)));
}
